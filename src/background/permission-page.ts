/**
 * The offscreen document cannot show the camera prompt, so a visible page asks
 * once; the grant belongs to the extension's origin and the offscreen document
 * can capture from then on.
 */
const PERMISSION_PATH = 'src/permission/index.html';

export async function openPermissionPage(): Promise<void> {
  const url = chrome.runtime.getURL(PERMISSION_PATH);
  const [open] = await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.TAB], documentUrls: [url] });
  if (open && open.tabId >= 0) {
    await chrome.tabs.update(open.tabId, { active: true });
    return;
  }
  await chrome.tabs.create({ url });
}
