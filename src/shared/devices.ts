/**
 * Choosing the microphone, camera and speaker: the lists the offscreen
 * document reads from enumerateDevices(), the choice the worker remembers,
 * which device a call uses given both, and what to tell the user when a
 * device is not there. Pure: no browser API.
 */

export const DEVICE_KINDS = ['mic', 'camera', 'speaker'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export interface Device {
  id: string;
  label: string;
}

/** What the browser offers now, per kind, in its own order (the default first). */
export type DeviceLists = Record<DeviceKind, Device[]>;

/**
 * What the user picked, remembered across calls; null means the system's
 * default. The label is kept too, so a device that is gone can still be named.
 */
export type DeviceChoice = Record<DeviceKind, Device | null>;

/** The device id each kind uses now (the camera's even while it is off), or null when there is none. */
export type DevicesInUse = Record<DeviceKind, string | null>;

/** The devices part of the view: what the pickers list and show, and the last device change in words. */
export interface DeviceView {
  lists: DeviceLists;
  inUse: DevicesInUse;
  notice: string | null;
}

export const NO_CHOICE: DeviceChoice = { mic: null, camera: null, speaker: null };
export const NO_DEVICES: DeviceLists = { mic: [], camera: [], speaker: [] };
export const NONE_IN_USE: DevicesInUse = { mic: null, camera: null, speaker: null };
export const NO_DEVICE_VIEW: DeviceView = { lists: NO_DEVICES, inUse: NONE_IN_USE, notice: null };

/** What a person calls each kind, in a sentence. */
export const DEVICE_NOUN: Record<DeviceKind, string> = { mic: 'microphone', camera: 'camera', speaker: 'speaker' };

/** The accessible names of the three pickers. */
export const DEVICE_PICKER_LABEL: Record<DeviceKind, string> = { mic: 'Microphone', camera: 'Camera', speaker: 'Speaker' };

/** A machine with more than this many devices of one kind is not one we could list in a picker anyway. */
export const MAX_DEVICES_PER_KIND = 50;

const KIND_OF: Record<string, DeviceKind> = { audioinput: 'mic', videoinput: 'camera', audiooutput: 'speaker' };

/** The fields of a MediaDeviceInfo this module reads. */
export interface DeviceInfo {
  kind: string;
  deviceId: string;
  label: string;
}

/**
 * enumerateDevices() grouped by kind. Entries without an id (the page has no
 * permission yet) are left out, as is Windows' "communications" alias, which
 * repeats a device already listed. A device without a label is named by its
 * place, so the picker never shows an empty line.
 */
export function listDevices(infos: readonly DeviceInfo[]): DeviceLists {
  const lists: DeviceLists = { mic: [], camera: [], speaker: [] };
  for (const info of infos) {
    const kind = KIND_OF[info.kind];
    if (!kind || info.deviceId === '' || info.deviceId === 'communications') continue;
    const list = lists[kind];
    if (list.length === MAX_DEVICES_PER_KIND || list.some((device) => device.id === info.deviceId)) continue;
    list.push({ id: info.deviceId, label: info.label.trim() || `${capitalize(DEVICE_NOUN[kind])} ${list.length + 1}` });
  }
  return lists;
}

/** The device to ask for: the remembered one if it is connected, else the default (null) and the one that is missing. */
export function chooseDevice(wanted: Device | null, available: readonly Device[]): { id: string | null; missing: Device | null } {
  if (!wanted) return { id: null, missing: null };
  if (available.some((device) => device.id === wanted.id)) return { id: wanted.id, missing: null };
  return { id: null, missing: wanted };
}

/** Whether an id names a connected device of that kind: a choice from a stale list changes nothing. */
export function findDevice(lists: DeviceLists, kind: DeviceKind, id: string): Device | null {
  return lists[kind].find((device) => device.id === id) ?? null;
}

const quoted = (device: Device | { label: string }) => `“${device.label}”`;

function using(kind: DeviceKind, device: { label: string } | null): string {
  return device ? quoted(device) : `the default ${DEVICE_NOUN[kind]}`;
}

/** A remembered device was not there when the call started. */
export function describeFallback(kind: DeviceKind, wanted: Device, instead: { label: string } | null): string {
  return `The ${DEVICE_NOUN[kind]} you chose, ${quoted(wanted)}, is not connected, so this call uses ${using(kind, instead)}.`;
}

/** The device in use went away mid-call (unplugged, or taken by the system). */
export function describeUnplugged(kind: DeviceKind, lost: { label: string } | null, instead: { label: string } | null, found: boolean): string {
  const noun = DEVICE_NOUN[kind];
  const which = lost ? `${noun} ${quoted(lost)}` : noun;
  if (!found) return `Your ${which} was disconnected, and no other ${noun} was found.`;
  return `Your ${which} was disconnected, so the call switched to ${using(kind, instead)}.`;
}

/** A switch the user asked for did not happen; the call keeps what it had. */
export function describeSwitchFailure(kind: DeviceKind, wanted: Device, reason: string): string {
  return `Could not switch to the ${DEVICE_NOUN[kind]} ${quoted(wanted)}: ${reason} The call keeps the one it had.`;
}

/** getUserMedia's and setSinkId's errors, as the end of a sentence. */
export function describeDeviceError(name: string): string {
  switch (name) {
    case 'NotReadableError':
    case 'AbortError':
      return 'another program is using it.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'it is no longer connected.';
    case 'NotAllowedError':
    case 'SecurityError':
      return 'the browser did not allow it.';
    default:
      return 'the browser could not start it.';
  }
}

/** The kinds where the user's choice is not the device in use: what a new choice has to switch. */
export function kindsToSwitch(choice: DeviceChoice, inUse: DevicesInUse): DeviceKind[] {
  return DEVICE_KINDS.filter((kind) => {
    const wanted = choice[kind];
    return wanted !== null && wanted.id !== inUse[kind];
  });
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
