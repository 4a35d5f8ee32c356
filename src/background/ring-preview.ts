/**
 * Your own camera while a call rings, for as long as a page shows the
 * incoming call (it holds a RING_PREVIEW_PORT): you see yourself before you
 * answer, as in any calling app, and the camera is already running when you
 * do, so the caller sees you sooner. Nobody looking, no camera: a ring with
 * every popup closed never turns it on. The preview stays in this browser
 * until Accept: the caller has neither our address nor our ICE credentials
 * before then (see call-session.ts).
 */
import type browser from 'webextension-polyfill';
import type { CallState } from '../shared/call-state';

export interface RingPreviewDeps {
  /** Null until the worker has loaded the call. */
  call: () => CallState | null;
  /** Tells the offscreen document to start or stop the preview (it ignores this once the call's media has started). */
  show: (on: boolean) => Promise<void>;
  /** The document has been told: pages look for the preview (or stop showing it). */
  changed: () => void;
  log: (message: string, error?: unknown) => void;
}

export interface RingPreview {
  /** A page showing the incoming call connected its port. */
  watch: (port: browser.Runtime.Port) => void;
  /** The call changed: a ring that ended takes its preview with it (Accept keeps it as the call's camera). */
  callChanged: () => void;
  /** The offscreen document has been told to show the camera for this ring. */
  showing: () => boolean;
}

export function createRingPreview(deps: RingPreviewDeps): RingPreview {
  const watchers = new Set<browser.Runtime.Port>();
  let shown = false;

  function update(): void {
    if (deps.call()?.phase !== 'ringing') {
      // Nothing to send: Accept turns the preview into the call's camera, and a ring that ends closes the document.
      shown = false;
      return;
    }
    const wanted = watchers.size > 0;
    if (wanted === shown) return;
    shown = wanted;
    deps.show(wanted).then(deps.changed, (error: unknown) => deps.log('Could not switch the camera preview', error));
  }

  return {
    watch(port) {
      watchers.add(port);
      port.onDisconnect.addListener(() => {
        watchers.delete(port);
        update();
      });
      update();
    },
    callChanged: update,
    showing: () => shown,
  };
}
