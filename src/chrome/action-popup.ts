/** Chrome only: `action.openPopup` (the polyfill has no promise form of it). A second browser's build swaps this file. */
export function openActionPopup(): Promise<void> {
  return chrome.action.openPopup();
}
