/**
 * A file transfer through a relay that breaks half way: the relay (a real
 * coturn) is stopped while the bytes flow and started again. The transfer says
 * it is paused while the call reconnects, then carries on without starting
 * over: the file saved to Downloads has the sender's SHA-256, and the bytes the
 * sender put on the wire after the cut are about the other half, not the whole
 * file again. (Here the file's channel outlives the ICE restart, so SCTP
 * carries on by itself; a channel that closes early is resumed by offset,
 * which src/call/chat-and-files.test.ts drives.)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, onTestFailed, onTestFinished } from 'vitest';
import type { Page } from 'playwright-core';
import { type ExtensionBrowser, launchExtensionBrowser } from './support/browser';
import { type RunningTurn, startCoturn } from './support/coturn';
import { eventually, myCode, printTracesOnFailure, statusText, waitForStatus } from './support/probes';
import { type RunningServer, startServer } from './support/server';
import { sha256File, type TransferDirection, transferRow as transfer, waitForTransferText as waitForTransfer } from './support/transfers';
import { FORCE_RELAY_KEY } from '../../src/media-host/transport-policy';

const SECRET = 'e2e-secret-shared-with-coturn';
const MB = 1024 * 1024;
const SIZE = 200 * MB;
/** A relayed 200 MB transfer on one shared core runs at well under 1 MB/s here: generous. */
const TRANSFER_TIMEOUT_MS = 600_000;

let turn: RunningTurn;
let server: RunningServer;
let alice: ExtensionBrowser;
let bob: ExtensionBrowser;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'peerdial-resume-'));
  turn = await startCoturn(SECRET);
  // The machine is shared: the server may take longer than usual to come up.
  server = await startServer({ TURN_URLS: turn.url, TURN_SECRET: SECRET, TURN_TTL: '600' }, undefined, 60_000);
  [alice, bob] = await Promise.all([launchExtensionBrowser(), launchExtensionBrowser({ downloadsPath: join(work, 'bob-downloads') })]);
});

afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
  await server?.stop();
  await turn?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function waitForTransferText(page: Page, direction: TransferDirection, name: string, pattern: RegExp) {
  return waitForTransfer(page, direction, name, pattern, TRANSFER_TIMEOUT_MS);
}

/** Bytes the receiver has on disk, as its progress bar shows them. */
function bytesShown(page: Page, name: string): Promise<number> {
  return page
    .getByRole('progressbar', { name: `${name} progress` })
    .evaluate((bar: HTMLProgressElement) => bar.value)
    .catch(() => -1);
}

/**
 * File bytes Alice's offscreen document has handed to its data channels, resends included. Not getStats: a file's
 * channel closes once the file is verified, and Chrome drops a closed channel's stats.
 */
function aliceFileBytesSent(page: Page): Promise<number> {
  return page.evaluate(() => chrome.extension.getViews().map((view) => view.peerdialStreams?.fileBytesSent ?? 0).reduce((a, b) => a + b, 0));
}

/** Every text a transfer's row and the call's status showed, in order, each once: printed when the test fails. */
function recordRow(page: Page, direction: TransferDirection, name: string): { stop: () => void } {
  const seen: string[] = [];
  let last = '';
  let running = true;
  void (async () => {
    while (running && !page.isClosed()) {
      const row = await transfer(page, direction, name).innerText({ timeout: 1000 }).catch(() => '(no row)');
      const status = await statusText(page).catch(() => '(no status)');
      // Digits change every moment; the words are what is worth recording.
      const text = `${status} | ${row}`.replace(/\s+/g, ' ');
      if (text.replace(/\d/g, '') !== last) seen.push(`${new Date().toISOString().slice(11, 19)} ${text}`);
      last = text.replace(/\d/g, '');
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  onTestFailed(() => console.log(`[resume] ${direction} row:\n  ${seen.join('\n  ')}`));
  return { stop: () => (running = false) };
}

it('a 200 MB transfer through a relay that breaks half way pauses, resumes where the disk stopped, and arrives whole', { timeout: 2 * TRANSFER_TIMEOUT_MS }, async () => {
  const [alicePopup, bobPopup] = await Promise.all([alice.openPopup(server.url), bob.openPopup(server.url)]);
  printTracesOnFailure({ alice: alicePopup, bob: bobPopup });
  for (const popup of [alicePopup, bobPopup]) await popup.evaluate((key) => localStorage.setItem(key, 'relay'), FORCE_RELAY_KEY);
  const [aliceCode, bobCode] = await Promise.all([myCode(alicePopup), myCode(bobPopup)]);
  await alicePopup.getByLabel('Call code').fill(bobCode);
  await alicePopup.getByRole('button', { name: 'Send a file' }).click();
  await waitForStatus(bobPopup, new RegExp(`Incoming call from ${aliceCode}`));
  await bobPopup.getByRole('button', { name: 'Accept' }).click();
  await Promise.all([waitForStatus(alicePopup, /In call with/, 30_000), waitForStatus(bobPopup, /In call with/, 30_000)]);
  // Bob only receives a file: his camera off leaves the machine's one core to the transfer.
  await bobPopup.getByRole('button', { name: 'Camera off' }).click();

  const name = 'two-hundred.bin';
  const path = join(work, name);
  await writeFile(path, randomBytes(SIZE));
  const sent = await sha256File(path);
  await alicePopup.getByLabel('Send files').setInputFiles(path);
  await bobPopup.getByRole('button', { name: `Accept ${name}` }).click();
  const rows = [recordRow(alicePopup, 'Sending', name), recordRow(bobPopup, 'Receiving', name)];
  onTestFinished(() => rows.forEach((row) => row.stop()));
  await eventually(() => bytesShown(bobPopup, name), (bytes) => bytes >= SIZE / 2, 'half the file on Bob\'s disk', TRANSFER_TIMEOUT_MS);

  await turn.stop();
  console.log(`[resume] relay stopped at ${new Date().toISOString().slice(11, 19)}`);
  const sentBeforeCut = await aliceFileBytesSent(alicePopup);
  console.log(`[resume] relay stopped with ${(sentBeforeCut / MB).toFixed(1)} MB sent`);
  await Promise.all([waitForTransferText(alicePopup, 'Sending', name, /Paused: reconnecting/), waitForTransferText(bobPopup, 'Receiving', name, /Paused: reconnecting/)]);
  turn = await startCoturn(SECRET, turn.port);

  await waitForTransferText(bobPopup, 'Receiving', name, /verified and saved to Downloads/);
  await waitForTransferText(alicePopup, 'Sending', name, /sent and verified/);
  const sentAfterCut = (await aliceFileBytesSent(alicePopup)) - sentBeforeCut;
  console.log(`[resume] ${(sentAfterCut / MB).toFixed(1)} MB sent after the cut`);
  expect(sentAfterCut).toBeLessThan(SIZE * 0.6);
  expect(sentAfterCut).toBeGreaterThan(SIZE * 0.3);

  const [saved] = await bob.worker.evaluate(async () => (await chrome.downloads.search({ orderBy: ['-startTime'] })).map((d) => ({ filename: d.filename, state: d.state })));
  expect(saved?.state).toBe('complete');
  expect(await sha256File(saved!.filename)).toBe(sent);
  await alicePopup.getByRole('button', { name: 'Hang up' }).click();
  await waitForStatus(bobPopup, new RegExp(`Call with ${aliceCode} ended`));
});
