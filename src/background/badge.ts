/** The toolbar badge, set from what describeBadge says; touched only when that changes. */
import browser from 'webextension-polyfill';
import type { QualityLevel } from '../shared/call-quality';
import type { CallState } from '../shared/call-state';
import { describeBadge } from './describe-badge';
import type { ShareState } from '../shared/share-state';

/** Everything the badge shows, so it is touched only when one of them changes. */
export function badgeKey(call: CallState, share: ShareState, unread: number, quality: QualityLevel | null): string {
  return `${call.phase}/${share.status}/${unread}/${quality}`;
}

export async function showCallOnBadge(call: CallState, share: ShareState, unread: number, quality: QualityLevel | null): Promise<void> {
  const badge = describeBadge(call, share, unread, quality);
  await Promise.all([
    browser.action.setBadgeText({ text: badge.text }),
    browser.action.setBadgeBackgroundColor({ color: badge.color }),
    browser.action.setTitle({ title: badge.title }),
  ]);
}
