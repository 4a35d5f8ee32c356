/**
 * What the toolbar badge shows: a glance at the toolbar says what the call is
 * doing. Pure, so the order of what wins is tested without a browser.
 */
import type { QualityLevel } from '../shared/call-quality';
import type { CallState } from '../shared/call-state';
import { type MessageKey, t } from '../shared/wording';
import { describeShare, type ShareState } from '../shared/share-state';

export interface Badge {
  /** Four characters at most fit on the badge; the title says it in full. */
  text: string;
  color: string;
  title: string;
}

const BADGES: Record<CallState['phase'], { text: string; color: string; title: MessageKey }> = {
  idle: { text: '', color: '#0F766E', title: 'extName' },
  calling: { text: 'CALL', color: '#2563EB', title: 'badgeCalling' },
  ringing: { text: 'RING', color: '#DC2626', title: 'badgeRinging' },
  connecting: { text: '…', color: '#2563EB', title: 'badgeConnecting' },
  active: { text: 'LIVE', color: '#16A34A', title: 'badgeActive' },
};

const SHARING = { text: 'SHR', color: '#7C3AED' };
/** Amber, not red: the call goes on, it just sounds or looks worse (red is for a ring that wants an answer). */
const POOR_PATH = { text: 'POOR', color: '#D97706' };
const MAX_SHOWN_UNREAD = 99;

/**
 * Unread messages first (someone is waiting for an answer), then a poor path
 * (it explains a frozen picture the person may be looking at in another tab),
 * then sharing, then the call's phase.
 */
export function describeBadge(call: CallState, share: ShareState, unread: number, quality: QualityLevel | null): Badge {
  if (call.phase === 'active' && unread > 0) {
    return {
      text: unread > MAX_SHOWN_UNREAD ? `${MAX_SHOWN_UNREAD}+` : String(unread),
      color: '#2563EB',
      title: unread === 1 ? t('badgeUnreadOne') : t('badgeUnreadMany', unread),
    };
  }
  if (call.phase === 'active' && quality === 'poor') return { ...POOR_PATH, title: t('badgePoor') };
  if (share.status === 'on') return { ...SHARING, title: t('badgeSharing', describeShare(share) ?? '') };
  const { title, ...look } = BADGES[call.phase];
  return { ...look, title: t(title) };
}
