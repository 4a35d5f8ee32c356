/** The tab the popup was opened over: the one "Share this tab" means. */
import browser from 'webextension-polyfill';
import type { TabRef } from '../shared/runtime-messages';

export async function currentTab(): Promise<TabRef | null> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  // Title is there when the person clicked the toolbar icon on this tab (activeTab); otherwise the popup says "a tab".
  return tab?.id !== undefined && tab.id >= 0 ? { id: tab.id, title: tab.title ?? null } : null;
}
