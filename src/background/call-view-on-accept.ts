/**
 * "Open the call view when I answer", for the notification's Accept button.
 * chrome.sidePanel.open() is allowed only inside the user gesture that the
 * click lends to its event, and any await before it (even looking up the
 * window) ends that gesture. So the window to open it in is followed ahead of
 * time, and the click calls open() before anything else.
 * (The popup's Accept opens the panel itself, in its own click handler.)
 */

let focusedWindowId: number | null = null;

/** Call once at the worker's top level: a listener registered later would miss the focus changes before it. */
export function followFocusedWindow(): void {
  chrome.windows.onFocusChanged.addListener((id) => {
    if (id !== chrome.windows.WINDOW_ID_NONE) focusedWindowId = id;
  });
  void chrome.windows
    .getLastFocused()
    .then((window) => (focusedWindowId ??= window.id ?? null))
    .catch(() => undefined);
}

/** Synchronous on purpose: call it first thing in the click's event handler. */
export function openCallViewInGesture(log: (message: string, error?: unknown) => void): void {
  if (focusedWindowId === null) return log('Could not open the call view: no browser window is known.');
  chrome.sidePanel.open({ windowId: focusedWindowId }).catch((error: unknown) => log('Could not open the call view', error));
}
