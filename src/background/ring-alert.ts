/**
 * An incoming call must reach the person with the popup closed: a system
 * notification with Accept and Decline, and a ringtone from the offscreen
 * document (the worker cannot play sound).
 */
import browser from 'webextension-polyfill';
import type { CallState } from '../shared/call-state';
import { type Nicknames, peerName } from '../shared/describe-call';
import { t } from '../shared/wording';

const NOTIFICATION_ID = 'incoming-call';
export const ACCEPT_BUTTON = 0;
export const DECLINE_BUTTON = 1;

export function isRingNotification(id: string): boolean {
  return id === NOTIFICATION_ID;
}

export async function showRingAlert(call: CallState, nicknames: Nicknames, ringtone: (on: boolean) => Promise<void>): Promise<void> {
  if (call.phase === 'ringing') {
    await browser.notifications.create(NOTIFICATION_ID, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('icons/icon-128.png'),
      title: t('ringTitle'),
      message: t('ringMessage', peerName(call, nicknames)),
      buttons: [{ title: t('accept') }, { title: t('decline') }],
      requireInteraction: true,
      // The ringtone is ours; a second system sound would clash.
      silent: true,
    } as browser.Notifications.CreateNotificationOptions);
    await ringtone(true);
  } else {
    await browser.notifications.clear(NOTIFICATION_ID);
    await ringtone(false);
  }
}

export interface RingButtonDeps {
  /** The setting as this worker knows it; false in a worker the click itself woke, which has not loaded it yet. */
  openCallViewOnAccept: () => boolean;
  openCallViewInGesture: () => void;
  answer: (accept: boolean) => Promise<void>;
  /** The popup is where the call's video is. */
  openPopup: () => Promise<void>;
}

/** Accept or Decline on the ring notification. */
export function answerFromNotification(id: string, button: number, deps: RingButtonDeps): void {
  if (!isRingNotification(id)) return;
  const accept = button === ACCEPT_BUTTON;
  // Before any await: the side panel opens only within the click's gesture. (A ringing call keeps the worker awake,
  // so a worker woken by the click, without the setting loaded, is rare.)
  if (accept && deps.openCallViewOnAccept()) deps.openCallViewInGesture();
  void deps.answer(accept).then(() => (accept ? deps.openPopup() : undefined));
}
