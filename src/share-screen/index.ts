/**
 * Shows Chrome's screen and window picker for the call, then closes. It exists
 * because the worker may not open the picker without naming a web tab (whose
 * page alone could then use the capture), and the offscreen document cannot
 * open it at all.
 */
import browser from 'webextension-polyfill';
import type { BackgroundMessage } from '../shared/runtime-messages';

const hint = document.getElementById('hint') as HTMLParagraphElement;

chrome.desktopCapture.chooseDesktopMedia(['screen', 'window', 'audio'], (streamId, options) => {
  const message: BackgroundMessage = {
    target: 'background',
    type: 'screen-chosen',
    streamId: streamId || null,
    audio: options?.canRequestAudioTrack ?? false,
  };
  browser.runtime
    .sendMessage(message)
    .then(() => window.close())
    .catch((error: unknown) => {
      hint.textContent = `PeerDial did not take your choice: ${String(error)}. Close this window and try again.`;
    });
});
