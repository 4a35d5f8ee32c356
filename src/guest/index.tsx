/**
 * The guest page, served by the signaling server under /call/<code>: anyone
 * with an invite link calls a PeerDial user from any current browser. This
 * file checks the browser can, starts the page's telephone and draws it on
 * every change.
 */
import { render } from 'preact';
import { englishCatalog } from '../i18n/bundled-catalog';
import { codeFromInvitePath } from '../shared/invite-link';
import { t, useCatalog } from '../shared/wording';
import { GuestApp } from './GuestApp';
import type { GuestPhone } from './guest-phone';

useCatalog(englishCatalog);
document.title = t('guestPageTitle');
const root = document.getElementById('app')!;

/** Resolves after the next frame has been produced: a rAF callback runs before it, a task queued there after it. */
function afterNextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

function cannot(reason: string): void {
  render(<p role="alert">{reason}</p>, root);
}

// Feature detection, never the user agent: what a call needs, said in words when it is missing.
if (!window.isSecureContext || !navigator.mediaDevices) cannot(t('guestNeedsSecurePage'));
else if (typeof RTCPeerConnection === 'undefined') cannot(t('guestNoWebRTC'));
else {
  const invited = codeFromInvitePath(location.pathname);
  let phone: GuestPhone | null = null;
  const draw = () => render(<GuestApp phone={phone} invited={invited} />, root);
  // Drawn at once, the camera preview asked for, while the telephone (the call engine, Socket.IO, the key) loads
  // in a chunk of its own and starts: the Call button waits for the server, not for the page.
  draw();
  // Only once that first frame is on its way: compiling and starting the telephone holds the main thread for
  // a while, and the page would otherwise stay blank behind it.
  afterNextFrame()
    .then(() => import('./guest-phone'))
    .then(({ startGuestPhone }) => startGuestPhone({ serverUrl: location.origin, onChange: () => draw() }))
    .then(
      (started) => {
        phone = started;
        draw();
      },
      (error: unknown) => cannot(t('guestStartFailed', String(error))),
    );
}
