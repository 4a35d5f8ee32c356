/**
 * Shares a screen or window in the call. This page exists because the worker
 * may not open Chrome's picker without naming a web tab, the offscreen
 * document cannot open it at all, and the capture id it returns works only in
 * the document that asked. So this page asks, captures, and hands the stream
 * to the offscreen document, which sends it; the capture lives as long as this
 * page, so the window stays open (minimise it) while the screen is shared.
 */
import '../i18n/browser-catalog';
import browser from 'webextension-polyfill';
import type { BackgroundMessage } from '../shared/runtime-messages';
import { t } from '../shared/wording';
import { localizePage } from '../i18n/localize-page';
import { captureFailure, captureShare } from '../chrome/share-capture';
import { chooseDesktopMedia } from '../chrome/desktop-capture';
import { extensionWindows } from '../chrome/extension-views';

localizePage();
const hint = document.getElementById('hint') as HTMLParagraphElement;

function tell(message: BackgroundMessage): Promise<unknown> {
  return browser.runtime.sendMessage(message);
}

function offscreenWindow(): Window | null {
  return extensionWindows().find((view) => typeof view.peerdialShareStream === 'function') ?? null;
}

let sharing = false;
// Closing the window before choosing cancels; closing it while sharing ends the capture it holds.
window.addEventListener('pagehide', () => void tell({ target: 'background', type: sharing ? 'screen-closed' : 'screen-cancelled' }));

// Tabs too: Chrome's list is also the way to share a tab other than the one PeerDial was opened on.
void chooseDesktopMedia(['screen', 'window', 'tab', 'audio']).then(async ({ streamId, canRequestAudioTrack }) => {
  if (!streamId) {
    window.close();
    return;
  }
  try {
    const stream = await captureShare('desktop', streamId, canRequestAudioTrack);
    const engine = offscreenWindow();
    if (!engine) throw new Error(t('shareScreenNoCall'));
    await engine.peerdialShareStream!(stream);
  } catch (error) {
    await tell({ target: 'background', type: 'share-failed', message: captureFailure(error) });
    window.close();
    return;
  }
  sharing = true;
  hint.textContent = t('shareScreenSharing');
});
