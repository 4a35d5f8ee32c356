/**
 * The offscreen document cannot show the camera prompt, so a visible page asks
 * once; the grant belongs to the extension's origin and the offscreen document
 * can capture from then on.
 */
import browser from 'webextension-polyfill';
import { findContexts } from '../chrome/contexts';

const PERMISSION_PATH = 'src/permission/index.html';

export async function openPermissionPage(): Promise<void> {
  const url = browser.runtime.getURL(PERMISSION_PATH);
  const [open] = await findContexts('tab', url);
  if (open && open.tabId >= 0) {
    await browser.tabs.update(open.tabId, { active: true });
    return;
  }
  await browser.tabs.create({ url });
}
