/**
 * Choosing the microphone, camera and speaker: the lists the offscreen
 * document reads from enumerateDevices(), the choice the worker remembers,
 * which device a call uses given both, and what to tell the user when a
 * device is not there. Pure: no browser API. The offscreen document, which
 * finds out what changed, has no i18n: it chooses the words (a Wording) and
 * the worker says them.
 */
import * as v from 'valibot';
import { type MessageKey, t, type Wording, words } from './wording';

export const DEVICE_KINDS = ['mic', 'camera', 'speaker'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** A machine with more than this many devices of one kind is not one we could list in a picker anyway. */
export const MAX_DEVICES_PER_KIND = 50;

/** Chrome's device ids are 64 hex digits, or a word such as "default". */
export const DeviceId = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const Device = v.strictObject({ id: DeviceId, label: v.pipe(v.string(), v.maxLength(300)) });
export type Device = v.InferOutput<typeof Device>;
const perKind = <S extends v.GenericSchema>(schema: S) => v.strictObject({ mic: schema, camera: schema, speaker: schema });

/** What the browser offers now, per kind, in its own order (the default first). */
export const DeviceLists = perKind(v.pipe(v.array(Device), v.maxLength(MAX_DEVICES_PER_KIND)));
export type DeviceLists = v.InferOutput<typeof DeviceLists>;

/**
 * What the user picked, remembered across calls; null means the system's
 * default. The label is kept too, so a device that is gone can still be named.
 */
export const DeviceChoice = perKind(v.nullable(Device));
export type DeviceChoice = v.InferOutput<typeof DeviceChoice>;

/** The device id each kind uses now (the camera's even while it is off), or null when there is none. */
export const DevicesInUse = perKind(v.nullable(DeviceId));
export type DevicesInUse = v.InferOutput<typeof DevicesInUse>;

/** The devices part of the view: what the pickers list and show, and the last device change in words. */
export const DeviceView = v.strictObject({ lists: DeviceLists, inUse: DevicesInUse, notice: v.nullable(v.string()) });
export type DeviceView = v.InferOutput<typeof DeviceView>;

export const NO_CHOICE: DeviceChoice = { mic: null, camera: null, speaker: null };
export const NO_DEVICES: DeviceLists = { mic: [], camera: [], speaker: [] };
export const NONE_IN_USE: DevicesInUse = { mic: null, camera: null, speaker: null };
export const NO_DEVICE_VIEW: DeviceView = { lists: NO_DEVICES, inUse: NONE_IN_USE, notice: null };

/** The pickers' accessible names (the same English words the end-to-end tests use). */
export function devicePickerLabel(kind: DeviceKind): string {
  return t(PICKER_KEY[kind]);
}

const PICKER_KEY = { mic: 'deviceMicrophone', camera: 'deviceCamera', speaker: 'deviceSpeaker' } as const satisfies Record<DeviceKind, MessageKey>;

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
 * repeats a device already listed. A device without a name keeps an empty
 * label: the picker names it by its place, in the user's language.
 */
export function listDevices(infos: readonly DeviceInfo[]): DeviceLists {
  const lists: DeviceLists = { mic: [], camera: [], speaker: [] };
  for (const info of infos) {
    const kind = KIND_OF[info.kind];
    if (!kind || info.deviceId === '' || info.deviceId === 'communications') continue;
    const list = lists[kind];
    if (list.length === MAX_DEVICES_PER_KIND || list.some((device) => device.id === info.deviceId)) continue;
    list.push({ id: info.deviceId, label: info.label.trim() });
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

/** A device as a sentence names it: its label, or its id when the system gave it none. */
const named = (device: { id: string; label: string }) => device.label || device.id;

/** A remembered device was not there when the call started; `instead` is what the call uses. */
export function describeFallback(wanted: Device, instead: { id: string; label: string }): Wording {
  return words('deviceMissing', named(wanted), named(instead));
}

/** The device in use went away mid-call (unplugged, or taken by the system); null `instead`: none could take over. */
export function describeUnplugged(kind: DeviceKind, lost: { id: string; label: string }, instead: { id: string; label: string } | null): Wording {
  if (instead) return words('deviceUnplugged', named(lost), named(instead));
  return words(kind === 'camera' ? 'deviceUnpluggedNoCamera' : 'deviceUnpluggedNoMicrophone', named(lost));
}

/** A remembered device is connected again (plugged back in), and the call has gone back to it. */
export function describeReturn(device: Device): Wording {
  return words('deviceBack', named(device));
}

/** A switch the user asked for did not happen, said by the browser's error name; the call keeps what it had. */
export function describeSwitchFailure(wanted: Device, errorName: string): Wording {
  switch (errorName) {
    case 'NotReadableError':
    case 'AbortError':
      return words('deviceSwitchBusy', named(wanted));
    case 'NotFoundError':
    case 'OverconstrainedError':
      return words('deviceSwitchGone', named(wanted));
    case 'NotAllowedError':
    case 'SecurityError':
      return words('deviceSwitchRefused', named(wanted));
    default:
      return words('deviceSwitchFailed', named(wanted));
  }
}

/** The kinds where the user's choice is not the device in use: what a new choice has to switch. */
export function kindsToSwitch(choice: DeviceChoice, inUse: DevicesInUse): DeviceKind[] {
  return DEVICE_KINDS.filter((kind) => {
    const wanted = choice[kind];
    return wanted !== null && wanted.id !== inUse[kind];
  });
}
