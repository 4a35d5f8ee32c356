/**
 * Does the call history slow the popup down? Opens the built popup in one
 * browser with no history and with a full one (HISTORY_LIMIT calls, every
 * code nicknamed), alternating, and prints when the own code is on screen (the
 * footprint's "first useful render") and when the Recent calls list is.
 *
 *   npm run build && npx tsx bench/popup-history.ts   (BENCH_OPENS to change the 15 opens per case)
 */
import { HISTORY_LIMIT, type History } from '../src/shared/call-history';
import { type ExtensionBrowser, launchExtensionBrowser } from '../test/e2e/support/browser';
import { eventually } from '../test/e2e/support/probes';
import { PAGE_PRELUDE } from './frame-timing';
import { percentile } from './stats';

const OPENS = Number(process.env.BENCH_OPENS ?? 15);

function fullHistory(): History {
  const calls: History['calls'] = [];
  const nicknames: Record<string, string> = {};
  for (let i = 0; i < HISTORY_LIMIT; i++) {
    const peer = `K7QM4ZP2X${String(i).padStart(3, '0')}`;
    calls.push({ peer, direction: i % 2 ? 'incoming' : 'outgoing', at: Date.now() - i * 3_600_000, duration: i * 7, missed: i % 5 === 0 });
    nicknames[peer] = `Person number ${i}`;
  }
  return { calls, nicknames };
}

/** The worker loads the history once, at its start: write it, then restart the worker as Chrome's idle rule would. */
async function useHistory(browser: ExtensionBrowser, history: History): Promise<void> {
  const page = await browser.context.newPage();
  await page.goto(browser.url('src/popup/index.html'));
  await browser.worker.evaluate(async (value) => {
    await chrome.storage.local.set({ callHistory: value });
    Object.assign(globalThis, { peerdialBeforeStop: true });
  }, history);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await eventually(() => browser.worker.evaluate(() => !('peerdialBeforeStop' in globalThis)).catch(() => false), Boolean, 'a fresh worker');
  await page.getByText('Your code').waitFor();
  await page.close();
}

async function openPopup(browser: ExtensionBrowser): Promise<{ useful: number; list: number | null }> {
  const page = await browser.context.newPage();
  await page.addInitScript(PAGE_PRELUDE);
  await page.addInitScript(() => {
    const marks = window as unknown as { usefulAt?: number; listAt?: number };
    new MutationObserver(() => {
      const code = document.querySelector<HTMLInputElement>('#own-code')?.value ?? '';
      if (/^\w{4}-\w{4}-\w{4}$/.test(code)) marks.usefulAt ??= performance.now();
      if (document.querySelector('.recent li')) marks.listAt ??= performance.now();
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await page.goto(browser.url('src/popup/index.html'));
  await page.waitForFunction(() => (window as unknown as { usefulAt?: number }).usefulAt);
  const result = await page.evaluate(() => {
    const marks = window as unknown as { usefulAt: number; listAt?: number };
    return { useful: marks.usefulAt, list: marks.listAt ?? null };
  });
  await page.close();
  return result;
}

const browser = await launchExtensionBrowser();
try {
  const cases = { empty: { calls: [], nicknames: {} } satisfies History, full: fullHistory() };
  const samples = { empty: { useful: [] as number[], list: [] as number[] }, full: { useful: [] as number[], list: [] as number[] } };
  // Alternate in rounds, so a busy moment on a shared machine falls on both cases alike.
  for (let round = 0; round < 3; round++) {
    for (const name of ['empty', 'full'] as const) {
      await useHistory(browser, cases[name]);
      for (let i = 0; i < Math.ceil(OPENS / 3); i++) {
        const { useful, list } = await openPopup(browser);
        samples[name].useful.push(useful);
        if (list !== null) samples[name].list.push(list);
      }
    }
  }
  const ms = (values: number[], p: number) => (values.length ? percentile(values, p).toFixed(1) : '—');
  console.log(`\n| popup history | opens | own code shown p50 / p95 (ms) | Recent calls shown p50 / p95 (ms) |`);
  console.log('| --- | --- | --- | --- |');
  for (const name of ['empty', 'full'] as const) {
    const { useful, list } = samples[name];
    console.log(`| ${name === 'empty' ? 'none' : `${HISTORY_LIMIT} calls, all nicknamed`} | ${useful.length} | ${ms(useful, 50)} / ${ms(useful, 95)} | ${ms(list, 50)} / ${ms(list, 95)} |`);
  }
} finally {
  await browser.close();
}
