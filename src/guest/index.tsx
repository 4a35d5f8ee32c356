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
import { startGuestPhone } from './guest-phone';

useCatalog(englishCatalog);
document.title = t('guestPageTitle');
const root = document.getElementById('app')!;

function cannot(reason: string): void {
  render(<p role="alert">{reason}</p>, root);
}

// Feature detection, never the user agent: what a call needs, said in words when it is missing.
if (!window.isSecureContext || !navigator.mediaDevices) cannot(t('guestNeedsSecurePage'));
else if (typeof RTCPeerConnection === 'undefined') cannot(t('guestNoWebRTC'));
else {
  const invited = codeFromInvitePath(location.pathname);
  let draw = () => {};
  startGuestPhone({ serverUrl: location.origin, onChange: () => draw() }).then(
    (phone) => {
      draw = () => render(<GuestApp phone={phone} view={phone.view()} invited={invited} />, root);
      draw();
    },
    (error: unknown) => cannot(t('guestNoWebRTC') + ` (${String(error)})`),
  );
}
