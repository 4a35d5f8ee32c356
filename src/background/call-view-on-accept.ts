/**
 * "Open the call view when I answer", for the notification's Accept button.
 * The side panel opens only inside a user gesture, and Chrome dispatches
 * notifications.onButtonClicked as one (as it does action.onClicked). Any
 * await before opening, even looking up the window, ends that gesture. So the
 * window is looked up when the call starts ringing, and the click opens the
 * panel before anything else. (Not by following windows.onFocusChanged: that
 * listener would wake an idle worker at every window switch.) The popup's
 * Accept opens the panel itself, in its own click handler. No test clicks a
 * notification: headless Chromium shows none.
 */
import browser from 'webextension-polyfill';
import { openSidePanel } from '../chrome/side-panel';

let ringWindowId: number | null = null;

/** The window the person is in as the call rings: where the call view will open. */
export function noteRingWindow(): void {
  browser.windows
    .getLastFocused()
    .then((window) => (ringWindowId = window.id ?? null))
    .catch(() => (ringWindowId = null));
}

/** Synchronous on purpose: call it first thing in the click's event handler. */
export function openCallViewInGesture(log: (message: string, error?: unknown) => void): void {
  if (ringWindowId === null) return log('Could not open the call view: no browser window is known.');
  openSidePanel(ringWindowId).catch((error: unknown) => log('Could not open the call view', error));
}
