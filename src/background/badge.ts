/** The toolbar badge says what the call is doing, so a glance at the toolbar is enough;
 * during a call with the popup closed, it counts the chat messages not yet seen. */
import browser from 'webextension-polyfill';
import type { CallState } from '../shared/call-state';

const BADGES: Record<CallState['phase'], { text: string; color: string; title: string }> = {
  idle: { text: '', color: '#0F766E', title: 'PeerDial' },
  calling: { text: 'CALL', color: '#2563EB', title: 'PeerDial: calling…' },
  ringing: { text: 'RING', color: '#DC2626', title: 'PeerDial: incoming call' },
  connecting: { text: '…', color: '#2563EB', title: 'PeerDial: connecting…' },
  active: { text: 'LIVE', color: '#16A34A', title: 'PeerDial: in a call' },
};

/** A badge holds about four characters. */
const MAX_SHOWN_UNREAD = 99;

export async function showCallOnBadge(call: CallState, unread = 0): Promise<void> {
  const badge =
    call.phase === 'active' && unread > 0
      ? {
          text: unread > MAX_SHOWN_UNREAD ? `${MAX_SHOWN_UNREAD}+` : String(unread),
          color: '#2563EB',
          title: `PeerDial: ${unread} unread ${unread === 1 ? 'message' : 'messages'}`,
        }
      : BADGES[call.phase];
  await Promise.all([
    browser.action.setBadgeText({ text: badge.text }),
    browser.action.setBadgeBackgroundColor({ color: badge.color }),
    browser.action.setTitle({ title: badge.title }),
  ]);
}
