/**
 * The one visible page that can ask for the camera and microphone: the
 * offscreen document cannot show the browser's prompt. The grant belongs to
 * the extension's origin, so once given here the call's capture works too.
 */
import browser from 'webextension-polyfill';
import type { BackgroundMessage } from '../shared/runtime-messages';

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

allow.addEventListener('click', async () => {
  allow.disabled = true;
  const both = await capture({ audio: true, video: true });
  const media = both ? { mic: true, camera: true } : { mic: await capture({ audio: true }), camera: await capture({ video: true }) };
  allow.disabled = false;
  if (!media.mic && !media.camera) {
    result.textContent =
      'The browser blocked the camera and microphone for PeerDial. Click the camera icon at the right of the address bar ' +
      '(or open chrome://settings/content/camera and chrome://settings/content/microphone), allow PeerDial, then press the button again. ' +
      'Until then you can still see and hear the other person.';
    return;
  }
  const granted = media.mic && media.camera ? 'camera and microphone' : media.mic ? 'microphone (no camera)' : 'camera (no microphone)';
  result.textContent = `Thank you: PeerDial can use your ${granted}. Your call continues; you can close this tab.`;
  await browser.runtime.sendMessage({ target: 'background', type: 'permission-granted', media } satisfies BackgroundMessage);
});
