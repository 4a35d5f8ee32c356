/** Chrome only: `chrome.sidePanel`, where the call view opens. Allowed only inside a user gesture: call it before any await. */
export function openSidePanel(windowId: number): Promise<void> {
  return chrome.sidePanel.open({ windowId });
}
