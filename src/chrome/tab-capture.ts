/** Chrome only: `chrome.tabCapture`. The id it gives lets the offscreen document capture that tab. */
export function tabStreamId(tabId: number): Promise<string> {
  return chrome.tabCapture.getMediaStreamId({ targetTabId: tabId });
}
