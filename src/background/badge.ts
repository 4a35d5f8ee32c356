/** The toolbar badge says what the call is doing, so a glance at the toolbar is enough. */
import browser from 'webextension-polyfill';
import type { CallState } from '../shared/call-state';

const BADGES: Record<CallState['phase'], { text: string; color: string; title: string }> = {
  idle: { text: '', color: '#0F766E', title: 'PeerDial' },
  calling: { text: 'CALL', color: '#2563EB', title: 'PeerDial: calling…' },
  ringing: { text: 'RING', color: '#DC2626', title: 'PeerDial: incoming call' },
  connecting: { text: '…', color: '#2563EB', title: 'PeerDial: connecting…' },
  active: { text: 'LIVE', color: '#16A34A', title: 'PeerDial: in a call' },
};

export async function showCallOnBadge(call: CallState): Promise<void> {
  const badge = BADGES[call.phase];
  await Promise.all([
    browser.action.setBadgeText({ text: badge.text }),
    browser.action.setBadgeBackgroundColor({ color: badge.color }),
    browser.action.setTitle({ title: badge.title }),
  ]);
}
