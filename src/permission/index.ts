/**
 * The one visible page that can ask for the camera and microphone: the
 * offscreen document cannot show the browser's prompt. The grant belongs to
 * the extension's origin, so once given here the call's capture works too.
 */
import '../i18n/browser-catalog';
import browser from 'webextension-polyfill';
import type { BackgroundMessage } from '../shared/runtime-messages';
import { t } from '../shared/wording';
import { localizePage } from '../i18n/localize-page';

localizePage();
const allow = document.getElementById('allow') as HTMLButtonElement;
const result = document.getElementById('result') as HTMLParagraphElement;

async function capture(constraints: MediaStreamConstraints): Promise<boolean> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    // Only the grant is wanted here; the call captures in its own document.
    for (const track of stream.getTracks()) track.stop();
    return true;
  } catch {
    return false;
  }
}

async function askForMedia(): Promise<void> {
  allow.disabled = true;
  const both = await capture({ audio: true, video: true });
  const media = both ? { mic: true, camera: true } : { mic: await capture({ audio: true }), camera: await capture({ video: true }) };
  allow.disabled = false;
  if (!media.mic && !media.camera) {
    result.textContent = t('permissionBlocked');
    return;
  }
  result.textContent = t(media.mic && media.camera ? 'permissionGrantedBoth' : media.mic ? 'permissionGrantedMic' : 'permissionGrantedCamera');
  await browser.runtime.sendMessage({ target: 'background', type: 'permission-granted', media } satisfies BackgroundMessage);
}

allow.addEventListener('click', () => void askForMedia());
