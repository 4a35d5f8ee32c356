import { describe, expect, it } from 'vitest';
import type { CallState } from './call-state';
import { describeCall, displayCode, formatDuration, partyLabel, peerName } from './describe-call';
import { ErrorCode } from './protocol';
import { t } from './wording';

const BOB = 'K7QM4ZP2XWA9';
const idleWith = (outcome: NonNullable<Extract<CallState, { phase: 'idle' }>['outcome']>): CallState => ({ phase: 'idle', outcome });

describe('the call in words', () => {
  it('names the other person by their formatted code in every phase', () => {
    const local = { mic: true, camera: true };
    expect(describeCall({ phase: 'calling', peer: BOB, callId: null, local, since: 0 })).toBe('Calling K7QM-4ZP2-XWA9…');
    expect(describeCall({ phase: 'ringing', peer: BOB, callId: 'c', since: 0, iceServers: [] })).toBe('Incoming call from K7QM-4ZP2-XWA9');
    expect(describeCall({ phase: 'connecting', role: 'caller', peer: BOB, callId: 'c', local, since: 0 })).toBe('Connecting to K7QM-4ZP2-XWA9…');
    const active = { phase: 'active', role: 'callee', peer: BOB, callId: 'c', local, connectedAt: 0, remote: local, peerOfflineAt: null } as const;
    expect(describeCall({ ...active, interruptedAt: null })).toBe('In call with K7QM-4ZP2-XWA9');
    expect(describeCall({ ...active, interruptedAt: 5 })).toBe('Reconnecting to K7QM-4ZP2-XWA9…');
  });

  it('says every way a call can fail to happen, without jargon', () => {
    const refused = (error: ErrorCode) => describeCall(idleWith({ kind: 'refused', error, peer: BOB, message: 'server words' }));
    expect(refused(ErrorCode.Unavailable)).toBe('K7QM-4ZP2-XWA9 is offline or does not exist.');
    expect(refused(ErrorCode.Busy)).toBe('K7QM-4ZP2-XWA9 is in another call.');
    expect(refused(ErrorCode.RateLimited)).toBe('Could not call K7QM-4ZP2-XWA9: server words');
    expect(describeCall(idleWith({ kind: 'ended', reason: 'declined', peer: BOB }))).toBe('K7QM-4ZP2-XWA9 declined the call.');
    expect(describeCall(idleWith({ kind: 'ended', reason: 'no-answer', peer: BOB }))).toBe('K7QM-4ZP2-XWA9 did not answer.');
    expect(describeCall(idleWith({ kind: 'missed', peer: BOB }))).toBe('Missed call from K7QM-4ZP2-XWA9.');
    expect(refused(ErrorCode.Unreachable)).toBe('Could not call K7QM-4ZP2-XWA9: server words');
    expect(describeCall(idleWith({ kind: 'ended', reason: 'connection-lost', peer: BOB, duration: 61 }))).toBe('Call ended: connection lost after 1:01.');
    expect(describeCall(idleWith({ kind: 'ended', reason: 'engine-stopped', peer: BOB }))).toMatch(/media engine stopped unexpectedly\. Call again/);
  });

  it('says a call that never connected could not connect, with what would help, and never that it ended', () => {
    const said = describeCall(idleWith({ kind: 'ended', reason: 'connection-failed', peer: BOB }));
    expect(said).toMatch(/^Could not connect to K7QM-4ZP2-XWA9\b/);
    expect(said).toMatch(/TURN server relays calls through networks that block direct paths/);
    expect(said).not.toMatch(/ended/i);
  });

  it('gives the duration of a call that ended after talking', () => {
    expect(describeCall(idleWith({ kind: 'ended', reason: 'hung-up', peer: BOB, duration: 75 }))).toBe('Call with K7QM-4ZP2-XWA9 ended after 1:15.');
    expect(describeCall(idleWith({ kind: 'ended', reason: 'connection-lost', peer: BOB, duration: 5 }))).toBe(
      'Call ended: connection lost after 0:05.',
    );
  });

  it('formats durations as a call timer does', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59.9)).toBe('0:59');
    expect(formatDuration(3600 + 62)).toBe('1:01:02');
  });

  it('shows what cannot be parsed as it was given, rather than hiding it', () => {
    expect(displayCode('not-a-code')).toBe('not-a-code');
  });

  it('names the other person by the nickname given to their code, wherever the call is described', () => {
    const names = { [BOB]: 'Bob' };
    expect(peerName({ peer: BOB }, names)).toBe('Bob');
    expect(peerName({ peer: 'C3DF4ZP2XWA9' }, names)).toBe('C3DF-4ZP2-XWA9');
    expect(describeCall({ phase: 'ringing', peer: BOB, callId: 'c', since: 0, iceServers: [] }, names)).toBe('Incoming call from Bob');
    expect(describeCall(idleWith({ kind: 'missed', peer: BOB }), names)).toBe('Missed call from Bob.');
  });

  describe('a guest who gave a name', () => {
    const ANN = { peer: BOB, guestName: 'Ann' };
    const local = { mic: true, camera: true };

    it('is "Guest: <name>", marked unverified, with the code beside it, wherever the call is described', () => {
      expect(peerName(ANN)).toBe('Guest: Ann (unverified name, code K7QM-4ZP2-XWA9)');
      expect(describeCall({ phase: 'ringing', ...ANN, callId: 'c', since: 0, iceServers: [] })).toBe(
        'Incoming call from Guest: Ann (unverified name, code K7QM-4ZP2-XWA9)',
      );
      expect(describeCall({ phase: 'connecting', role: 'callee', ...ANN, callId: 'c', local, since: 0 })).toBe(
        'Connecting to Guest: Ann (unverified name, code K7QM-4ZP2-XWA9)…',
      );
      const active = { phase: 'active', role: 'callee', ...ANN, callId: 'c', local, connectedAt: 0, remote: local, peerOfflineAt: null } as const;
      expect(describeCall({ ...active, interruptedAt: null })).toBe('In call with Guest: Ann (unverified name, code K7QM-4ZP2-XWA9)');
      // The ring notification says it the same way.
      expect(t('ringMessage', peerName(ANN))).toBe('Guest: Ann (unverified name, code K7QM-4ZP2-XWA9) is calling you.');
    });

    it('is named so in the sentences that end its call', () => {
      expect(describeCall(idleWith({ kind: 'missed', ...ANN }))).toBe('Missed call from Guest: Ann (unverified name, code K7QM-4ZP2-XWA9).');
      expect(describeCall(idleWith({ kind: 'ended', reason: 'hung-up', ...ANN, duration: 75 }))).toBe(
        'Call with Guest: Ann (unverified name, code K7QM-4ZP2-XWA9) ended after 1:15.',
      );
    });

    it('gives way to the nickname the person gave that code', () => {
      const names = { [BOB]: 'Bob' };
      expect(peerName(ANN, names)).toBe('Bob');
      expect(partyLabel(ANN, names)).toEqual({ kind: 'nickname', name: 'Bob' });
      expect(describeCall(idleWith({ kind: 'missed', ...ANN }), names)).toBe('Missed call from Bob.');
    });

    it('is text as typed: markup and dollar signs are not read as anything', () => {
      expect(peerName({ peer: BOB, guestName: '<img src=x onerror=alert(1)> $1 $$' })).toBe(
        'Guest: <img src=x onerror=alert(1)> $1 $$ (unverified name, code K7QM-4ZP2-XWA9)',
      );
    });

    it('labels the party for the call view: nickname, guest name, or the bare code', () => {
      expect(partyLabel(ANN)).toEqual({ kind: 'guest', name: 'Ann' });
      expect(partyLabel({ peer: BOB })).toEqual({ kind: 'code' });
    });
  });
});
