/**
 * Choosing devices in the call view (the side panel page, opened here in a
 * tab). Each browser has three fake cameras (fake_device_1 is a depth camera
 * a peer connection cannot send, so the tests switch between 0 and 2), three
 * fake microphones and three fake speakers. Which camera is sent is read from
 * the sender's own statistics; that it reaches the other side, from theirs.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connectCall, expectVideoFlowing } from './support/calls';
import { cameraFramesDecoded, eventually, sentCamera, waitForStatus } from './support/probes';
import { twoParties } from './support/two-parties';

const parties = twoParties({ cameras: 3 });

/** A second of the fake camera's 20 frames a second: enough to be more than a frame in flight. */
const FRAMES = 20;

/** The camera Alice sends is this one, it feeds the encoder, and Bob decodes what follows. */
async function expectCameraSent(alice: Page, bob: Page, label: string): Promise<void> {
  const sent = await eventually(() => sentCamera(alice), (camera) => camera?.label === label && camera.frames > FRAMES, `${label} to be sent`, 20_000);
  const decoded = await cameraFramesDecoded(bob);
  await eventually(() => sentCamera(alice), (camera) => camera?.label === label && camera.frames > sent!.frames + FRAMES, `${label} to keep feeding the encoder`);
  await eventually(() => cameraFramesDecoded(bob), (frames) => frames > decoded + FRAMES, 'the other side to keep decoding frames');
  await expectVideoFlowing(bob);
}

async function openCallView(popup: Page, url: string): Promise<Page> {
  const view = await popup.context().newPage();
  await view.goto(url);
  await waitForStatus(view, /^In call with/);
  return view;
}

/** The options a picker offers, once the offscreen document has listed them. */
async function options(view: Page, label: string, count: number): Promise<string[]> {
  const option = view.getByLabel(label, { exact: true }).locator('option');
  return eventually(() => option.allInnerTexts(), (texts) => texts.length >= count, `the ${label} picker to list ${count} devices`);
}

async function selectedText(view: Page, label: string): Promise<string> {
  return view.getByLabel(label, { exact: true }).evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent ?? '');
}

interface Negotiation {
  local: string;
  remote: string;
  negotiationsNeeded: number;
}

/** Counts `negotiationneeded` on the offscreen document's peer connection from now on, and reads both descriptions. */
function watchNegotiation(page: Page): Promise<Negotiation> {
  return page.evaluate(() => {
    for (const view of chrome.extension.getViews()) {
      const win = view as Window & { negotiationsNeeded?: number };
      const pc = win.peerdialStreams?.pc;
      if (!pc) continue;
      if (win.negotiationsNeeded === undefined) {
        win.negotiationsNeeded = 0;
        pc.addEventListener('negotiationneeded', () => (win.negotiationsNeeded! += 1));
      }
      return { local: pc.localDescription?.sdp ?? '', remote: pc.remoteDescription?.sdp ?? '', negotiationsNeeded: win.negotiationsNeeded };
    }
    throw new Error('No peer connection in the offscreen document.');
  });
}

/** What the offscreen document really does: the mic track's device and whether it is on, where the call's sound plays. */
function offscreenDevices(page: Page): Promise<{ micLabel: string; micEnabled: boolean; micTracks: number; cameraTracks: number; sinks: string[] }> {
  return page.evaluate(() => {
    for (const view of chrome.extension.getViews()) {
      const streams = view.peerdialStreams;
      if (!streams) continue;
      const mics = streams.local.getAudioTracks();
      // Only elements with sound: Chromium lets a silent element take an output only once it has some.
      const sinks = [...view.document.querySelectorAll('audio')]
        .filter((audio) => ((audio.srcObject as MediaStream | null)?.getAudioTracks().length ?? 0) > 0)
        .map((audio) => audio.sinkId);
      return { micLabel: mics[0]?.label ?? '', micEnabled: mics[0]?.enabled ?? false, micTracks: mics.length, cameraTracks: streams.local.getVideoTracks().length, sinks };
    }
    throw new Error('No offscreen document.');
  });
}

describe('choosing devices in the call view', () => {
  it('switches the camera mid-call without renegotiating, keeps the picture moving and the mute, and remembers the choice for the next call', async () => {
    const { alice, alicePopup, bobPopup, bobCode } = parties;
    await connectCall(alicePopup, bobPopup, bobCode);
    const view = await openCallView(alicePopup, alice.url('src/side-panel/index.html'));
    try {
      expect(await options(view, 'Camera', 3)).toEqual(['fake_device_0', 'fake_device_1', 'fake_device_2']);
      expect(await selectedText(view, 'Camera')).toBe('fake_device_0');
      await expectCameraSent(alicePopup, bobPopup, 'fake_device_0');

      // Muted before the switch: the new microphone must not be heard.
      await view.getByRole('button', { name: 'Mute' }).click();
      await view.getByRole('button', { name: 'Unmute' }).waitFor();
      const before = await watchNegotiation(alicePopup);
      const bobBefore = await watchNegotiation(bobPopup);

      await view.getByLabel('Camera', { exact: true }).selectOption({ label: 'fake_device_2' });
      await expectCameraSent(alicePopup, bobPopup, 'fake_device_2');

      const mics = await options(view, 'Microphone', 3);
      await view.getByLabel('Microphone', { exact: true }).selectOption({ label: mics[1] });
      await eventually(() => offscreenDevices(alicePopup), (seen) => seen.micLabel === mics[1], 'the second microphone to be captured');
      const speakers = await options(view, 'Speaker', 3);
      await view.getByLabel('Speaker', { exact: true }).selectOption({ label: speakers[2] });
      const speakerId = await view.getByLabel('Speaker', { exact: true }).inputValue();
      const seen = await eventually(() => offscreenDevices(alicePopup), (now) => now.sinks.length > 0 && now.sinks.every((sink) => sink === speakerId), 'the call to play on the chosen speaker');

      // One microphone and one camera, the old ones stopped; still muted, and Bob is still told so.
      expect(seen).toMatchObject({ micEnabled: false, micTracks: 1, cameraTracks: 1 });
      await bobPopup.getByText(/is muted/).waitFor();
      expect(await view.getByRole('button', { name: 'Unmute' }).isVisible()).toBe(true);
      // replaceTrack on the same transceivers: no offer, no answer, on either side.
      const after = await watchNegotiation(alicePopup);
      const bobAfter = await watchNegotiation(bobPopup);
      expect(after).toEqual(before);
      expect(bobAfter).toEqual(bobBefore);
      expect(await view.locator('.devices .notice').count()).toBe(0);
      // The popup renders the same view: its folded pickers show what the call view chose.
      await alicePopup.getByText('Devices', { exact: true }).click();
      await eventually(() => selectedText(alicePopup, 'Camera'), (text) => text === 'fake_device_2', 'the popup to show the camera chosen in the call view');

      await view.getByRole('button', { name: 'Hang up' }).click();
      await waitForStatus(bobPopup, /ended/);
    } finally {
      await view.close();
    }

    // The next call starts with the chosen camera and speaker.
    await alicePopup.getByLabel('Call code').waitFor();
    await connectCall(alicePopup, bobPopup, bobCode);
    const next = await openCallView(alicePopup, alice.url('src/side-panel/index.html'));
    try {
      await expectCameraSent(alicePopup, bobPopup, 'fake_device_2');
      await eventually(() => selectedText(next, 'Camera'), (text) => text === 'fake_device_2', 'the picker to show the remembered camera');
      expect((await offscreenDevices(alicePopup)).sinks[0]).toBe(await next.getByLabel('Speaker', { exact: true }).inputValue());
    } finally {
      await next.close();
    }
  });

  it('says so in words, and uses the default, when the remembered camera is not connected or is unplugged mid-call, goes back to it when it returns; a camera chosen while off is the one that comes on', async () => {
    const { alice, alicePopup, bobPopup, bobCode } = parties;
    // As if chosen on a day a USB camera was plugged in.
    await alice.worker.evaluate(() =>
      chrome.storage.local.set({ deviceChoice: { mic: null, camera: { id: 'usb-camera-that-is-gone', label: 'USB Camera' }, speaker: null } }),
    );
    await connectCall(alicePopup, bobPopup, bobCode);
    const view = await openCallView(alicePopup, alice.url('src/side-panel/index.html'));
    try {
      await view.getByText('The device you chose, “USB Camera”, is not connected, so this call uses “fake_device_0”.').waitFor();
      await expectCameraSent(alicePopup, bobPopup, 'fake_device_0');

      // A device the offscreen document did not list is refused in words, and the remembered choice stays as it was.
      const choose = (command: unknown) => view.evaluate((sent) => chrome.runtime.sendMessage({ target: 'background', type: 'user', command: sent }), command);
      expect(await choose({ type: 'set-device', kind: 'camera', id: 'usb-camera-that-is-gone' })).toEqual({
        ok: false,
        message: 'That device is not connected any more. Pick one from the list.',
      });
      // Not a device kind at all: the message is dropped unanswered.
      expect(await choose({ type: 'set-device', kind: 'printer', id: 'x' })).toBeUndefined();
      const stored = await alice.worker.evaluate(() => chrome.storage.local.get('deviceChoice'));
      expect(stored.deviceChoice).toEqual({ mic: null, camera: { id: 'usb-camera-that-is-gone', label: 'USB Camera' }, speaker: null });

      await view.getByLabel('Camera', { exact: true }).selectOption({ label: 'fake_device_2' });
      await expectCameraSent(alicePopup, bobPopup, 'fake_device_2');
      // Chromium's fake camera cannot be unplugged; the track's own 'ended' event is what an unplug fires.
      await alicePopup.evaluate(() => {
        for (const view of chrome.extension.getViews()) view.peerdialStreams?.local.getVideoTracks()[0]?.dispatchEvent(new Event('ended'));
      });
      await view.getByText('“fake_device_2” was disconnected, so the call switched to “fake_device_0”.').waitFor();
      await expectCameraSent(alicePopup, bobPopup, 'fake_device_0');
      // Plugged back in: Chrome says the device list changed, and the call goes back to the camera the user chose.
      await alicePopup.evaluate(() => {
        for (const view of chrome.extension.getViews()) if (view.peerdialStreams) view.navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      });
      await view.getByText('“fake_device_2” is connected again, so the call uses it.').waitFor();
      await expectCameraSent(alicePopup, bobPopup, 'fake_device_2');

      // Chosen while the camera is off: nothing is captured then, and it is the camera that comes back on.
      await view.getByRole('button', { name: 'Camera off' }).click();
      await eventually(() => sentCamera(alicePopup), (camera) => camera === null, 'no camera to be sent');
      await view.getByLabel('Camera', { exact: true }).selectOption({ label: 'fake_device_0' });
      expect(await sentCamera(alicePopup)).toBeNull();
      await view.getByRole('button', { name: 'Camera on' }).click();
      await expectCameraSent(alicePopup, bobPopup, 'fake_device_0');
    } finally {
      await view.close();
    }
  });
});
