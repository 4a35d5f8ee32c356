/**
 * Where the call lives between worker lifetimes. Chrome stops an idle worker
 * at will; storage.session survives that (and is cleared with the browser,
 * as a call is), so the worker reloads the call from here on every start.
 */
import type { HistoryEntry } from '../shared/call-history';
import type { QualityLevel } from '../shared/call-quality';
import { type CallState, IDLE } from '../shared/call-state';
import { NOT_SHARING, type ShareState } from '../shared/share-state';
import type { StorageArea } from './storage-area';

export interface CallRecord {
  call: CallState;
  mediaNotice: string | null;
  share: ShareState;
  /**
   * The call the last change of phase ended, stored in the same write as the
   * idle state it led to: a worker stopped before the history was written
   * finds it here at its next start and writes it then.
   */
  finished: HistoryEntry | null;
  /** The connected call's quality level as the offscreen document last sent it (it sends only changes, so a restarted worker must not forget it). */
  quality: QualityLevel | null;
}

const KEY = 'callRecord';

/** `storage` is browser.storage.session in the extension. */
export async function loadCallRecord(storage: StorageArea): Promise<CallRecord> {
  const stored = await storage.get(KEY);
  // Spread over the defaults: a record saved by an older version has no `share`, `finished` or `quality`.
  return { call: IDLE, mediaNotice: null, share: NOT_SHARING, finished: null, quality: null, ...(stored[KEY] as Partial<CallRecord> | undefined) };
}

export function saveCallRecord(storage: StorageArea, record: CallRecord): Promise<void> {
  return storage.set({ [KEY]: record });
}
