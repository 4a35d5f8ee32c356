/**
 * "Share this tab" without opening the popup: the keyboard command and the
 * page's context menu. Both count as invoking PeerDial on that tab, which is
 * what lets tabCapture capture it.
 */
import browser from 'webextension-polyfill';
import type { Reply, TabRef } from '../shared/runtime-messages';
import { t } from '../shared/wording';

/** The manifest's `commands` key. */
export const SHARE_TAB_COMMAND = 'share-tab';
const SHARE_TAB_MENU = 'share-tab';
const PROBLEM_NOTIFICATION = 'share-problem';

/** Context menu items outlive the worker; they are made once per install or update. */
export function createShareMenu(): void {
  browser.contextMenus.create({ id: SHARE_TAB_MENU, title: t('menuShareTab'), contexts: ['page'] }, () => {
    // Already there from an earlier start: nothing to do.
    void browser.runtime.lastError;
  });
}

function tabRef(tab: browser.Tabs.Tab | undefined): TabRef | null {
  return tab?.id !== undefined && tab.id >= 0 ? { id: tab.id, title: tab.title ?? null } : null;
}

/** With no popup open, a refusal ("not in a call") is said in a notification. */
async function sayProblem(reply: Reply): Promise<void> {
  if (reply.ok) return;
  await browser.notifications.create(PROBLEM_NOTIFICATION, {
    type: 'basic',
    iconUrl: browser.runtime.getURL('icons/icon-128.png'),
    title: t('shareTabRefusedTitle'),
    message: reply.message,
  });
}

/** Registered at the worker's top level, so a command or click wakes it. */
export function listenForShareShortcuts(shareTab: (tab: TabRef) => Promise<Reply>): void {
  const share = (tab: browser.Tabs.Tab | undefined) => {
    const ref = tabRef(tab);
    if (ref) void shareTab(ref).then(sayProblem);
  };
  browser.commands.onCommand.addListener((command, tab) => {
    if (command === SHARE_TAB_COMMAND) share(tab);
  });
  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === SHARE_TAB_MENU) share(tab);
  });
}
