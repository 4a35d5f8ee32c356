/**
 * "Open the call view when I answer", for the notification's Accept button.
 * chrome.sidePanel.open() is allowed only inside a user gesture (checked:
 * called without one it throws "may only be called in response to a user
 * gesture"). Chromium dispatches notifications.onButtonClicked with
 * EventRouter::USER_GESTURE_ENABLED, as it does action.onClicked (read in its
 * extension_notification_handler.cc; headless Chromium shows no notification
 * to click, so no test here clicks one). Any await before open(), even
 * looking up the window, ends that gesture. So the window is looked up when
 * the call starts ringing, and the click calls open() before anything else.
 * (Not by following windows.onFocusChanged: that listener would wake an idle
 * worker at every window switch.) The popup's Accept opens the panel itself,
 * in its own click handler.
 */

let ringWindowId: number | null = null;

/** The window the person is in as the call rings: where the call view will open. */
export function noteRingWindow(): void {
  chrome.windows
    .getLastFocused()
    .then((window) => (ringWindowId = window.id ?? null))
    .catch(() => (ringWindowId = null));
}

/** Synchronous on purpose: call it first thing in the click's event handler. */
export function openCallViewInGesture(log: (message: string, error?: unknown) => void): void {
  if (ringWindowId === null) return log('Could not open the call view: no browser window is known.');
  chrome.sidePanel.open({ windowId: ringWindowId }).catch((error: unknown) => log('Could not open the call view', error));
}
