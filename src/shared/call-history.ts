/**
 * Call history: the last calls, kept on this device only, and nicknames for
 * codes. Pure: the background feeds it each state change of the call and
 * stores what it returns; it never touches storage itself.
 */
import * as v from 'valibot';
import { type CallState, withGuestName } from './call-state';
import { EndReason } from './protocol';
import { t } from './wording';

/** Enough to find "the person from this morning" again; a diary it is not. */
export const HISTORY_LIMIT = 50;
/**
 * Rings missed while in another call kept at once: the server bounds how many arrive (10 in 10 minutes), and this
 * bounds how many a long call collects, so they never push real calls out of the list.
 */
export const MAX_MISSED_WHILE_BUSY = 10;
/** A nickname is a label on a button, not a note. */
export const NICKNAME_MAX_LENGTH = 40;
/**
 * What the nickname box accepts and the message schema lets through: well
 * past NICKNAME_MAX_LENGTH, so a name too long (spaces and all, before
 * trimming) is refused in words by setNickname, not dropped as malformed.
 */
export const NICKNAME_INPUT_LIMIT = 200;

export const HistoryEntry = v.strictObject({
  peer: v.string(),
  /** The name a guest caller gave itself, unverified (see call-state.ts). */
  guestName: v.optional(v.string()),
  direction: v.picklist(['outgoing', 'incoming']),
  /** When the call began: dialled, or started ringing. */
  at: v.number(),
  /** Seconds of conversation; 0 for a call that never connected. */
  duration: v.number(),
  missed: v.boolean(),
  /** A ring that came while this side was in another call: the caller heard "busy", this side never rang. */
  whileBusy: v.optional(v.literal(true)),
  /** Accepted, but no network path joined the two sides: a failure to show as such, not a call that took place. */
  failed: v.optional(v.literal(true)),
});
export type HistoryEntry = v.InferOutput<typeof HistoryEntry>;

export interface History {
  calls: HistoryEntry[];
  nicknames: Record<string, string>;
  /**
   * The key of the last call written down. The background may be handed the
   * same finished call again (a worker stopped between storing the call's end
   * and storing the history replays it at its next start); this is how the
   * second time is told apart. Kept when the list is cleared, so a replay
   * cannot bring a cleared call back.
   */
  lastRecorded?: string;
}

export const EMPTY_HISTORY: History = { calls: [], nicknames: {} };

/**
 * The entry a state change closes, if any: a call is written down once, when
 * it goes back to idle, from what the state held just before.
 */
export function finishedCall(before: CallState, after: CallState, now: number): HistoryEntry | null {
  if (before.phase === 'idle' || after.phase !== 'idle') return null;
  switch (before.phase) {
    case 'calling':
      return { peer: before.peer, direction: 'outgoing', at: before.since, duration: 0, missed: false };
    case 'ringing':
      // The reducer decides what counts as missed (a ring nobody answered), so a ring we declined is not.
      return {
        peer: before.peer,
        ...withGuestName(before.guestName),
        direction: 'incoming',
        at: before.since,
        duration: 0,
        missed: after.outcome?.kind === 'missed',
      };
    case 'connecting':
      return {
        peer: before.peer,
        ...withGuestName(before.guestName),
        direction: before.role === 'caller' ? 'outgoing' : 'incoming',
        at: before.since,
        duration: 0,
        missed: false,
        ...(after.outcome?.kind === 'ended' && after.outcome.reason === EndReason.ConnectionFailed && { failed: true }),
      };
    case 'active':
      return {
        peer: before.peer,
        ...withGuestName(before.guestName),
        direction: before.role === 'caller' ? 'outgoing' : 'incoming',
        at: before.connectedAt,
        duration: Math.max(0, Math.round((now - before.connectedAt) / 1000)),
        missed: false,
      };
  }
}

/**
 * The finished call to keep with the state a change leads to: the one this
 * change ended, if any; across a change that stays in the same phase, the one
 * kept before, so a worker restarted later can still write it down; none once
 * a new call starts.
 */
export function pendingFinishedCall(kept: HistoryEntry | null, before: CallState, after: CallState, now: number): HistoryEntry | null {
  return before.phase === after.phase ? kept : finishedCall(before, after, now);
}

/**
 * Newest first, at most HISTORY_LIMIT. A call is written down when it ends, after the rings missed while it went on
 * (see recordMissedWhileBusy): those came after it began, and stay above it.
 */
export function recordCall(history: History, entry: HistoryEntry): History {
  let at = 0;
  while (history.calls[at]?.whileBusy && history.calls[at]!.at > entry.at) at++;
  return { ...history, calls: [...history.calls.slice(0, at), entry, ...history.calls.slice(at)].slice(0, HISTORY_LIMIT) };
}

/**
 * Someone rang while this side was in another call: a missed call, marked as such, at the top. Only the newest
 * MAX_MISSED_WHILE_BUSY of these are kept.
 */
export function recordMissedWhileBusy(history: History, missed: { peer: string; guestName?: string; at: number }): History {
  const entry: HistoryEntry = { peer: missed.peer, ...withGuestName(missed.guestName), direction: 'incoming', at: missed.at, duration: 0, missed: true, whileBusy: true };
  let busy = 0;
  const calls = [entry, ...history.calls].filter((call) => !call.whileBusy || ++busy <= MAX_MISSED_WHILE_BUSY);
  return { ...history, calls: calls.slice(0, HISTORY_LIMIT) };
}

/** One call, one key: who, which way, and when it began (a person cannot start two calls with one code in the same millisecond). */
export function entryKey(entry: HistoryEntry): string {
  return `${entry.direction}/${entry.peer}/${entry.at}`;
}

/** Records the call unless it is the one recorded last; returns the same object when nothing changed, so the caller can skip the write. */
export function recordCallOnce(history: History, entry: HistoryEntry): History {
  const key = entryKey(entry);
  if (history.lastRecorded === key) return history;
  return { ...recordCall(history, entry), lastRecorded: key };
}

export type NicknameResult = { ok: true; history: History } | { ok: false; message: string };

/** An empty name removes the nickname; a bad one is refused in words and changes nothing. */
export function setNickname(history: History, peer: string, name: string): NicknameResult {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  const nicknames = { ...history.nicknames };
  if (trimmed === '') {
    delete nicknames[peer];
    return { ok: true, history: { ...history, nicknames } };
  }
  if (trimmed.length > NICKNAME_MAX_LENGTH) return { ok: false, message: t('nicknameTooLong', NICKNAME_MAX_LENGTH) };
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return { ok: false, message: t('nicknameControlCharacters') };
  nicknames[peer] = trimmed;
  return { ok: true, history: { ...history, nicknames } };
}

export function clearHistory(history: History): History {
  return { ...history, calls: [] };
}
