/** What capture could not get, in words: the offscreen document says why, the worker (which has i18n) says it. */
import type { MediaFlags } from './call-state';
import { t } from './wording';

export const SHORTFALL_REASONS = ['permission', 'no-device', 'busy', 'other'] as const;
export type ShortfallReason = (typeof SHORTFALL_REASONS)[number];

export function describeShortfall(reason: ShortfallReason, got: MediaFlags): string {
  const still = got.mic ? t('mediaStillMic') : got.camera ? t('mediaStillCamera') : t('mediaStillReceive');
  switch (reason) {
    case 'permission':
      return t('mediaNoPermission', still);
    case 'no-device':
      return t('mediaNoDevice', still);
    case 'busy':
      return t('mediaBusy', still);
    case 'other':
      return t('mediaFailed', still);
  }
}
