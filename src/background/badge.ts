/** The toolbar badge says what the call is doing, so a glance at the toolbar is enough. */
import browser from 'webextension-polyfill';
import type { CallState } from '../shared/call-state';
import { describeShare, type ShareState } from '../shared/share-state';

const BADGES: Record<CallState['phase'], { text: string; color: string; title: string }> = {
  idle: { text: '', color: '#0F766E', title: 'PeerDial' },
  calling: { text: 'CALL', color: '#2563EB', title: 'PeerDial: calling…' },
  ringing: { text: 'RING', color: '#DC2626', title: 'PeerDial: incoming call' },
  connecting: { text: '…', color: '#2563EB', title: 'PeerDial: connecting…' },
  active: { text: 'LIVE', color: '#16A34A', title: 'PeerDial: in a call' },
};

/** Four letters at most fit on the badge; the title says it in full. */
const SHARING = { text: 'SHR', color: '#7C3AED' };

export function badgeKey(call: CallState, share: ShareState): string {
  return `${call.phase}/${share.status}`;
}

export async function showCallOnBadge(call: CallState, share: ShareState): Promise<void> {
  const sharing = share.status === 'on' ? { ...SHARING, title: `PeerDial: ${describeShare(share)} in a call` } : null;
  const badge = sharing ?? BADGES[call.phase];
  await Promise.all([
    browser.action.setBadgeText({ text: badge.text }),
    browser.action.setBadgeBackgroundColor({ color: badge.color }),
    browser.action.setTitle({ title: badge.title }),
  ]);
}
