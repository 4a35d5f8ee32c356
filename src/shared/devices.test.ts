import { describe, expect, it } from 'vitest';
import { say } from './wording';
import {
  chooseDevice,
  DEVICE_KINDS,
  describeFallback,
  describeReturn,
  devicePickerLabel,
  describeSwitchFailure,
  describeUnplugged,
  findDevice,
  kindsToSwitch,
  listDevices,
  NO_CHOICE,
} from './devices';

/** What Chromium's fake devices enumerate as (checked with --use-fake-device-for-media-stream=device-count=2). */
const FAKE = [
  { kind: 'audioinput', deviceId: 'default', label: 'Fake Default Audio Input' },
  { kind: 'audioinput', deviceId: 'a1', label: 'Fake Audio Input 1' },
  { kind: 'videoinput', deviceId: 'v0', label: 'fake_device_0' },
  { kind: 'videoinput', deviceId: 'v1', label: 'fake_device_1' },
  { kind: 'audiooutput', deviceId: 'default', label: 'Fake Default Audio Output' },
  { kind: 'audiooutput', deviceId: 'o1', label: 'Fake Audio Output 1' },
];

const USB_CAMERA = { id: 'usb', label: 'USB Camera' };

describe('the device lists', () => {
  it('groups what the browser enumerates by microphone, camera and speaker, in its order', () => {
    const lists = listDevices(FAKE);
    expect(lists.mic.map((d) => d.id)).toEqual(['default', 'a1']);
    expect(lists.camera).toEqual([
      { id: 'v0', label: 'fake_device_0' },
      { id: 'v1', label: 'fake_device_1' },
    ]);
    expect(lists.speaker.map((d) => d.label)).toEqual(['Fake Default Audio Output', 'Fake Audio Output 1']);
  });

  it('leaves out entries without an id (no permission yet) and the "communications" alias, and keeps unnamed devices unnamed', () => {
    const lists = listDevices([
      { kind: 'audioinput', deviceId: '', label: '' },
      { kind: 'audioinput', deviceId: 'communications', label: 'Communications - Headset' },
      { kind: 'videoinput', deviceId: 'v0', label: '' },
      { kind: 'videoinput', deviceId: 'v1', label: '  ' },
      { kind: 'videoinput', deviceId: 'v1', label: 'repeated' },
      { kind: 'something-new', deviceId: 'x', label: 'x' },
    ]);
    expect(lists.mic).toEqual([]);
    expect(lists.camera).toEqual([
      { id: 'v0', label: '' },
      { id: 'v1', label: '' },
    ]);
    expect(lists.speaker).toEqual([]);
  });

  it('finds a device only by an id of its own kind', () => {
    const lists = listDevices(FAKE);
    expect(findDevice(lists, 'camera', 'v1')).toEqual({ id: 'v1', label: 'fake_device_1' });
    expect(findDevice(lists, 'mic', 'v1')).toBeNull();
    expect(findDevice(lists, 'camera', 'gone')).toBeNull();
  });
});

describe('which device a call uses', () => {
  const cameras = listDevices(FAKE).camera;

  it('uses the remembered device when it is connected', () => {
    expect(chooseDevice({ id: 'v1', label: 'fake_device_1' }, cameras)).toEqual({ id: 'v1', missing: null });
  });

  it('uses the default when nothing was chosen', () => {
    expect(chooseDevice(null, cameras)).toEqual({ id: null, missing: null });
  });

  it('falls back to the default and names the missing device when the remembered one is gone', () => {
    expect(chooseDevice(USB_CAMERA, cameras)).toEqual({ id: null, missing: USB_CAMERA });
  });

  it('switches only the kinds whose choice differs from what is in use', () => {
    const inUse = { mic: 'default', camera: 'v0', speaker: 'default' };
    expect(kindsToSwitch(NO_CHOICE, inUse)).toEqual([]);
    expect(kindsToSwitch({ ...NO_CHOICE, camera: { id: 'v0', label: 'fake_device_0' } }, inUse)).toEqual([]);
    expect(kindsToSwitch({ mic: { id: 'a1', label: 'm' }, camera: { id: 'v1', label: 'c' }, speaker: null }, inUse)).toEqual(['mic', 'camera']);
    // A camera that is off still has a device to switch from: the choice applies when it turns on.
    expect(kindsToSwitch({ ...NO_CHOICE, speaker: { id: 'o1', label: 's' } }, { ...inUse, speaker: null })).toEqual(['speaker']);
  });
});

describe('device changes in words', () => {
  const DEFAULT_OUT = { id: 'default', label: 'Default - Speakers' };

  it('names the remembered device that is missing and the one the call uses instead', () => {
    expect(say(describeFallback(USB_CAMERA, { id: 'v0', label: 'fake_device_0' }))).toBe(
      'The device you chose, “USB Camera”, is not connected, so this call uses “fake_device_0”.',
    );
    expect(say(describeFallback({ id: 'o9', label: 'Headphones' }, DEFAULT_OUT))).toBe(
      'The device you chose, “Headphones”, is not connected, so this call uses “Default - Speakers”.',
    );
  });

  it('says a device was unplugged, and what took over or that nothing could', () => {
    expect(say(describeUnplugged('mic', { id: 'h', label: 'Headset' }, { id: 'b', label: 'Built-in Microphone' }))).toBe(
      '“Headset” was disconnected, so the call switched to “Built-in Microphone”.',
    );
    expect(say(describeUnplugged('camera', USB_CAMERA, null))).toBe('“USB Camera” was disconnected, and no other camera was found.');
    expect(say(describeUnplugged('mic', { id: 'h', label: 'Headset' }, null))).toBe('“Headset” was disconnected, and no other microphone was found.');
    expect(say(describeReturn({ id: 'h', label: 'Headset' }))).toBe('“Headset” is connected again, so the call uses it.');
    // A device the system never named is called by its id rather than by nothing.
    expect(say(describeUnplugged('speaker', { id: 'o7', label: '' }, DEFAULT_OUT))).toBe('“o7” was disconnected, so the call switched to “Default - Speakers”.');
  });

  it("says why a switch failed, from the browser's error, and that the call keeps its device", () => {
    expect(say(describeSwitchFailure(USB_CAMERA, 'NotReadableError'))).toBe(
      'Could not switch to “USB Camera”: another program is using it. The call keeps the device it had.',
    );
    expect(say(describeSwitchFailure(USB_CAMERA, 'OverconstrainedError'))).toMatch(/: it is no longer connected\./);
    expect(say(describeSwitchFailure(USB_CAMERA, 'NotAllowedError'))).toMatch(/: the browser did not allow it\./);
    expect(say(describeSwitchFailure(USB_CAMERA, 'TypeError'))).toMatch(/: the browser could not start it\./);
  });

  it('labels the pickers with the words the tests and screen readers use', () => {
    expect(DEVICE_KINDS.map(devicePickerLabel)).toEqual(['Microphone', 'Camera', 'Speaker']);
  });
});
