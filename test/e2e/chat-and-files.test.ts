/**
 * Chat and files over the call's data channel, between two real browsers with
 * the built extension, through the real server: what each person sees, and
 * the bytes that land in the receiver's Downloads folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type ExtensionBrowser, launchExtensionBrowser } from './support/browser';
import { eventually, liveLocalTracks, myCode, waitForStatus } from './support/probes';
import { type RunningServer, startServer } from './support/server';
import { sha256File, type TransferDirection, transferRow as transfer, waitForTransferText as waitForTransfer } from './support/transfers';

const MB = 1024 * 1024;
/** A 50 MB file takes seconds on loopback; the machine is shared, so waits are generous. */
const TRANSFER_TIMEOUT_MS = 180_000;

let server: RunningServer;
let alice: ExtensionBrowser;
let bob: ExtensionBrowser;
let alicePopup: Page;
let bobPopup: Page;
let work: string;
let bobDownloads: string;

function waitForTransferText(page: Page, direction: TransferDirection, name: string, pattern: RegExp) {
  return waitForTransfer(page, direction, name, pattern, TRANSFER_TIMEOUT_MS);
}

/** What Bob's browser has saved through the downloads API, oldest first. */
function bobDownloadItems(): Promise<{ filename: string; state: string; bytes: number }[]> {
  return bob.worker.evaluate(async () =>
    (await chrome.downloads.search({ orderBy: ['startTime'] })).map((d) => ({ filename: d.filename, state: d.state, bytes: d.bytesReceived })),
  );
}

/**
 * From now on, the file names Bob's extension asks the downloads API for. The file on disk cannot tell:
 * Playwright saves every download under a random name of its own.
 */
async function recordBobsDownloadNames(): Promise<() => Promise<string[]>> {
  await bob.worker.evaluate(() => {
    const names: string[] = [];
    const download = chrome.downloads.download;
    Object.assign(globalThis, { downloadNamesAsked: names });
    // Everything passed on as it came, a callback included.
    chrome.downloads.download = ((options: chrome.downloads.DownloadOptions, ...rest: unknown[]) => {
      names.push(options.filename ?? '');
      return Reflect.apply(download, chrome.downloads, [options, ...rest]) as unknown;
    }) as typeof chrome.downloads.download;
  });
  return () => bob.worker.evaluate(() => (globalThis as unknown as { downloadNamesAsked: string[] }).downloadNamesAsked);
}

/** Half-received files in Bob's offscreen document's private storage. */
function bobPrivateFiles(): Promise<string[]> {
  return bobPopup.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const [name, handle] of root.entries()) {
      if (handle.kind !== 'directory') continue;
      for await (const inner of handle.keys()) names.push(`${name}/${inner}`);
    }
    return names;
  });
}

/** Labels of every data channel Alice's peer connection has opened so far. */
function aliceChannelLabels(): Promise<string[]> {
  return alicePopup.evaluate(async () => {
    for (const view of chrome.extension.getViews()) {
      const pc = view.peerdialStreams?.pc;
      if (!pc) continue;
      const labels: string[] = [];
      (await pc.getStats()).forEach((report: { type: string; label?: string }) => {
        if (report.type === 'data-channel') labels.push(report.label ?? '');
      });
      return labels;
    }
    return [];
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'peerdial-files-'));
  bobDownloads = join(work, 'bob-downloads');
  server = await startServer();
  [alice, bob] = await Promise.all([launchExtensionBrowser(), launchExtensionBrowser({ downloadsPath: bobDownloads })]);
  [alicePopup, bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);
  const bobCode = await myCode(bobPopup);

  // "Send a file": a call without Alice's camera or microphone.
  await alicePopup.getByLabel('Call code').fill(bobCode);
  await alicePopup.getByRole('button', { name: 'Send a file' }).click();
  await waitForStatus(bobPopup, /Incoming call/);
  await bobPopup.getByRole('button', { name: 'Accept' }).click();
  await Promise.all([waitForStatus(alicePopup, /In call with/, 30_000), waitForStatus(bobPopup, /In call with/, 30_000)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('chat and files in a call', () => {
  it('"Send a file" calls without the caller\'s camera or microphone', async () => {
    expect(await liveLocalTracks(alicePopup)).toBe(0);
    await alicePopup.getByLabel('Send files').waitFor();
  });

  it('a declined file sends nothing, and nothing is saved', async () => {
    const path = join(work, 'declined.txt');
    await writeFile(path, 'not for Bob');
    const before = await aliceChannelLabels();
    await alicePopup.getByLabel('Send files').setInputFiles(path);
    await waitForTransferText(bobPopup, 'Receiving', 'declined.txt', /Type: TXT\s+11 bytes/);
    await bobPopup.getByRole('button', { name: 'Decline declined.txt' }).click();
    await waitForTransferText(alicePopup, 'Sending', 'declined.txt', /Declined: nothing was sent/);
    // No channel for the file was ever opened, so not one byte of it left Alice's browser.
    expect(await aliceChannelLabels()).toEqual(before);
    expect(before.filter((label) => label.startsWith('file:'))).toEqual([]);
    expect(await bobDownloadItems()).toEqual([]);
  });

  it('chat goes both ways with a delivered receipt, links clickable and markup shown as text', async () => {
    await alicePopup.getByRole('textbox', { name: 'Message' }).fill('Hi Bob, the plan: https://example.com/plan?v=2. <b>bold?</b>');
    await alicePopup.getByRole('button', { name: 'Send', exact: true }).click();
    const bobLog = bobPopup.getByRole('log', { name: 'Chat messages' });
    await bobLog.getByText('<b>bold?</b>').waitFor();
    expect(await bobLog.locator('b').count()).toBe(0);
    expect(await bobLog.getByRole('link', { name: 'https://example.com/plan?v=2' }).getAttribute('href')).toBe('https://example.com/plan?v=2');
    await alicePopup.getByRole('log', { name: 'Chat messages' }).getByText('Delivered').waitFor();

    await bobPopup.getByRole('textbox', { name: 'Message' }).fill('Got it.');
    await bobPopup.getByRole('button', { name: 'Send', exact: true }).click();
    await alicePopup.getByRole('log', { name: 'Chat messages' }).getByText('Got it.').waitFor();
    await bobPopup.getByRole('log', { name: 'Chat messages' }).getByText('Delivered').waitFor();
  });

  it('counts unread messages on the badge while the popup is closed, and keeps the history for the call', async () => {
    const badge = () => bob.worker.evaluate(() => chrome.action.getBadgeText({}));
    await bobPopup.close();
    await alicePopup.getByRole('textbox', { name: 'Message' }).fill('Are you there?');
    await alicePopup.getByRole('button', { name: 'Send', exact: true }).click();
    await eventually(badge, (text) => text === '1', "Bob's badge to count one unread message");

    bobPopup = await bob.reopenPopup();
    const bobLog = bobPopup.getByRole('log', { name: 'Chat messages' });
    await bobLog.getByText('Are you there?').waitFor();
    await bobLog.getByText('Got it.').waitFor();
    await eventually(badge, (text) => text === 'LIVE', "Bob's badge to go back to the call");
  });

  it('a 50 MB file arrives byte-identical and is saved verified to Downloads', { timeout: 2 * TRANSFER_TIMEOUT_MS }, async () => {
    const path = join(work, 'fifty.bin');
    await writeFile(path, randomBytes(50 * MB));
    const sent = await sha256File(path);

    await alicePopup.getByLabel('Send files').setInputFiles(path);
    await waitForTransferText(bobPopup, 'Receiving', 'fifty.bin', /Type: BIN\s+52\.4 MB/);
    // Nothing is saved before Bob says yes.
    expect(await bobDownloadItems()).toEqual([]);
    await bobPopup.getByRole('button', { name: 'Accept fifty.bin' }).click();
    await waitForTransferText(bobPopup, 'Receiving', 'fifty.bin', /MB\/s · .* left|verified/);
    await waitForTransferText(bobPopup, 'Receiving', 'fifty.bin', /verified and saved to Downloads/);
    await waitForTransferText(alicePopup, 'Sending', 'fifty.bin', /sent and verified/);

    const items = await bobDownloadItems();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ state: 'complete', bytes: 50 * MB });
    expect(await sha256File(items[0]!.filename)).toBe(sent);
    // The private copy is gone once the downloads API has its own.
    await eventually(bobPrivateFiles, (names) => names.length === 0, "Bob's private copy to be removed");
  });

  it('a file offered from the popup still goes after the sender closes the popup', { timeout: 2 * TRANSFER_TIMEOUT_MS }, async () => {
    const path = join(work, 'after-close.bin');
    await writeFile(path, randomBytes(3 * MB));
    const sent = await sha256File(path);
    await alicePopup.getByLabel('Send files').setInputFiles(path);
    await waitForTransferText(bobPopup, 'Receiving', 'after-close.bin', /3\.1 MB/);
    // The picked File belonged to the popup; the offscreen document must not depend on it.
    await alicePopup.close();
    await bobPopup.getByRole('button', { name: 'Accept after-close.bin' }).click();
    await waitForTransferText(bobPopup, 'Receiving', 'after-close.bin', /verified and saved to Downloads/);
    alicePopup = await alice.reopenPopup();
    await waitForTransferText(alicePopup, 'Sending', 'after-close.bin', /sent and verified/);
    const saved = (await bobDownloadItems()).at(-1)!;
    expect(saved).toMatchObject({ state: 'complete', bytes: 3 * MB });
    expect(await sha256File(saved.filename)).toBe(sent);
  });

  for (const canceller of ['sender', 'receiver'] as const) {
    it(`cancel mid-transfer by the ${canceller} stops both sides and leaves no partial download`, { timeout: 2 * TRANSFER_TIMEOUT_MS }, async () => {
      const name = `huge-${canceller}.bin`;
      const path = join(work, name);
      await writeFile(path, '');
      await truncate(path, 2048 * MB);
      const downloadsBefore = await readdir(bobDownloads);
      const itemsBefore = await bobDownloadItems();

      await alicePopup.getByLabel('Send files').setInputFiles(path);
      await bobPopup.getByRole('button', { name: `Accept ${name}` }).click();
      await eventually(
        () => bobPopup.getByRole('progressbar', { name: `${name} progress` }).evaluate((bar: HTMLProgressElement) => bar.value),
        (value) => value > 0,
        'bytes to arrive',
        TRANSFER_TIMEOUT_MS,
      );
      const [mine, theirs] = canceller === 'sender' ? [alicePopup, bobPopup] : [bobPopup, alicePopup];
      await mine.getByRole('button', { name: `Cancel ${name}` }).click();
      await waitForTransferText(mine, mine === alicePopup ? 'Sending' : 'Receiving', name, /Cancelled\. You cancelled/);
      await waitForTransferText(theirs, theirs === alicePopup ? 'Sending' : 'Receiving', name, /Cancelled\. They cancelled/);

      expect(await bobDownloadItems()).toEqual(itemsBefore);
      expect(await readdir(bobDownloads)).toEqual(downloadsBefore);
      await eventually(bobPrivateFiles, (names) => names.length === 0, "Bob's partial file to be thrown away");
      // The call and its chat carry on.
      await bobPopup.getByRole('textbox', { name: 'Message' }).fill(`Cancelled by the ${canceller}, fine.`);
      await bobPopup.getByRole('button', { name: 'Send', exact: true }).click();
      await alicePopup.getByRole('log', { name: 'Chat messages' }).getByText(`Cancelled by the ${canceller}, fine.`).waitFor();
    });
  }

  it('refuses a file channel nobody accepted, and the call carries on', async () => {
    const state = await alicePopup.evaluate(async () => {
      const pc = chrome.extension.getViews().map((view) => view.peerdialStreams?.pc).find(Boolean)!;
      // What a modified peer could do: push bytes under a transfer id Bob never accepted.
      const channel = pc.createDataChannel('file:00000000-0000-4000-8000-000000000000');
      const closed = new Promise((resolve) => channel.addEventListener('close', resolve));
      // Bob may close it before it has even opened here.
      await Promise.race([new Promise((resolve) => channel.addEventListener('open', resolve)), closed]);
      if (channel.readyState === 'open') channel.send(new Uint8Array(1000));
      await closed;
      return channel.readyState;
    });
    expect(state).toBe('closed');
    expect(await bobPrivateFiles()).toEqual([]);
    await alicePopup.getByRole('textbox', { name: 'Message' }).fill('Still here?');
    await alicePopup.getByRole('button', { name: 'Send', exact: true }).click();
    await bobPopup.getByRole('log', { name: 'Chat messages' }).getByText('Still here?').waitFor();
  });

  it('a name that hides ".exe" behind a right-to-left override is shown and saved as photogpj.exe, with its type and a warning in words', async () => {
    // On screen, "photo\u202Egpj.exe" reads "photoexe.jpg"; the sender's browser may also claim an image type.
    const offered = 'photo\u202Egpj.exe';
    const shown = 'photogpj.exe';
    await alicePopup.getByLabel('Send files').setInputFiles({ name: offered, mimeType: 'image/jpeg', buffer: Buffer.from('MZ: not a picture') });
    const row = transfer(bobPopup, 'Receiving', shown);
    await row.getByText(shown, { exact: true }).waitFor();
    await row.getByText('Type: EXE', { exact: true }).waitFor();
    const warning = 'This file can run programs on your computer. Open it only if you trust the sender.';
    expect(await row.getByRole('alert').innerText()).toBe(warning);
    // Accept is described by the warning, for whoever hears the button rather than sees the row.
    const accept = bobPopup.getByRole('button', { name: `Accept ${shown}` });
    expect(await accept.evaluate((button) => document.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent)).toBe(warning);
    expect(await bobPopup.locator('body').evaluate((body) => body.innerHTML.includes('\u202E'))).toBe(false);

    const askedFor = await recordBobsDownloadNames();
    await accept.click();
    await waitForTransferText(bobPopup, 'Receiving', shown, /verified and saved to Downloads/);
    expect((await bobDownloadItems()).at(-1)?.state).toBe('complete');
    expect(await askedFor()).toEqual([shown]);
  });
});
