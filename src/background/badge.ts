/** The toolbar badge says what the call is doing, so a glance at the toolbar is enough;
 * during a call with the popup closed, it counts the chat messages not yet seen. */
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
const MAX_SHOWN_UNREAD = 99;

/** Everything the badge shows, so it is touched only when one of them changes. */
export function badgeKey(call: CallState, share: ShareState, unread: number): string {
  return `${call.phase}/${share.status}/${unread}`;
}

/** Unread messages first (someone is waiting for an answer), then sharing, then the call's phase. */
export async function showCallOnBadge(call: CallState, share: ShareState, unread = 0): Promise<void> {
  const badge =
    call.phase === 'active' && unread > 0
      ? {
          text: unread > MAX_SHOWN_UNREAD ? `${MAX_SHOWN_UNREAD}+` : String(unread),
          color: '#2563EB',
          title: `PeerDial: ${unread} unread ${unread === 1 ? 'message' : 'messages'}`,
        }
      : share.status === 'on'
        ? { ...SHARING, title: `PeerDial: ${describeShare(share)} in a call` }
        : BADGES[call.phase];
  await Promise.all([
    browser.action.setBadgeText({ text: badge.text }),
    browser.action.setBadgeBackgroundColor({ color: badge.color }),
    browser.action.setTitle({ title: badge.title }),
  ]);
}
