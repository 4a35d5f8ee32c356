/**
 * The offscreen document's lifecycle. It owns capture and the peer connection
 * so a call outlives the popup and the worker; the worker only creates it,
 * talks to it and closes it when the call is over.
 */
import type { OffscreenMessage } from '../shared/runtime-messages';

const OFFSCREEN_PATH = 'src/offscreen/index.html';
/** A document that has not said it is ready by then failed to load. */
const READY_TIMEOUT_MS = 10_000;

let creating: Promise<void> | null = null;
let markReady: (() => void) | null = null;

/** The document announces itself once its message listener is registered (createDocument resolves earlier). */
export function offscreenAnnouncedReady(): void {
  markReady?.();
  markReady = null;
}

export async function offscreenExists(): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [chrome.runtime.getURL(OFFSCREEN_PATH)],
  });
  return contexts.length > 0;
}

export async function ensureOffscreenDocument(): Promise<void> {
  if (creating) return creating;
  if (await offscreenExists()) return;
  // Keep the in-flight creation so two callers never create two documents.
  creating = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The call engine did not start.')), READY_TIMEOUT_MS);
    markReady = () => {
      clearTimeout(timer);
      resolve();
    };
    chrome.offscreen
      .createDocument({
        url: OFFSCREEN_PATH,
        reasons: [chrome.offscreen.Reason.USER_MEDIA, chrome.offscreen.Reason.WEB_RTC, chrome.offscreen.Reason.AUDIO_PLAYBACK],
        justification: 'Keeps the call\'s camera, microphone and peer connection alive while the popup is closed, and plays the ringtone.',
      })
      .catch(reject);
  }).finally(() => {
    creating = null;
  });
  return creating;
}

// One chain for every message, so 'start' always arrives before 'connect' and signals after both.
let chain: Promise<unknown> = Promise.resolve();

function inOrder(send: () => Promise<void>): Promise<void> {
  const next = chain.then(send);
  chain = next.catch(() => undefined);
  return next;
}

export function sendToOffscreen(message: OffscreenMessage): Promise<void> {
  return inOrder(async () => {
    await ensureOffscreenDocument();
    await chrome.runtime.sendMessage(message);
  });
}

/** Tells the document if it exists; never creates one just to say something. */
export function notifyOffscreen(message: OffscreenMessage): Promise<void> {
  return inOrder(async () => {
    if (creating) await creating;
    if (await offscreenExists()) await chrome.runtime.sendMessage(message);
  });
}

export function closeOffscreenDocument(): Promise<void> {
  return inOrder(async () => {
    if (creating) await creating.catch(() => undefined);
    if (await offscreenExists()) await chrome.offscreen.closeDocument();
  });
}
