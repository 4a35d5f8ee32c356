import { describe, expect, it } from 'vitest';
import {
  chooseDevice,
  describeDeviceError,
  describeFallback,
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

  it('leaves out entries without an id (no permission yet) and the "communications" alias, and names unlabelled devices', () => {
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
      { id: 'v0', label: 'Camera 1' },
      { id: 'v1', label: 'Camera 2' },
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
  it('says which remembered device is missing and what the call uses instead', () => {
    expect(describeFallback('camera', USB_CAMERA, { label: 'fake_device_0' })).toBe(
      'The camera you chose, “USB Camera”, is not connected, so this call uses “fake_device_0”.',
    );
    expect(describeFallback('speaker', { id: 'o9', label: 'Headphones' }, null)).toBe(
      'The speaker you chose, “Headphones”, is not connected, so this call uses the default speaker.',
    );
  });

  it('says a device was unplugged, and what took over or that nothing could', () => {
    expect(describeUnplugged('mic', { label: 'Headset' }, { label: 'Built-in Microphone' }, true)).toBe(
      'Your microphone “Headset” was disconnected, so the call switched to “Built-in Microphone”.',
    );
    expect(describeUnplugged('camera', USB_CAMERA, null, false)).toBe('Your camera “USB Camera” was disconnected, and no other camera was found.');
    expect(describeUnplugged('speaker', null, null, true)).toBe('Your speaker was disconnected, so the call switched to the default speaker.');
  });

  it('says why a switch failed and that the call keeps its device', () => {
    expect(describeSwitchFailure('camera', USB_CAMERA, describeDeviceError('NotReadableError'))).toBe(
      'Could not switch to the camera “USB Camera”: another program is using it. The call keeps the one it had.',
    );
    expect(describeDeviceError('OverconstrainedError')).toBe('it is no longer connected.');
    expect(describeDeviceError('TypeError')).toBe('the browser could not start it.');
  });
});
