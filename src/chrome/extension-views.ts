/**
 * Chrome only: `chrome.extension.getViews`, the windows of this extension's
 * pages. A visible page reaches the offscreen document's window through it,
 * to render its streams and hand it files without copying them.
 */
export function extensionWindows(): Window[] {
  return chrome.extension.getViews();
}
