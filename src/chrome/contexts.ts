/** Chrome only: `runtime.getContexts`, which finds this extension's open pages and documents without messaging them. */

export type ContextKind = 'tab' | 'offscreen-document';

/** The open contexts of that kind showing the extension page at `url`; `tabId` is -1 outside a tab. */
export async function findContexts(kind: ContextKind, url: string): Promise<{ tabId: number }[]> {
  const type = kind === 'tab' ? chrome.runtime.ContextType.TAB : chrome.runtime.ContextType.OFFSCREEN_DOCUMENT;
  const contexts = await chrome.runtime.getContexts({ contextTypes: [type], documentUrls: [url] });
  return contexts.map(({ tabId }) => ({ tabId }));
}
