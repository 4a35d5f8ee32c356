import { describe, expect, it } from 'vitest';
import {
  clearHistory,
  EMPTY_HISTORY,
  finishedCall,
  HISTORY_LIMIT,
  MAX_MISSED_WHILE_BUSY,
  pendingFinishedCall,
  NICKNAME_MAX_LENGTH,
  recordCall,
  recordCallOnce,
  recordMissedWhileBusy,
  setNickname,
} from './call-history';
import type { CallState } from './call-state';

const BOB = 'K7QM4ZP2XWA9';
const local = { mic: true, camera: true };
const idle: CallState = { phase: 'idle', outcome: { kind: 'ended', reason: 'hung-up', peer: BOB } };

describe('call history', () => {
  it('writes down a finished call with its direction, start and length in seconds', () => {
    const active: CallState = { phase: 'active', role: 'caller', peer: BOB, callId: 'c', local, connectedAt: 10_000, remote: local, interruptedAt: null, peerOfflineAt: null };
    expect(finishedCall(active, idle, 71_400)).toEqual({ peer: BOB, direction: 'outgoing', at: 10_000, duration: 61, missed: false });
    expect(finishedCall({ ...active, role: 'callee' }, idle, 10_000)?.direction).toBe('incoming');
  });

  it('marks a ring that stopped unanswered as missed, and one we declined as not', () => {
    const ringing: CallState = { phase: 'ringing', peer: BOB, callId: 'c', since: 5, iceServers: [] };
    expect(finishedCall(ringing, { phase: 'idle', outcome: { kind: 'missed', peer: BOB } }, 9)).toEqual({ peer: BOB, direction: 'incoming', at: 5, duration: 0, missed: true });
    expect(finishedCall(ringing, { phase: 'idle' }, 9)?.missed).toBe(false);
  });

  it('writes down an accepted call that never connected as failed, and one hung up while connecting as not', () => {
    const connecting: CallState = { phase: 'connecting', role: 'caller', peer: BOB, callId: 'c', local, since: 10_000 };
    const failed: CallState = { phase: 'idle', outcome: { kind: 'ended', reason: 'connection-failed', peer: BOB } };
    expect(finishedCall(connecting, failed, 30_000)).toEqual({ peer: BOB, direction: 'outgoing', at: 10_000, duration: 0, missed: false, failed: true });
    expect(finishedCall(connecting, idle, 12_000)).not.toHaveProperty('failed');
  });

  it("keeps a guest's own name with the call, answered or missed, and none for a call without one", () => {
    const ringing: CallState = { phase: 'ringing', peer: BOB, guestName: 'Ann', callId: 'c', since: 5, iceServers: [] };
    expect(finishedCall(ringing, { phase: 'idle', outcome: { kind: 'missed', peer: BOB, guestName: 'Ann' } }, 9)).toEqual({
      peer: BOB,
      guestName: 'Ann',
      direction: 'incoming',
      at: 5,
      duration: 0,
      missed: true,
    });
    const active: CallState = { phase: 'active', role: 'callee', peer: BOB, guestName: 'Ann', callId: 'c', local, connectedAt: 10_000, remote: local, interruptedAt: null, peerOfflineAt: null };
    expect(finishedCall(active, idle, 20_000)).toMatchObject({ guestName: 'Ann', direction: 'incoming', duration: 10 });
    const connecting: CallState = { phase: 'connecting', role: 'callee', peer: BOB, guestName: 'Ann', callId: 'c', local, since: 10_000 };
    expect(finishedCall(connecting, idle, 20_000)).toMatchObject({ guestName: 'Ann', duration: 0 });
    expect(finishedCall({ ...connecting, guestName: undefined }, idle, 20_000)).not.toHaveProperty('guestName');
  });

  it('writes down an unanswered outgoing call with no duration', () => {
    const calling: CallState = { phase: 'calling', peer: BOB, callId: null, local, since: 3 };
    expect(finishedCall(calling, { phase: 'idle', outcome: { kind: 'ended', reason: 'no-answer', peer: BOB } }, 40)).toMatchObject({ direction: 'outgoing', duration: 0, missed: false });
  });

  it('writes nothing for a change that does not end a call', () => {
    const calling: CallState = { phase: 'calling', peer: BOB, callId: null, local, since: 3 };
    expect(finishedCall({ phase: 'idle' }, calling, 3)).toBeNull();
    expect(finishedCall(calling, { ...calling, callId: 'c' }, 4)).toBeNull();
    expect(finishedCall({ phase: 'idle' }, idle, 4)).toBeNull();
  });

  it('keeps the newest calls first and forgets beyond the limit', () => {
    let history = EMPTY_HISTORY;
    for (let at = 0; at < HISTORY_LIMIT + 5; at++) history = recordCall(history, { peer: BOB, direction: 'outgoing', at, duration: 0, missed: false });
    expect(history.calls).toHaveLength(HISTORY_LIMIT);
    expect(history.calls[0]!.at).toBe(HISTORY_LIMIT + 4);
    expect(history.calls.at(-1)!.at).toBe(5);
    expect(clearHistory(history).calls).toEqual([]);
  });

  it('names a code, renames it, and forgets the name when it is emptied', () => {
    const named = setNickname(EMPTY_HISTORY, BOB, '  Bob   at work ');
    expect(named).toEqual({ ok: true, history: { calls: [], nicknames: { [BOB]: 'Bob at work' } } });
    if (!named.ok) return;
    const cleared = setNickname(named.history, BOB, ' ');
    expect(cleared.ok && cleared.history.nicknames).toEqual({});
  });

  it('refuses a nickname too long or with control characters, in words, and changes nothing', () => {
    const long = setNickname(EMPTY_HISTORY, BOB, 'x'.repeat(NICKNAME_MAX_LENGTH + 1));
    expect(long).toEqual({ ok: false, message: `A nickname can be at most ${NICKNAME_MAX_LENGTH} characters.` });
    expect(setNickname(EMPTY_HISTORY, BOB, 'Bob\u0007')).toMatchObject({ ok: false, message: /control characters/ });
    expect(EMPTY_HISTORY).toEqual({ calls: [], nicknames: {} });
  });

  it('writes a call handed over twice (a replay after a worker restart) only once, even after the list was cleared', () => {
    const call = { peer: BOB, direction: 'incoming', at: 7, duration: 12, missed: false } as const;
    const once = recordCallOnce(EMPTY_HISTORY, call);
    expect(once.calls).toEqual([call]);
    expect(recordCallOnce(once, call)).toBe(once);
    expect(recordCallOnce(clearHistory(once), call).calls).toEqual([]);
    // The same person calling again later is a new call.
    expect(recordCallOnce(once, { ...call, at: 8 }).calls).toHaveLength(2);
  });

  it('keeps the call just finished with the idle state through later idle changes, and drops it when a new call starts', () => {
    const calling: CallState = { phase: 'calling', peer: BOB, callId: 'c', local, since: 3 };
    const ended = pendingFinishedCall(null, calling, idle, 40);
    expect(ended).toMatchObject({ peer: BOB, direction: 'outgoing', at: 3 });
    // Dismissing the outcome is a change within idle: the call stays pending for a replay.
    expect(pendingFinishedCall(ended, idle, { phase: 'idle' }, 50)).toBe(ended);
    expect(pendingFinishedCall(ended, { phase: 'idle' }, calling, 60)).toBeNull();
  });

  it('writes down a ring that came while in another call as missed, marked as such, with a guest\'s name', () => {
    const history = recordMissedWhileBusy(EMPTY_HISTORY, { peer: BOB, guestName: 'Ann', at: 20 });
    expect(history.calls).toEqual([{ peer: BOB, guestName: 'Ann', direction: 'incoming', at: 20, duration: 0, missed: true, whileBusy: true }]);
    expect(recordMissedWhileBusy(EMPTY_HISTORY, { peer: BOB, at: 20 }).calls[0]).not.toHaveProperty('guestName');
  });

  it('keeps the rings missed during a call above that call, which is written down when it ends', () => {
    const earlier = { peer: 'C3DF4ZP2XWA9', direction: 'outgoing', at: 1, duration: 5, missed: false } as const;
    let history = recordCall(EMPTY_HISTORY, earlier);
    history = recordMissedWhileBusy(history, { peer: BOB, at: 30 });
    history = recordMissedWhileBusy(history, { peer: BOB, at: 40 });
    const call = { peer: 'D4EF4ZP2XWA9', direction: 'incoming', at: 10, duration: 60, missed: false } as const;
    expect(recordCall(history, call).calls.map((entry) => entry.at)).toEqual([40, 30, 10, 1]);
    // A call begun after them goes on top as usual.
    expect(recordCall(history, { ...call, at: 50 }).calls.map((entry) => entry.at)).toEqual([50, 40, 30, 1]);
  });

  it(`keeps only the newest ${MAX_MISSED_WHILE_BUSY} rings missed while busy, so they never push real calls out`, () => {
    let history = EMPTY_HISTORY;
    for (let at = 0; at < HISTORY_LIMIT; at++) history = recordCall(history, { peer: BOB, direction: 'outgoing', at, duration: 3, missed: false });
    for (let at = 100; at < 100 + 3 * HISTORY_LIMIT; at++) history = recordMissedWhileBusy(history, { peer: BOB, at });
    const busy = history.calls.filter((entry) => entry.whileBusy);
    expect(busy.map((entry) => entry.at)).toEqual(Array.from({ length: MAX_MISSED_WHILE_BUSY }, (_, i) => 100 + 3 * HISTORY_LIMIT - 1 - i));
    expect(history.calls).toHaveLength(HISTORY_LIMIT);
    expect(history.calls.filter((entry) => !entry.whileBusy)).toHaveLength(HISTORY_LIMIT - MAX_MISSED_WHILE_BUSY);
  });
});
