/**
 * Carries out the sharing commands in the worker. Only the worker (or a
 * visible page) can ask Chrome for a capture id, and only right after the
 * person invoked PeerDial on that tab; the offscreen document then turns the
 * id into tracks and sends them in the call.
 */
import browser from 'webextension-polyfill';
import type { OffscreenMessage } from '../shared/runtime-messages';
import { describeCaptureError, type ShareCommand, type ShareEvent } from '../shared/share-state';
import { findContexts } from '../chrome/contexts';
import { tabStreamId } from '../chrome/tab-capture';

const SCREEN_PICKER_PATH = 'src/share-screen/index.html';
/** Room for Chrome's picker to appear over the little page that asks for it. */
const SCREEN_PICKER_SIZE = { width: 520, height: 360 };

export interface ShareCaptureDeps {
  toOffscreen: (message: OffscreenMessage) => Promise<void>;
  report: (event: ShareEvent) => Promise<void>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createShareRunner(deps: ShareCaptureDeps): (command: ShareCommand) => Promise<void> {
  return async (command) => {
    if (command.type === 'release') {
      await closeScreenPicker();
      return deps.toOffscreen({ target: 'offscreen', type: 'stop-share' });
    }
    const { source } = command;
    if (source.kind === 'screen') return openScreenPicker();
    let streamId: string;
    try {
      streamId = await tabStreamId(source.tabId);
    } catch (error) {
      return deps.report({ type: 'failed', message: describeCaptureError(messageOf(error)) });
    }
    await deps.toOffscreen({ target: 'offscreen', type: 'share-tab', streamId });
    // A tab replaces a shared screen: the page holding the screen capture has nothing left to do.
    await closeScreenPicker();
  };
}

/**
 * Screens and windows go through Chrome's own picker. chrome.desktopCapture
 * refuses to show it for a worker without a target tab (and a tab's id would
 * serve that web page only), and its id works only in the document that asked
 * (elsewhere capture fails to start), so a
 * small PeerDial window asks, captures, hands the stream to the offscreen
 * document, and stays open while the screen is shared: closing it stops the
 * capture. getDisplayMedia is no option either: it needs a click in the
 * document that calls it, and the offscreen document never gets one.
 */
async function openScreenPicker(): Promise<void> {
  await closeScreenPicker();
  await browser.windows.create({ url: browser.runtime.getURL(SCREEN_PICKER_PATH), type: 'popup', focused: true, ...SCREEN_PICKER_SIZE });
}

export async function closeScreenPicker(): Promise<void> {
  const open = await findContexts('tab', browser.runtime.getURL(SCREEN_PICKER_PATH));
  await Promise.all(open.filter((context) => context.tabId >= 0).map((context) => browser.tabs.remove(context.tabId).catch(() => undefined)));
}

/** After the offscreen document says the capture ended: a tab that is gone was closed; otherwise Chrome ended the capture (its own "Stop sharing"). */
export async function whyShareEnded(tabId: number | null): Promise<'tab-closed' | 'capture-ended'> {
  if (tabId === null) return 'capture-ended';
  return browser.tabs.get(tabId).then(
    () => 'capture-ended',
    () => 'tab-closed',
  );
}
