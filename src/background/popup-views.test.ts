import type browser from 'webextension-polyfill';
import { describe, expect, it } from 'vitest';
import type { PopupMessage, View } from '../shared/runtime-messages';
import { createPopupViews } from './popup-views';

/** A page's end of a POPUP_PORT: what it was sent, and a way to close it. */
function page() {
  const received: PopupMessage[] = [];
  const closeListeners: (() => void)[] = [];
  const port = {
    postMessage: (message: PopupMessage) => void received.push(message),
    onDisconnect: { addListener: (listener: () => void) => void closeListeners.push(listener) },
  } as unknown as browser.Runtime.Port;
  return { port, received, close: () => closeListeners.forEach((listener) => listener()) };
}

function source(revision: { n: number }) {
  const seen: number[] = [];
  return {
    seen,
    view: () => ({ myCode: `view ${revision.n}` }) as unknown as View,
    markSeen: () => {
      seen.push(revision.n);
      return Promise.resolve();
    },
  };
}

describe('the pages’ views', () => {
  it('a page that connects before the worker has loaded gets its first view once it has', () => {
    const views = createPopupViews(() => undefined);
    const popup = page();
    views.watch(popup.port);
    views.publish();
    expect(popup.received).toEqual([]);
    const revision = { n: 1 };
    const from = source(revision);
    views.attach({ view: from.view, seen: from.markSeen });
    expect(popup.received.map((m) => m.view.myCode)).toEqual(['view 1']);
    revision.n = 2;
    views.publish();
    expect(popup.received.map((m) => m.view.myCode)).toEqual(['view 1', 'view 2']);
  });

  it('a page closed before the worker loaded still counts the chat as read, and stops getting views', () => {
    const views = createPopupViews(() => undefined);
    const popup = page();
    views.watch(popup.port);
    popup.close();
    expect(views.open()).toBe(false);
    const from = source({ n: 1 });
    views.attach({ view: from.view, seen: from.markSeen });
    expect(from.seen).toEqual([1]);
    views.publish();
    expect(popup.received).toEqual([]);
  });
});
