/**
 * The document's line to the service worker. Connecting the port, once the
 * listener is in place, is how the worker knows the document is ready.
 * Chrome stops an idle worker even mid-call; the port breaks then, and
 * connecting again starts a fresh worker, which reconnects to the server so
 * the call can renegotiate and new calls can ring.
 */
import browser from 'webextension-polyfill';
import * as v from 'valibot';
import { type BackgroundMessage, OFFSCREEN_PORT, OffscreenMessage } from '../shared/runtime-messages';

/** Long enough not to spin if the extension is going away; short enough that a stopped worker is back at once. */
const WORKER_PORT_RETRY_MS = 250;

export interface WorkerPort {
  /** Tells the worker, in order. */
  notify: (message: BackgroundMessage) => void;
}

export function holdWorkerPort(onMessage: (message: OffscreenMessage) => void): WorkerPort {
  let port: browser.Runtime.Port | null = null;

  function connect(): void {
    const next = browser.runtime.connect({ name: OFFSCREEN_PORT });
    port = next;
    next.onMessage.addListener((raw: unknown) => {
      const parsed = v.safeParse(OffscreenMessage, raw);
      if (parsed.success) onMessage(parsed.output);
      else console.warn('[PeerDial] malformed message from the worker', v.flatten(parsed.issues));
    });
    next.onDisconnect.addListener(() => {
      if (port === next) port = null;
      setTimeout(connect, WORKER_PORT_RETRY_MS);
    });
  }

  connect();
  return {
    /**
     * Down the port the document holds: sendMessage opens a new channel through
     * the browser process for every message (a candidate, a quality reading
     * each second) and offers it to every extension page. sendMessage is left
     * for when the port is down, since it wakes a stopped worker.
     */
    notify(message) {
      try {
        if (port) return port.postMessage(message);
      } catch {
        // The worker stopped and the port's disconnect has not reached us yet.
        port = null;
      }
      browser.runtime.sendMessage(message).catch((error: unknown) => console.warn('[PeerDial] worker unreachable', error));
    },
  };
}
