/** The toolbar badge says what the call is doing, so a glance at the toolbar is enough;
 * during a call with the popup closed, it counts the chat messages not yet seen. */
import browser from 'webextension-polyfill';
import type { CallState } from '../shared/call-state';
import { t, type MessageKey } from '../shared/i18n';
import { describeShare, type ShareState } from '../shared/share-state';

const BADGES: Record<CallState['phase'], { text: string; color: string; title: MessageKey }> = {
  idle: { text: '', color: '#0F766E', title: 'extName' },
  calling: { text: 'CALL', color: '#2563EB', title: 'badgeCalling' },
  ringing: { text: 'RING', color: '#DC2626', title: 'badgeRinging' },
  connecting: { text: '…', color: '#2563EB', title: 'badgeConnecting' },
  active: { text: 'LIVE', color: '#16A34A', title: 'badgeActive' },
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
          title: unread === 1 ? t('badgeUnreadOne') : t('badgeUnreadMany', unread),
        }
      : share.status === 'on'
        ? { ...SHARING, title: t('badgeSharing', describeShare(share) ?? '') }
        : { ...BADGES[call.phase], title: t(BADGES[call.phase].title) };
  await Promise.all([
    browser.action.setBadgeText({ text: badge.text }),
    browser.action.setBadgeBackgroundColor({ color: badge.color }),
    browser.action.setTitle({ title: badge.title }),
  ]);
}
