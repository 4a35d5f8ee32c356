/**
 * The block list, kept in storage.local: it is the person's, so it outlives
 * the worker and the browser. The server only holds a copy while this code is
 * online, handed over with every registration. The worker is its only writer.
 */
import browser from 'webextension-polyfill';
import { blockCode, type BlockResult, storedBlockList, unblockCode } from '../shared/block-list';
import type { CallCode } from '../shared/call-code';

const KEY = 'blockedCodes';

export interface BlockListStore {
  state: () => readonly string[];
  has: (code: string) => boolean;
  /** Refused in words when the list is full; nothing is stored then. */
  block: (code: CallCode) => Promise<BlockResult>;
  unblock: (code: CallCode) => Promise<void>;
}

export async function loadBlockList(log: (message: string) => void): Promise<BlockListStore> {
  const stored = storedBlockList((await browser.storage.local.get(KEY))[KEY] ?? []);
  if (!stored) log('The stored block list was unreadable; starting a new one.');
  let current: string[] = stored ?? [];
  const save = async (next: string[]) => {
    current = next;
    await browser.storage.local.set({ [KEY]: next });
  };
  return {
    state: () => current,
    has: (code) => current.includes(code),
    async block(code) {
      const result = blockCode(current, code);
      if (result.ok) await save(result.blocked);
      return result;
    },
    async unblock(code) {
      await save(unblockCode(current, code));
    },
  };
}
