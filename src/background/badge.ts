/** The toolbar badge, set from what describeBadge says; touched only when that changes. */
import browser from 'webextension-polyfill';
import type { QualityLevel } from '../shared/call-quality';
import type { CallState } from '../shared/call-state';
import type { ShareState } from '../shared/share-state';
import { describeBadge } from './describe-badge';

export interface BadgeInput {
  call: CallState;
  share: ShareState;
  quality: QualityLevel | null;
}

export interface CallBadge {
  show: (input: BadgeInput, unread: number) => Promise<void>;
}

export function createBadge(): CallBadge {
  // Transfers publish progress several times a second: the badge is set only when what it shows changes.
  let shown: string | null = null;
  return {
    async show({ call, share, quality }, unread) {
      const key = `${call.phase}/${share.status}/${unread}/${quality}`;
      if (key === shown) return;
      shown = key;
      const badge = describeBadge(call, share, unread, quality);
      await Promise.all([
        browser.action.setBadgeText({ text: badge.text }),
        browser.action.setBadgeBackgroundColor({ color: badge.color }),
        browser.action.setTitle({ title: badge.title }),
      ]);
    },
  };
}
