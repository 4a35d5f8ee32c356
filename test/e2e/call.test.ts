/**
 * Two real browsers with the built extension call each other through the real
 * server, and the test checks what each person would see.
 */
import { describe, expect, it } from 'vitest';
import { dial, expectVideoFlowing } from './support/calls';
import { eventually, heardEnergy, liveLocalTracks, myCode, offscreenDocuments, sampleVideo, sentCamera, statusText, waitForStatus } from './support/probes';
import { twoParties } from './support/two-parties';

const parties = twoParties();

describe('a call by code', () => {
  it('connects both ways with video and sound, mutes visibly, and hangs up cleanly', async () => {
    const { alice, bob, alicePopup, bobPopup, aliceCode, bobCode } = parties;
    await dial(alicePopup, bobCode);
    await waitForStatus(alicePopup, /^Calling .+…$/);
    await waitForStatus(bobPopup, new RegExp(`Incoming call from ${aliceCode}`));
    // While it rings, Alice sees her own camera, moving, and who she is calling where Bob will appear.
    const ringing = await eventually(() => sampleVideo(alicePopup, 'Your video'), (s) => s.width > 0 && s.time > 0, "Alice's own camera while it rings");
    await eventually(() => sampleVideo(alicePopup, 'Your video'), (s) => s.time > ringing.time, "Alice's own camera to advance");
    await alicePopup.getByText(bobCode, { exact: true }).waitFor();
    // Bob's browser rings even with no popup open: a system notification with Accept and Decline.
    const ringNotification = () => bob.worker.evaluate(() => chrome.notifications.getAll()).then(Object.keys);
    await eventually(ringNotification, (ids) => ids.join() === 'incoming-call', "Bob's incoming-call notification");

    const acceptedAt = Date.now();
    await bobPopup.getByRole('button', { name: 'Accept' }).click();
    await Promise.all([
      waitForStatus(alicePopup, new RegExp(`In call with ${bobCode}`)),
      waitForStatus(bobPopup, new RegExp(`In call with ${aliceCode}`)),
    ]);
    await Promise.all([expectVideoFlowing(alicePopup), expectVideoFlowing(bobPopup)]);
    console.log(`Accept → both see moving video: ${Date.now() - acceptedAt} ms (includes polling)`);
    // What each side sends is its camera itself, frames encoded.
    await eventually(
      () => Promise.all([sentCamera(alicePopup), sentCamera(bobPopup)]),
      (cameras) => cameras.every((camera) => camera !== null && camera.frames > 0),
      'each camera on its own sender',
    );
    // And each hears the other: the callee's microphone opens once the first pictures are through, not never.
    await eventually(() => Promise.all([heardEnergy(alicePopup), heardEnergy(bobPopup)]), (heard) => heard.every((energy) => energy > 0), 'each side to hear the other');
    expect(await bobPopup.getByRole('timer', { name: 'Call duration' }).innerText()).toMatch(/^\d+:\d\d$/);

    await alicePopup.getByRole('button', { name: 'Mute' }).click();
    await bobPopup.getByText(`${aliceCode} is muted`).waitFor();
    await alicePopup.getByRole('button', { name: 'Unmute' }).click();
    await bobPopup.getByText(`${aliceCode} is muted`).waitFor({ state: 'detached' });

    await bobPopup.getByRole('button', { name: 'Camera off' }).click();
    await alicePopup.getByText(`${bobCode} turned their camera off`).waitFor();
    await bobPopup.getByRole('button', { name: 'Camera on' }).click();
    await alicePopup.getByText(`${bobCode} turned their camera off`).waitFor({ state: 'detached' });

    await alicePopup.getByRole('button', { name: 'Hang up' }).click();
    await Promise.all([
      waitForStatus(alicePopup, new RegExp(`Call with ${bobCode} ended`)),
      waitForStatus(bobPopup, new RegExp(`Call with ${aliceCode} ended`)),
    ]);
    // Camera light off: no live capture anywhere, and the offscreen document is gone.
    expect(await liveLocalTracks(alicePopup)).toBe(0);
    expect(await liveLocalTracks(bobPopup)).toBe(0);
    await eventually(() => offscreenDocuments(alice.worker), (n) => n === 0, "Alice's offscreen document to close");
    await eventually(() => offscreenDocuments(bob.worker), (n) => n === 0, "Bob's offscreen document to close");
    expect(await bob.worker.evaluate(() => chrome.notifications.getAll())).toEqual({});
  });

  it('tells the caller in words when the callee declines', async () => {
    const { alice, bob, alicePopup, bobPopup, bobCode } = parties;
    await dial(alicePopup, bobCode);
    await waitForStatus(bobPopup, /Incoming call/);
    await bobPopup.getByRole('button', { name: 'Decline' }).click();
    await waitForStatus(alicePopup, new RegExp(`${bobCode} declined the call`));
    await eventually(() => offscreenDocuments(alice.worker), (n) => n === 0, "Alice's capture to stop");
    await eventually(() => offscreenDocuments(bob.worker), (n) => n === 0, "Bob's ringtone to stop");
    expect(await statusText(bobPopup)).toBe('Ready for calls.');
  });

  it('stops the callee ringing when the caller cancels', async () => {
    const { bob, alicePopup, bobPopup, aliceCode, bobCode } = parties;
    await dial(alicePopup, bobCode);
    await waitForStatus(bobPopup, /Incoming call/);
    await alicePopup.getByRole('button', { name: 'Cancel' }).click();
    await waitForStatus(bobPopup, new RegExp(`Missed call from ${aliceCode}`));
    await waitForStatus(alicePopup, /cancelled/);
    await eventually(() => offscreenDocuments(bob.worker), (n) => n === 0, "Bob's ringtone to stop");
  });

  it('says a code is offline when nobody has it', async () => {
    const { alice, alicePopup } = parties;
    const nobody = 'ZZZZ-ZZZZ-ZZZZ';
    await dial(alicePopup, nobody);
    await waitForStatus(alicePopup, /ZZZZ-ZZZZ-ZZZZ is offline or does not exist/);
    await eventually(() => offscreenDocuments(alice.worker), (n) => n === 0, "Alice's capture to stop");
  });

  it("shows the own code in the popup's first frame, before the worker's view has arrived", async () => {
    const { alice, aliceCode } = parties;
    const page = await alice.context.newPage();
    // What the page holds once its first script has run, before the worker has had a turn to answer.
    await page.addInitScript(() =>
      document.addEventListener('DOMContentLoaded', () => {
        const main = document.querySelector('main');
        Object.assign(window, {
          firstFrame: { code: document.querySelector<HTMLInputElement>('#own-code')?.value, busy: main?.getAttribute('aria-busy'), status: main?.querySelector('[role=status]')?.textContent },
        });
      }),
    );
    await page.goto(alice.url('src/popup/index.html'));
    expect(await page.evaluate(() => (window as unknown as { firstFrame: unknown }).firstFrame)).toEqual({ code: aliceCode, busy: 'true', status: 'Starting PeerDial…' });
    // The live view takes over the same page: the same code, now with the rest of the popup.
    await page.getByRole('button', { name: 'Call', exact: true }).waitFor();
    expect(await myCode(page)).toBe(aliceCode);
    await page.close();
  });

  it('refuses a mistyped code before dialling', async () => {
    const { alicePopup } = parties;
    await dial(alicePopup, 'K7QM-4ZP2');
    await waitForStatus(alicePopup, /A call code has 12 letters and digits/);
  });

  it('copies an invite link to the server in use and the code, a new one after New code, and says so in words when the server cannot make one', async () => {
    const { alice, alicePopup, aliceCode, server } = parties;
    // A page reads the clipboard only with the permission (granted for every origin: Playwright cannot name an extension's), and writes to it only while it has the focus.
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await alicePopup.bringToFront();
    const clipboard = () => alicePopup.evaluate(() => navigator.clipboard.readText());
    const copyLink = alicePopup.getByRole('button', { name: 'Copy invite link' });

    const copied = alicePopup.getByText('Copied', { exact: true });
    await copyLink.click();
    await copied.waitFor();
    expect(await clipboard()).toBe(`${server.url}/call/${aliceCode.replaceAll('-', '')}`);
    await copied.waitFor({ state: 'detached' });

    // Copy still copies the code as shown, and says so the same way.
    await alicePopup.getByRole('button', { name: 'Copy', exact: true }).click();
    await copied.waitFor();
    expect(await clipboard()).toBe(aliceCode);

    alicePopup.once('dialog', (dialog) => void dialog.accept());
    await alicePopup.getByRole('button', { name: 'New code' }).click();
    const newCode = await eventually(() => myCode(alicePopup), (code) => code !== aliceCode, 'the new code');
    await copyLink.click();
    await eventually(clipboard, (text) => text === `${server.url}/call/${newCode.replaceAll('-', '')}`, 'the new code’s link on the clipboard');

    // A ws:// address reaches the server, but no browser opens it as a page: no link, and the reason in words.
    const wsUrl = server.url.replace(/^http:/, 'ws:');
    await alicePopup.getByLabel('Server URL').fill(wsUrl);
    await alicePopup.getByRole('button', { name: 'Save', exact: true }).click();
    // Until the worker's next view reaches the popup, a click still copies the http link: click until the new address answers.
    const refused = new RegExp(`^No invite link: the server address ${wsUrl} is not a web address\\.`);
    await eventually(() => copyLink.click().then(() => statusText(alicePopup)), (text) => refused.test(text), 'Copy invite link to refuse the ws:// address');
    expect(await clipboard()).toBe(`${server.url}/call/${newCode.replaceAll('-', '')}`);
  });

  it('refuses a plain http:// server on another machine, says why next to the field, and keeps the server it had', async () => {
    const { alice, alicePopup, server } = parties;
    const why = 'Use https:// for a server on another machine: over plain http anyone on the network can pretend to be the server, and the server vouches for who is calling.';
    const field = alicePopup.getByLabel('Server URL');
    await field.fill('http://example.com');
    await alicePopup.getByRole('button', { name: 'Save', exact: true }).click();
    await alicePopup.getByRole('alert').getByText(why, { exact: true }).waitFor();
    // The field names its problem, for whoever hears the field rather than sees the line under it.
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.evaluate((input) => document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent)).toBe(why);

    // Nothing changed: the setting the worker keeps, the connection, and what a new popup shows.
    expect(await alice.worker.evaluate(() => chrome.storage.local.get('serverUrl'))).toEqual({ serverUrl: server.url });
    expect(await alicePopup.getByText('Online', { exact: true }).isVisible()).toBe(true);
    const again = await alice.reopenPopup();
    await again.getByText('Settings').click();
    expect(await again.getByLabel('Server URL').inputValue()).toBe(server.url);
    await again.close();
  });
});
