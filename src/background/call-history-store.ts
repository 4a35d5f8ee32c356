/**
 * The call history and nicknames, kept in storage.local: they belong to the
 * person, not to a browser session, so they outlive the browser as well as
 * the worker. The worker is their only writer; the popup sees them in the view.
 */
import browser from 'webextension-polyfill';
import { clearHistory, EMPTY_HISTORY, type History, type HistoryEntry, type NicknameResult, recordCallOnce, recordMissedWhileBusy, setNickname } from '../shared/call-history';

const KEY = 'callHistory';

export interface CallHistoryStore {
  state: () => History;
  /** Safe to call again with the same call: it is written down once (see recordCallOnce). True when the history changed. */
  record: (entry: HistoryEntry) => Promise<boolean>;
  /** Someone rang while this side was in another call: a missed call, marked so. */
  recordMissedWhileBusy: (missed: Parameters<typeof recordMissedWhileBusy>[1]) => Promise<void>;
  /** An empty name removes the nickname; a bad one is refused in words and nothing is stored. */
  setNickname: (peer: string, name: string) => Promise<NicknameResult>;
  clear: () => Promise<void>;
}

function isHistory(value: unknown): value is History {
  const history = value as Partial<History> | null | undefined;
  return Array.isArray(history?.calls) && typeof history.nicknames === 'object' && history.nicknames !== null;
}

export async function loadCallHistory(log: (message: string) => void): Promise<CallHistoryStore> {
  const stored = (await browser.storage.local.get(KEY))[KEY];
  if (stored !== undefined && !isHistory(stored)) log('The stored call history was unreadable; starting a new one.');
  let current: History = isHistory(stored) ? stored : EMPTY_HISTORY;
  // One set() per change, of the whole history: a single key is written atomically, so calls and the replay guard never disagree.
  const save = async (next: History): Promise<boolean> => {
    if (next === current) return false;
    current = next;
    await browser.storage.local.set({ [KEY]: current });
    return true;
  };
  return {
    state: () => current,
    record: (entry) => save(recordCallOnce(current, entry)),
    async recordMissedWhileBusy(missed) {
      await save(recordMissedWhileBusy(current, missed));
    },
    async setNickname(peer, name) {
      const result = setNickname(current, peer, name);
      if (result.ok) await save(result.history);
      return result;
    },
    async clear() {
      await save(clearHistory(current));
    },
  };
}
