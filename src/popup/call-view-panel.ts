/**
 * Opening the side panel's call view from the popup. chrome.sidePanel.open()
 * must run inside the click's user gesture: anything awaited first (even
 * windows.getCurrent()) loses the gesture and Chrome refuses. So the window
 * id is looked up when the popup opens, and the click calls open() at once.
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { openSidePanel } from '../chrome/side-panel';
import { t } from '../shared/wording';

export function useWindowId(): number | null {
  const [windowId, setWindowId] = useState<number | null>(null);
  useEffect(() => {
    void browser.windows.getCurrent().then((current) => setWindowId(current.id ?? null));
  }, []);
  return windowId;
}

/** Call synchronously from a click handler; a refusal comes back in words. */
export function openCallView(windowId: number | null, onProblem: (message: string) => void): void {
  if (windowId === null) return onProblem(t('callViewNoWindow'));
  openSidePanel(windowId).catch((error: unknown) => {
    onProblem(t('callViewFailed', error instanceof Error ? error.message : String(error)));
  });
}
