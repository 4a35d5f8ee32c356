/**
 * The offscreen document's lifecycle and the line to it. It owns capture and
 * the peer connection so a call outlives the popup and the worker; the worker
 * only creates it, talks to it and closes it when the call is over.
 *
 * The document holds a port to the worker (OFFSCREEN_PORT). Its connecting
 * says the document's listeners are in place (createDocument resolves
 * earlier, and a message sent then can be lost), and messages go down it in
 * order to that document alone: no context lookup and no broadcast to every
 * extension page per ICE candidate. The document's own messages come up the
 * same port (see its notify()).
 */
import browser from 'webextension-polyfill';
import type { OffscreenMessage } from '../shared/runtime-messages';
import { createSerialQueue } from '../shared/serial-queue';
import { findContexts } from '../chrome/contexts';
import * as offscreen from '../chrome/offscreen';

const OFFSCREEN_PATH = 'src/offscreen/index.html';
/** A document whose port has not connected by then failed to load. */
const READY_TIMEOUT_MS = 10_000;

let port: browser.Runtime.Port | null = null;
const portWaiters: (() => void)[] = [];
let creating: Promise<void> | null = null;

export interface OffscreenPortListeners {
  /** A message from the document. */
  message: (raw: unknown) => void;
  /** The port broke: the document closed, crashed, or was closed under us. */
  gone: () => void;
}

/** The document connected (at load, or again after this worker restarted). */
export function adoptOffscreenPort(next: browser.Runtime.Port, listeners: OffscreenPortListeners): void {
  port = next;
  for (const wake of portWaiters.splice(0)) wake();
  next.onMessage.addListener(listeners.message);
  next.onDisconnect.addListener(() => {
    if (port === next) port = null;
    listeners.gone();
  });
}

export async function offscreenExists(): Promise<boolean> {
  return (await findContexts('offscreen-document', browser.runtime.getURL(OFFSCREEN_PATH))).length > 0;
}

function portConnected(): Promise<void> {
  if (port) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The call engine did not start.')), READY_TIMEOUT_MS);
    portWaiters.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function ensureOffscreenDocument(): Promise<void> {
  if (port) return;
  // Keep the in-flight creation so two callers never create two documents.
  creating ??= (async () => {
    if (await offscreenExists()) return portConnected();
    const created = offscreen.createOffscreenDocument(
      OFFSCREEN_PATH,
      ['USER_MEDIA', 'WEB_RTC', 'AUDIO_PLAYBACK'],
      "Keeps the call's camera, microphone and peer connection alive while the popup is closed, and plays the ringtone.",
    );
    // Its promise can stay pending long after the document has loaded: the port says it is ready, only a failure is read from here.
    const failed = new Promise<never>((_, reject) => void created.catch(reject));
    await Promise.race([portConnected(), failed]);
  })().finally(() => {
    creating = null;
  });
  return creating;
}

// One queue for every message, so 'start' always arrives before 'connect' and signals after both.
const messages = createSerialQueue();

export function sendToOffscreen(message: OffscreenMessage): Promise<void> {
  return messages.run(async () => {
    await ensureOffscreenDocument();
    port!.postMessage(message);
  });
}

/** Tells the document if it exists; never creates one just to say something. */
export function notifyOffscreen(message: OffscreenMessage): Promise<void> {
  return messages.run(async () => {
    if (!port && !creating && !(await offscreenExists())) return;
    await ensureOffscreenDocument();
    port!.postMessage(message);
  });
}

export function closeOffscreenDocument(): Promise<void> {
  return messages.run(async () => {
    if (creating) await creating.catch(() => undefined);
    if (port || (await offscreenExists())) await offscreen.closeOffscreenDocument();
    port = null;
  });
}
