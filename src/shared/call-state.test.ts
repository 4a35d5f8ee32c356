import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  CallState,
  CONNECT_TIMEOUT_MS,
  IDLE,
  MEDIA_RECOVERY_TIMEOUT_MS,
  nextDeadline,
  PEER_GONE_TIMEOUT_MS,
  RELAY_RETRY_MS,
  transition,
  UNANSWERED_RING_MS,
  type CallCommand,
  type CallEvent,
  type Transition,
} from './call-state';
import { ErrorCode, EndReason } from './protocol';

const ALICE = 'K7QM4ZP2XWA9';
const BOB = '0123456789AB';
const CAROL = 'ZZZZ00001111';
const CALL = 'call-id-0000000001';
const OTHER_CALL = 'call-id-0000000002';
const BOTH_ON = { mic: true, camera: true };
const STUN = [{ urls: ['stun:stun.example.com:3478'] }];
/** What a ring within its budget, an accept and a renewal give: STUN, and a relay credential made for this party. */
const RELAYS = [...STUN, { urls: ['turn:turn.example.com:3478'], username: '1700000000:K7QM4ZP2XWA9', credential: 'secret' }];
const FRESH_RELAYS = [...STUN, { urls: ['turn:turn.example.com:3478'], username: '1700000400:K7QM4ZP2XWA9', credential: 'fresh' }];
const TEN_MINUTES = 600_000;

/** Feeds events one by one, as the background would, and returns the last step. */
function play(state: CallState, ...events: CallEvent[]): Transition {
  let step: Transition = { state, commands: [] };
  for (const event of events) step = transition(step.state, event);
  return step;
}

// Paths to each phase through real events, so the tests also prove those paths exist.
const dialled = (peer = BOB) => play(IDLE, { type: 'dial', peer, now: 1_000 }).state;
const calling = (peer = BOB, callId = CALL) =>
  play(dialled(peer), { type: 'ring-answered', peer, result: { ok: true, callId, iceServers: RELAYS } }).state;
const ringing = (from = ALICE, callId = CALL) => play(IDLE, { type: 'incoming', callId, from, now: 1_000, iceServers: STUN }).state;
const connectingAsCaller = () => play(calling(), { type: 'accepted', callId: CALL, now: 2_000 }).state;
const connectingAsCallee = () => play(ringing(), { type: 'accept', now: 2_000 }).state;
const active = () => play(connectingAsCaller(), { type: 'media-connected', now: 10_000 }).state;

describe('dialling', () => {
  it('dial from idle starts calling: rings the peer and starts media so the offer is ready on accept', () => {
    const { state, commands } = transition(IDLE, { type: 'dial', peer: BOB, now: 1_000 });
    expect(state).toEqual({ phase: 'calling', peer: BOB, callId: null, local: BOTH_ON, since: 1_000 });
    expect(commands).toEqual([
      { type: 'send-ring', peer: BOB },
      { type: 'start-media', role: 'caller', local: BOTH_ON },
    ]);
  });

  it('a data-only dial ("Send a file") starts without camera or microphone', () => {
    const none = { mic: false, camera: false };
    const { state, commands } = transition(IDLE, { type: 'dial', peer: BOB, now: 1_000, local: none });
    expect(state).toMatchObject({ phase: 'calling', local: none });
    expect(commands).toContainEqual({ type: 'start-media', role: 'caller', local: none });
  });

  it('dial clears the outcome of the previous call', () => {
    const ended = play(active(), { type: 'hangup', now: 20_000 }).state;
    expect(transition(ended, { type: 'dial', peer: CAROL, now: 30_000 }).state).not.toHaveProperty('outcome');
  });

  it('dial is ignored while any call is under way', () => {
    for (const state of [calling(), ringing(), connectingAsCaller(), active()]) {
      expect(transition(state, { type: 'dial', peer: CAROL, now: 5_000 })).toEqual({ state, commands: [] });
    }
  });

  it("the server's ring ack records the call id and builds the peer connection with the relays it names", () => {
    const { state, commands } = transition(dialled(), { type: 'ring-answered', peer: BOB, result: { ok: true, callId: CALL, iceServers: RELAYS } });
    expect(state).toMatchObject({ phase: 'calling', peer: BOB, callId: CALL });
    expect(commands).toEqual([{ type: 'connect-peer', role: 'caller', iceServers: RELAYS }]);
  });

  for (const error of [ErrorCode.Unavailable, ErrorCode.Busy]) {
    it(`a ring refused as ${error} returns to idle with a 'refused' outcome and stops media`, () => {
      const message = `${BOB} is ${error}`;
      const { state, commands } = transition(dialled(), { type: 'ring-answered', peer: BOB, result: { ok: false, error, message } });
      expect(state).toEqual({ phase: 'idle', outcome: { kind: 'refused', error, peer: BOB, message } });
      expect(commands).toEqual([{ type: 'stop-media' }]);
    });
  }

  it('accepted moves the caller to connecting, with nothing to send: the offer went with the ring', () => {
    const { state, commands } = transition(calling(), { type: 'accepted', callId: CALL, now: 2_000 });
    expect(state).toEqual({ phase: 'connecting', role: 'caller', peer: BOB, callId: CALL, local: BOTH_ON, since: 2_000 });
    expect(commands).toEqual([]);
  });

  it('an accepted for another call id is ignored', () => {
    const state = calling();
    expect(transition(state, { type: 'accepted', callId: OTHER_CALL, now: 2_000 })).toEqual({ state, commands: [] });
  });

  it('an accepted that arrives before the ring ack is ignored, since the call id is not yet known', () => {
    const state = dialled();
    expect(transition(state, { type: 'accepted', callId: CALL, now: 2_000 })).toEqual({ state, commands: [] });
  });

  it('media-connected makes the call active with the remote assumed on until told otherwise', () => {
    const { state, commands } = transition(connectingAsCaller(), { type: 'media-connected', now: 10_000 });
    expect(state).toEqual({
      phase: 'active',
      role: 'caller',
      peer: BOB,
      callId: CALL,
      local: BOTH_ON,
      connectedAt: 10_000,
      remote: BOTH_ON,
      interruptedAt: null,
      peerOfflineAt: null,
    });
    expect(commands).toEqual([]);
  });

  it('media-connected is ignored outside connecting, and changes nothing while media flows', () => {
    for (const state of [IDLE, calling(), ringing(), active()]) {
      expect(transition(state, { type: 'media-connected', now: 11_000 })).toEqual({ state, commands: [] });
    }
  });

  it('the callee declining ends the call with the reason, without a duration, and stops media', () => {
    const { state, commands } = transition(calling(), { type: 'ended', callId: CALL, reason: EndReason.Declined, now: 3_000 });
    expect(state).toEqual({ phase: 'idle', outcome: { kind: 'ended', reason: 'declined', peer: BOB, duration: undefined } });
    expect(commands).toEqual([{ type: 'stop-media' }]);
  });

  it('a ring nobody answers ends as no-answer for the caller', () => {
    const { state } = transition(calling(), { type: 'ended', callId: CALL, reason: EndReason.NoAnswer, now: 31_000 });
    expect(state).toMatchObject({ phase: 'idle', outcome: { kind: 'ended', reason: 'no-answer', peer: BOB } });
  });
});

describe('cancelling a ring', () => {
  it('hang-up while calling cancels: sends hang-up for the known call and stops media', () => {
    const { state, commands } = transition(calling(), { type: 'hangup', now: 3_000 });
    expect(state).toEqual({ phase: 'idle', outcome: { kind: 'ended', reason: 'cancelled', peer: BOB, duration: undefined } });
    expect(commands).toEqual([{ type: 'send-hangup', callId: CALL }, { type: 'stop-media' }]);
  });

  it('hang-up before the ring ack cannot name the call, so it only stops media', () => {
    const { state, commands } = transition(dialled(), { type: 'hangup', now: 1_500 });
    expect(state).toMatchObject({ phase: 'idle', outcome: { kind: 'ended', reason: 'cancelled', peer: BOB } });
    expect(commands).toEqual([{ type: 'stop-media' }]);
  });

  it('a ring ack that arrives after the cancel is withdrawn with send-hangup, so the callee stops ringing', () => {
    const cancelled = play(dialled(), { type: 'hangup', now: 1_500 }).state;
    const { state, commands } = transition(cancelled, { type: 'ring-answered', peer: BOB, result: { ok: true, callId: CALL, iceServers: RELAYS } });
    expect(state).toBe(cancelled);
    expect(commands).toEqual([{ type: 'send-hangup', callId: CALL }]);
  });

  it('a late ack for an earlier ring to someone else is withdrawn, and the current ring keeps waiting', () => {
    const now = play(dialled(BOB), { type: 'hangup', now: 1_500 }, { type: 'dial', peer: CAROL, now: 1_600 }).state;
    const { state, commands } = transition(now, { type: 'ring-answered', peer: BOB, result: { ok: true, callId: OTHER_CALL, iceServers: RELAYS } });
    expect(state).toBe(now);
    expect(state).toMatchObject({ phase: 'calling', peer: CAROL, callId: null });
    expect(commands).toEqual([{ type: 'send-hangup', callId: OTHER_CALL }]);
  });

  it('a late refusal of a ring already given up on changes nothing', () => {
    const cancelled = play(dialled(), { type: 'hangup', now: 1_500 }).state;
    const refusal = { ok: false as const, error: ErrorCode.Busy, message: 'busy' };
    expect(transition(cancelled, { type: 'ring-answered', peer: BOB, result: refusal })).toEqual({ state: cancelled, commands: [] });
  });

  it('a second ack for a ring that already has its call id is withdrawn, not adopted', () => {
    const state = calling();
    const { state: next, commands } = transition(state, { type: 'ring-answered', peer: BOB, result: { ok: true, callId: OTHER_CALL, iceServers: RELAYS } });
    expect(next).toBe(state);
    expect(commands).toEqual([{ type: 'send-hangup', callId: OTHER_CALL }]);
  });
});

describe('being called', () => {
  it('incoming while idle rings, sends nothing, and prepares the peer connection with the relays the ring named', () => {
    const { state, commands } = transition(IDLE, { type: 'incoming', callId: CALL, from: ALICE, now: 1_000, iceServers: STUN });
    expect(state).toEqual({ phase: 'ringing', peer: ALICE, callId: CALL, since: 1_000, iceServers: STUN });
    expect(commands).toEqual([{ type: 'prepare-peer', callId: CALL, iceServers: STUN }]);
  });

  it('incoming while idle after a previous call drops the old outcome', () => {
    const idle = { phase: 'idle' as const, outcome: { kind: 'missed' as const, peer: CAROL } };
    expect(transition(idle, { type: 'incoming', callId: CALL, from: ALICE, now: 1_000, iceServers: STUN }).state).not.toHaveProperty('outcome');
  });

  it('incoming during another call is declined automatically and the current call is untouched', () => {
    for (const state of [calling(CAROL), ringing(CAROL, OTHER_CALL), connectingAsCaller(), connectingAsCallee(), active()]) {
      const call = 'call-id-intruder-01';
      const { state: next, commands } = transition(state, { type: 'incoming', callId: call, from: 'INTRVDER0000', now: 5_000, iceServers: STUN });
      expect(next).toBe(state);
      expect(commands).toEqual([{ type: 'send-decline', callId: call }]);
    }
  });

  it('a repeated incoming for the call already held is not mistaken for another call and declined', () => {
    // The server may announce a call again, e.g. when the worker restarted and registered anew mid-ring.
    for (const state of [ringing(), connectingAsCallee()]) {
      expect(transition(state, { type: 'incoming', callId: CALL, from: ALICE, now: 1_500, iceServers: STUN })).toEqual({ state, commands: [] });
    }
  });

  it('accept moves the callee to connecting: sends accept, lets the prepared answer follow it, starts media and builds the peer connection if none was prepared', () => {
    const { state, commands } = transition(ringing(), { type: 'accept', now: 2_000 });
    expect(state).toEqual({ phase: 'connecting', role: 'callee', peer: ALICE, callId: CALL, local: BOTH_ON, since: 2_000 });
    expect(commands).toEqual([
      { type: 'send-accept', callId: CALL },
      { type: 'release-peer' },
      { type: 'start-media', role: 'callee', local: BOTH_ON },
      { type: 'connect-peer', role: 'callee', iceServers: STUN },
    ]);
  });

  it("the server's acceptance without a relay (no TURN server) changes nothing: the peer connection is already under way", () => {
    const state = connectingAsCallee();
    expect(transition(state, { type: 'accept-answered', callId: CALL, now: 2_100, result: { ok: true, iceServers: STUN } })).toEqual({ state, commands: [] });
  });

  it('an accept the server refuses (the caller gave up that instant) is a missed call and stops media', () => {
    const refused = { ok: false as const, error: ErrorCode.NoSuchCall, message: 'That call is over.' };
    const { state, commands } = transition(connectingAsCallee(), { type: 'accept-answered', callId: CALL, now: 2_100, result: refused });
    expect(state).toEqual({ phase: 'idle', outcome: { kind: 'missed', peer: ALICE } });
    expect(commands).toEqual([{ type: 'stop-media' }]);
  });

  it('an accept ack for another call, or reaching a caller, is ignored', () => {
    for (const state of [connectingAsCallee(), connectingAsCaller(), IDLE]) {
      const stale = transition(state, { type: 'accept-answered', callId: OTHER_CALL, now: 2_100, result: { ok: true, iceServers: RELAYS, relayTtlMs: TEN_MINUTES } });
      expect(stale).toEqual({ state, commands: [] });
    }
    const caller = connectingAsCaller();
    expect(transition(caller, { type: 'accept-answered', callId: CALL, now: 2_100, result: { ok: true, iceServers: RELAYS, relayTtlMs: TEN_MINUTES } })).toEqual({
      state: caller,
      commands: [],
    });
  });

  it('accept and decline are ignored unless ringing', () => {
    for (const state of [IDLE, calling(), connectingAsCaller(), active()]) {
      expect(transition(state, { type: 'accept', now: 2_000 })).toEqual({ state, commands: [] });
      expect(transition(state, { type: 'decline' })).toEqual({ state, commands: [] });
    }
  });

  it('decline while ringing returns to idle, tells the server and discards the prepared peer connection', () => {
    expect(transition(ringing(), { type: 'decline' })).toEqual({ state: IDLE, commands: [{ type: 'send-decline', callId: CALL }, { type: 'stop-media' }] });
  });

  it('hang-up while ringing is a decline', () => {
    expect(transition(ringing(), { type: 'hangup', now: 2_000 })).toEqual(transition(ringing(), { type: 'decline' }));
  });

  for (const reason of [EndReason.Cancelled, EndReason.NoAnswer, EndReason.Gone]) {
    it(`a ring that ends as ${reason} before it is answered is a missed call, and its prepared peer connection goes`, () => {
      const { state, commands } = transition(ringing(), { type: 'ended', callId: CALL, reason, now: 5_000 });
      expect(state).toEqual({ phase: 'idle', outcome: { kind: 'missed', peer: ALICE } });
      expect(commands).toEqual([{ type: 'stop-media' }]);
    });
  }

  it('an ended for another call while ringing is ignored', () => {
    const state = ringing();
    expect(transition(state, { type: 'ended', callId: OTHER_CALL, reason: EndReason.Cancelled, now: 5_000 })).toEqual({
      state,
      commands: [],
    });
  });
});

describe("a guest caller's name", () => {
  const GUEST = 'Ann from the bakery';
  const guestRinging = () => play(IDLE, { type: 'incoming', callId: CALL, from: ALICE, now: 1_000, iceServers: STUN, name: GUEST }).state;
  const guestActive = () => play(guestRinging(), { type: 'accept', now: 2_000 }, { type: 'media-connected', now: 10_000 }).state;

  it('the guest page rings with its name; a dial without one (the extension\'s) rings without a name field at all', () => {
    const named = transition(IDLE, { type: 'dial', peer: BOB, now: 1_000, name: GUEST });
    expect(named.commands[0]).toEqual({ type: 'send-ring', peer: BOB, name: GUEST });
    const plain = transition(IDLE, { type: 'dial', peer: BOB, now: 1_000 });
    expect(plain.commands[0]).not.toHaveProperty('name');
  });

  it('rings with the name the server passed on, and a ring without one has no guest name', () => {
    expect(guestRinging()).toEqual({ phase: 'ringing', peer: ALICE, guestName: GUEST, callId: CALL, since: 1_000, iceServers: STUN });
    expect(ringing()).not.toHaveProperty('guestName');
  });

  it('keeps the name from Accept through connecting into the call, and through what happens in it', () => {
    const connecting = play(guestRinging(), { type: 'accept', now: 2_000 }).state;
    expect(connecting).toMatchObject({ phase: 'connecting', peer: ALICE, guestName: GUEST });
    const inCall = play(guestActive(), { type: 'set-mic', on: false }, { type: 'media-lost', now: 11_000 }, { type: 'peer-status', online: false, now: 11_500 }).state;
    expect(inCall).toMatchObject({ phase: 'active', peer: ALICE, guestName: GUEST, interruptedAt: 11_000 });
    expect(connectingAsCallee()).not.toHaveProperty('guestName');
    expect(active()).not.toHaveProperty('guestName');
  });

  it('a guest who calls while this side is calling that very code joins with its name', () => {
    const joined = play(calling(ALICE, OTHER_CALL), { type: 'incoming', callId: CALL, from: ALICE, now: 1_200, iceServers: STUN, name: GUEST }).state;
    expect(joined).toMatchObject({ phase: 'connecting', role: 'callee', guestName: GUEST });
  });

  it("every way the guest's call ends keeps the name for the sentence that says so", () => {
    const missed = { kind: 'missed', peer: ALICE, guestName: GUEST };
    expect(transition(guestRinging(), { type: 'ended', callId: CALL, reason: EndReason.Cancelled, now: 5_000 }).state).toEqual({ phase: 'idle', outcome: missed });
    expect(transition(guestRinging(), { type: 'deadline', now: 1_000 + UNANSWERED_RING_MS }).state).toEqual({ phase: 'idle', outcome: missed });
    const refused = { ok: false as const, error: ErrorCode.NoSuchCall, message: 'That call is over.' };
    expect(play(guestRinging(), { type: 'accept', now: 2_000 }, { type: 'accept-answered', callId: CALL, now: 2_100, result: refused }).state).toEqual({
      phase: 'idle',
      outcome: missed,
    });

    const ended = (reason: string, duration?: number) => ({ phase: 'idle', outcome: { kind: 'ended', reason, peer: ALICE, guestName: GUEST, duration } });
    expect(transition(guestActive(), { type: 'hangup', now: 15_000 }).state).toEqual(ended('hung-up', 5));
    expect(transition(guestActive(), { type: 'ended', callId: CALL, reason: EndReason.HungUp, now: 16_000 }).state).toEqual(ended('hung-up', 6));
    expect(play(guestActive(), { type: 'media-lost', now: 11_000 }, { type: 'deadline', now: 11_000 + MEDIA_RECOVERY_TIMEOUT_MS }).state).toEqual(
      ended('connection-lost', 31),
    );
    expect(transition(guestActive(), { type: 'engine-lost', now: 12_000 }).state).toEqual(ended('engine-stopped', 2));
  });

  it('a declined guest leaves no outcome behind, name or not', () => {
    expect(transition(guestRinging(), { type: 'decline' }).state).toEqual(IDLE);
  });

  it('the stored and published state keeps the name through its schema', () => {
    for (const state of [guestRinging(), guestActive(), transition(guestActive(), { type: 'hangup', now: 15_000 }).state]) {
      expect(v.parse(CallState, state)).toEqual(state);
    }
  });
});

describe('both calling each other at once', () => {
  it("incoming from the peer you are calling joins their call as callee and withdraws your own ring", () => {
    const state = calling(ALICE, OTHER_CALL);
    const { state: next, commands } = transition(state, { type: 'incoming', callId: CALL, from: ALICE, now: 1_200, iceServers: STUN });
    expect(next).toEqual({ phase: 'connecting', role: 'callee', peer: ALICE, callId: CALL, local: BOTH_ON, since: 1_200 });
    expect(commands).toEqual([
      { type: 'send-hangup', callId: OTHER_CALL },
      { type: 'send-accept', callId: CALL },
      { type: 'start-media', role: 'callee', local: BOTH_ON },
      { type: 'connect-peer', role: 'callee', iceServers: STUN },
    ]);
  });

  it('before your ring is acked there is nothing to withdraw yet; the late ack is withdrawn then', () => {
    const crossed = play(dialled(ALICE), { type: 'incoming', callId: CALL, from: ALICE, now: 1_200, iceServers: STUN });
    expect(crossed.state).toMatchObject({ phase: 'connecting', role: 'callee', callId: CALL });
    expect(crossed.commands).toEqual([
      { type: 'send-accept', callId: CALL },
      { type: 'start-media', role: 'callee', local: BOTH_ON },
      { type: 'connect-peer', role: 'callee', iceServers: STUN },
    ]);
    const late = transition(crossed.state, { type: 'ring-answered', peer: ALICE, result: { ok: true, callId: OTHER_CALL, iceServers: RELAYS } });
    expect(late).toEqual({ state: crossed.state, commands: [{ type: 'send-hangup', callId: OTHER_CALL }] });
  });

  it('keeps the mute and camera choices made while calling', () => {
    const muted = play(calling(ALICE, OTHER_CALL), { type: 'set-mic', on: false }).state;
    const { state, commands } = transition(muted, { type: 'incoming', callId: CALL, from: ALICE, now: 1_200, iceServers: STUN });
    expect(state).toMatchObject({ local: { mic: false, camera: true } });
    expect(commands).toContainEqual({ type: 'start-media', role: 'callee', local: { mic: false, camera: true } });
  });

  it('the ended of your withdrawn ring does not end the call you joined', () => {
    const joined = play(calling(ALICE, OTHER_CALL), { type: 'incoming', callId: CALL, from: ALICE, now: 1_200, iceServers: STUN }).state;
    expect(transition(joined, { type: 'ended', callId: OTHER_CALL, reason: EndReason.Cancelled, now: 1_300 })).toEqual({
      state: joined,
      commands: [],
    });
  });
});

describe('ending a call', () => {
  it('ended while active reports the duration in whole seconds and stops media', () => {
    const { state, commands } = transition(active(), { type: 'ended', callId: CALL, reason: EndReason.HungUp, now: 10_000 + 83_400 });
    expect(state).toEqual({ phase: 'idle', outcome: { kind: 'ended', reason: 'hung-up', peer: BOB, duration: 83 } });
    expect(commands).toEqual([{ type: 'stop-media' }]);
  });

  it('ended while connecting reports no duration, since no one talked', () => {
    const { state, commands } = transition(connectingAsCallee(), { type: 'ended', callId: CALL, reason: EndReason.HungUp, now: 4_000 });
    expect(state).toEqual({ phase: 'idle', outcome: { kind: 'ended', reason: 'hung-up', peer: ALICE, duration: undefined } });
    expect(commands).toEqual([{ type: 'stop-media' }]);
  });

  it('a late ended for another call id is ignored in every phase', () => {
    for (const state of [IDLE, calling(), connectingAsCaller(), active()]) {
      expect(transition(state, { type: 'ended', callId: OTHER_CALL, reason: EndReason.HungUp, now: 50_000 })).toEqual({
        state,
        commands: [],
      });
    }
  });

  it('hang-up while active sends hang-up, stops media and reports the duration', () => {
    const { state, commands } = transition(active(), { type: 'hangup', now: 10_000 + 5_600 });
    expect(state).toEqual({ phase: 'idle', outcome: { kind: 'ended', reason: 'hung-up', peer: BOB, duration: 6 } });
    expect(commands).toEqual([{ type: 'send-hangup', callId: CALL }, { type: 'stop-media' }]);
  });

  it('hang-up while connecting sends hang-up and stops media, with no duration', () => {
    const { state, commands } = transition(connectingAsCaller(), { type: 'hangup', now: 3_000 });
    expect(state).toEqual({ phase: 'idle', outcome: { kind: 'ended', reason: 'hung-up', peer: BOB, duration: undefined } });
    expect(commands).toEqual([{ type: 'send-hangup', callId: CALL }, { type: 'stop-media' }]);
  });

  it('hang-up while idle does nothing and keeps the outcome on screen', () => {
    const idle = play(active(), { type: 'hangup', now: 20_000 }).state;
    expect(transition(idle, { type: 'hangup', now: 21_000 })).toEqual({ state: idle, commands: [] });
  });

  it("a deadline reached while connecting ends as 'connection-failed' and tells the server why with the hang-up", () => {
    const { state, commands } = transition(connectingAsCallee(), { type: 'deadline', now: 2_000 + CONNECT_TIMEOUT_MS });
    expect(state).toEqual({ phase: 'idle', outcome: { kind: 'ended', reason: 'connection-failed', peer: ALICE } });
    expect(commands).toEqual([{ type: 'send-hangup', callId: CALL, reason: 'connection-failed' }, { type: 'stop-media' }]);
  });

  it("the other side's 'connection-failed' ends a connecting call as failed to connect, not as hung up", () => {
    for (const connecting of [connectingAsCaller(), connectingAsCallee()]) {
      const { state, commands } = transition(connecting, { type: 'ended', callId: CALL, reason: 'connection-failed', now: 2_000 + CONNECT_TIMEOUT_MS - 1 });
      expect(state).toMatchObject({ phase: 'idle', outcome: { kind: 'ended', reason: 'connection-failed', duration: undefined } });
      // The server has ended the call already: nothing to send back.
      expect(commands).toEqual([{ type: 'stop-media' }]);
    }
  });

  it('an ordinary hang-up from the other side while connecting still reads as hung up', () => {
    const { state } = transition(connectingAsCaller(), { type: 'ended', callId: CALL, reason: 'hung-up', now: 3_000 });
    expect(state).toMatchObject({ phase: 'idle', outcome: { kind: 'ended', reason: 'hung-up' } });
  });

  it('only a call that never connected gives a reason with its hang-up', () => {
    const sent = (step: { commands: CallCommand[] }) => step.commands.filter((command) => command.type === 'send-hangup');
    expect(sent(transition(connectingAsCaller(), { type: 'hangup', now: 3_000 }))).toEqual([{ type: 'send-hangup', callId: CALL }]);
    expect(sent(transition(active(), { type: 'hangup', now: 20_000 }))).toEqual([{ type: 'send-hangup', callId: CALL }]);
    const interrupted = play(active(), { type: 'media-lost', now: 20_000 }).state;
    expect(sent(transition(interrupted, { type: 'deadline', now: 20_000 + MEDIA_RECOVERY_TIMEOUT_MS }))).toEqual([{ type: 'send-hangup', callId: CALL }]);
  });

  it('a deadline event before the deadline (a timer from an older state) changes nothing', () => {
    for (const state of [calling(), ringing(), connectingAsCaller(), active()]) {
      expect(transition(state, { type: 'deadline', now: 2_500 })).toEqual({ state, commands: [] });
    }
  });

  it("media-lost while still connecting is a 'connection-failed', not a lost call, and says so to the other side", () => {
    const { state, commands } = transition(connectingAsCaller(), { type: 'media-lost', now: 3_000 });
    expect(state).toMatchObject({ phase: 'idle', outcome: { kind: 'ended', reason: 'connection-failed' } });
    expect(commands).toContainEqual({ type: 'send-hangup', callId: CALL, reason: 'connection-failed' });
  });

  it('media-lost is ignored when no media should be flowing', () => {
    for (const state of [IDLE, calling(), ringing()]) {
      expect(transition(state, { type: 'media-lost', now: 3_000 })).toEqual({ state, commands: [] });
    }
  });

  it('dismiss clears the outcome', () => {
    const ended = play(active(), { type: 'hangup', now: 20_000 }).state;
    expect(ended).toHaveProperty('outcome');
    expect(transition(ended, { type: 'dismiss' })).toEqual({ state: IDLE, commands: [] });
  });

  it('dismiss does not end a call in progress', () => {
    for (const state of [calling(), ringing(), active()]) {
      expect(transition(state, { type: 'dismiss' })).toEqual({ state, commands: [] });
    }
  });
});

describe('local and remote media', () => {
  it('mute and camera toggles update the state and emit set-local-media while calling, connecting and active', () => {
    for (const state of [calling(), connectingAsCallee(), active()]) {
      const muted = transition(state, { type: 'set-mic', on: false });
      expect(muted.state).toEqual({ ...state, local: { mic: false, camera: true } });
      expect(muted.commands).toEqual([{ type: 'set-local-media', local: { mic: false, camera: true } }]);

      const dark = transition(muted.state, { type: 'set-camera', on: false });
      expect(dark.state).toEqual({ ...state, local: { mic: false, camera: false } });
      expect(dark.commands).toEqual([{ type: 'set-local-media', local: { mic: false, camera: false } }]);
    }
  });

  it('the choice survives the caller moving from calling to connecting to active', () => {
    const state = play(
      calling(),
      { type: 'set-camera', on: false },
      { type: 'accepted', callId: CALL, now: 2_000 },
      { type: 'media-connected', now: 3_000 },
    ).state;
    expect(state).toMatchObject({ phase: 'active', local: { mic: true, camera: false } });
  });

  it('mute and camera toggles are ignored when idle or ringing, where there is no local media', () => {
    for (const state of [IDLE, ringing()]) {
      expect(transition(state, { type: 'set-mic', on: false })).toEqual({ state, commands: [] });
      expect(transition(state, { type: 'set-camera', on: false })).toEqual({ state, commands: [] });
    }
  });

  it('remote-media updates what the peer shares while active', () => {
    const { state, commands } = transition(active(), { type: 'remote-media', media: { mic: false, camera: true } });
    expect(state).toMatchObject({ phase: 'active', remote: { mic: false, camera: true } });
    expect(commands).toEqual([]);
  });

  it('remote-media is ignored outside an active call', () => {
    for (const state of [IDLE, calling(), ringing(), connectingAsCaller()]) {
      expect(transition(state, { type: 'remote-media', media: { mic: false, camera: false } })).toEqual({ state, commands: [] });
    }
  });
});

describe('a whole call', () => {
  it('caller: dial, ack, accepted, connected, hang up — and only the expected commands along the way', () => {
    const events: CallEvent[] = [
      { type: 'dial', peer: BOB, now: 0 },
      { type: 'ring-answered', peer: BOB, result: { ok: true, callId: CALL, iceServers: RELAYS } },
      { type: 'accepted', callId: CALL, now: 4_000 },
      { type: 'media-connected', now: 5_000 },
      { type: 'hangup', now: 65_000 },
    ];
    let state: CallState = IDLE;
    const sent: string[] = [];
    for (const event of events) {
      const step = transition(state, event);
      state = step.state;
      sent.push(...step.commands.map((command) => command.type));
    }
    expect(sent).toEqual(['send-ring', 'start-media', 'connect-peer', 'send-hangup', 'stop-media']);
    expect(state).toEqual({ phase: 'idle', outcome: { kind: 'ended', reason: 'hung-up', peer: BOB, duration: 60 } });
  });

  it('the reducer never mutates the state it is given', () => {
    const state = active();
    const snapshot = structuredClone(state);
    transition(state, { type: 'set-mic', on: false });
    transition(state, { type: 'remote-media', media: { mic: false, camera: false } });
    transition(state, { type: 'hangup', now: 20_000 });
    expect(state).toEqual(snapshot);
  });
});

describe('faults', () => {
  const interrupted = () => play(active(), { type: 'media-lost', now: 20_000 }).state;

  it('a broken media path while active is not the end: the call is reconnecting, and nothing is sent', () => {
    const { state, commands } = transition(active(), { type: 'media-lost', now: 20_000 });
    expect(state).toMatchObject({ phase: 'active', interruptedAt: 20_000 });
    expect(commands).toEqual([]);
    expect(nextDeadline(state)).toBe(20_000 + MEDIA_RECOVERY_TIMEOUT_MS);
  });

  it('a second media-lost keeps the first moment of the break, so the deadline does not slide', () => {
    expect(transition(interrupted(), { type: 'media-lost', now: 25_000 }).state).toMatchObject({ interruptedAt: 20_000 });
  });

  it('media back within the recovery time resumes the call, with no deadline left', () => {
    const { state, commands } = transition(interrupted(), { type: 'media-connected', now: 24_000 });
    expect(state).toMatchObject({ phase: 'active', interruptedAt: null, connectedAt: 10_000 });
    expect(commands).toEqual([]);
    expect(nextDeadline(state)).toBeNull();
  });

  it("media down past the recovery time ends as 'connection-lost', telling the server and stopping media", () => {
    const { state, commands } = transition(interrupted(), { type: 'deadline', now: 20_000 + MEDIA_RECOVERY_TIMEOUT_MS });
    expect(state).toEqual({ phase: 'idle', outcome: { kind: 'ended', reason: 'connection-lost', peer: BOB, duration: 40 } });
    expect(commands).toEqual([{ type: 'send-hangup', callId: CALL }, { type: 'stop-media' }]);
  });

  it('media down and the peer gone from the server too ends the call soon: a crashed browser does not come back', () => {
    const gone = play(interrupted(), { type: 'peer-status', online: false, now: 21_000 }).state;
    expect(nextDeadline(gone)).toBe(21_000 + PEER_GONE_TIMEOUT_MS);
    expect(transition(gone, { type: 'deadline', now: 21_000 + PEER_GONE_TIMEOUT_MS }).state).toMatchObject({
      phase: 'idle',
      outcome: { reason: 'connection-lost' },
    });
  });

  it('the peer gone from the server while media still flows changes nothing: a restarting worker is not a lost call', () => {
    const offline = play(active(), { type: 'peer-status', online: false, now: 21_000 }).state;
    expect(offline).toMatchObject({ phase: 'active', interruptedAt: null, peerOfflineAt: 21_000 });
    expect(nextDeadline(offline)).toBeNull();
  });

  it('the peer back on the server clears its absence, leaving only the media recovery deadline', () => {
    const back = play(interrupted(), { type: 'peer-status', online: false, now: 21_000 }, { type: 'peer-status', online: true, now: 22_000 }).state;
    expect(back).toMatchObject({ peerOfflineAt: null });
    expect(nextDeadline(back)).toBe(20_000 + MEDIA_RECOVERY_TIMEOUT_MS);
  });

  it('peer status outside an active call is ignored', () => {
    for (const state of [IDLE, calling(), ringing(), connectingAsCaller()]) {
      expect(transition(state, { type: 'peer-status', online: false, now: 3_000 })).toEqual({ state, commands: [] });
    }
  });

  it("the media engine vanishing mid-call ends it in words, tells the server, and cleans up", () => {
    const { state, commands } = transition(active(), { type: 'engine-lost', now: 13_000 });
    expect(state).toEqual({ phase: 'idle', outcome: { kind: 'ended', reason: 'engine-stopped', peer: BOB, duration: 3 } });
    expect(commands).toEqual([{ type: 'send-hangup', callId: CALL }, { type: 'stop-media' }]);
    expect(transition(connectingAsCallee(), { type: 'engine-lost', now: 3_000 }).state).toMatchObject({ outcome: { reason: 'engine-stopped' } });
  });

  it('the media engine closing while idle or ringing is expected and ignored', () => {
    for (const state of [IDLE, ringing()]) expect(transition(state, { type: 'engine-lost', now: 3_000 })).toEqual({ state, commands: [] });
  });

  it('a ring the server never ended (it restarted and forgot it) gives up on both sides after the ring time', () => {
    const caller = transition(calling(), { type: 'deadline', now: 1_000 + UNANSWERED_RING_MS });
    expect(caller.state).toEqual({ phase: 'idle', outcome: { kind: 'ended', reason: 'no-answer', peer: BOB } });
    expect(caller.commands).toEqual([{ type: 'send-hangup', callId: CALL }, { type: 'stop-media' }]);
    const callee = transition(ringing(), { type: 'deadline', now: 1_000 + UNANSWERED_RING_MS });
    expect(callee.state).toEqual({ phase: 'idle', outcome: { kind: 'missed', peer: ALICE } });
    expect(callee.commands).toEqual([{ type: 'send-decline', callId: CALL }, { type: 'stop-media' }]);
  });

  it('every phase but idle and a flowing call has a deadline, so nothing can hang forever', () => {
    expect(nextDeadline(IDLE)).toBeNull();
    expect(nextDeadline(active())).toBeNull();
    for (const state of [dialled(), calling(), ringing(), connectingAsCaller(), connectingAsCallee(), interrupted()]) {
      expect(nextDeadline(state)).toEqual(expect.any(Number));
    }
  });
});

describe("the call's relay", () => {
  const CALL_ICE = { iceServers: RELAYS, relayTtlMs: TEN_MINUTES };
  /** 2/3 of ten minutes. */
  const RENEW_AFTER = 400_000;
  const relayedCallee = () => play(connectingAsCallee(), { type: 'accept-answered', callId: CALL, now: 2_100, result: { ok: true, ...CALL_ICE } }).state;
  const relayedActive = () => play(calling(), { type: 'accepted', callId: CALL, now: 2_000, ice: CALL_ICE }, { type: 'media-connected', now: 3_000 }).state;

  it("the callee's relay comes with the server's acceptance: the connection prepared with STUN takes it, and renews it at 2/3 of its life", () => {
    const { state, commands } = transition(connectingAsCallee(), { type: 'accept-answered', callId: CALL, now: 2_100, result: { ok: true, ...CALL_ICE } });
    expect(state).toMatchObject({ phase: 'connecting', role: 'callee', relayRenewAt: 2_100 + RENEW_AFTER });
    expect(commands).toEqual([{ type: 'use-relay', iceServers: RELAYS, renewal: false }]);
    // The connect timeout still comes first.
    expect(nextDeadline(state)).toBe(2_000 + CONNECT_TIMEOUT_MS);
  });

  it("the caller's relay for the call comes with the accepted (its ring's came from a budget, or not at all)", () => {
    const { state, commands } = transition(calling(), { type: 'accepted', callId: CALL, now: 2_000, ice: CALL_ICE });
    expect(state).toEqual({ phase: 'connecting', role: 'caller', peer: BOB, callId: CALL, local: BOTH_ON, since: 2_000, relayRenewAt: 2_000 + RENEW_AFTER });
    expect(commands).toEqual([{ type: 'use-relay', iceServers: RELAYS, renewal: false }]);
  });

  it('the renewal time survives connecting to active, and is then the only deadline', () => {
    const state = relayedActive();
    expect(state).toMatchObject({ phase: 'active', relayRenewAt: 2_000 + RENEW_AFTER });
    expect(nextDeadline(state)).toBe(2_000 + RENEW_AFTER);
    expect(v.parse(CallState, state)).toEqual(state);
  });

  it('at the renewal time the call asks the server for a fresh credential, and would ask again later if no answer came', () => {
    expect(transition(relayedActive(), { type: 'deadline', now: 2_000 + RENEW_AFTER - 1 })).toEqual({ state: relayedActive(), commands: [] });
    const { state, commands } = transition(relayedActive(), { type: 'deadline', now: 2_000 + RENEW_AFTER });
    expect(commands).toEqual([{ type: 'request-relay', callId: CALL }]);
    expect(state).toMatchObject({ phase: 'active', relayRenewAt: 2_000 + RENEW_AFTER + RELAY_RETRY_MS, interruptedAt: null });
  });

  it('a fresh credential is used as a renewal, and sets the next renewal from now', () => {
    const asked = transition(relayedActive(), { type: 'deadline', now: 402_000 }).state;
    const fresh = { ok: true as const, iceServers: FRESH_RELAYS, relayTtlMs: TEN_MINUTES };
    const { state, commands } = transition(asked, { type: 'relay-answered', callId: CALL, now: 402_050, result: fresh });
    expect(commands).toEqual([{ type: 'use-relay', iceServers: FRESH_RELAYS, renewal: true }]);
    expect(state).toMatchObject({ relayRenewAt: 402_050 + RENEW_AFTER });
  });

  it('a renewal that failed for now (link down, rate limited) is asked again at the retry; one refused for good, never', () => {
    const asked = transition(relayedActive(), { type: 'deadline', now: 402_000 }).state;
    for (const error of [ErrorCode.Unreachable, ErrorCode.RateLimited, ErrorCode.NoSuchCall]) {
      const result = { ok: false as const, error, message: 'not now' };
      expect(transition(asked, { type: 'relay-answered', callId: CALL, now: 402_100, result })).toEqual({ state: asked, commands: [] });
    }
    const refused = { ok: false as const, error: ErrorCode.OutOfTurn, message: 'A relay comes with a call once it is accepted.' };
    const { state, commands } = transition(asked, { type: 'relay-answered', callId: CALL, now: 402_100, result: refused });
    expect(commands).toEqual([]);
    expect(state).toMatchObject({ phase: 'active', relayRenewAt: undefined });
    expect(nextDeadline(state)).toBeNull();
  });

  it('a server without a relay leaves nothing to renew', () => {
    const state = transition(calling(), { type: 'accepted', callId: CALL, now: 2_000, ice: { iceServers: STUN } }).state;
    expect(nextDeadline(play(state, { type: 'media-connected', now: 3_000 }).state)).toBeNull();
    expect(transition(calling(), { type: 'accepted', callId: CALL, now: 2_000, ice: { iceServers: STUN } }).commands).toEqual([]);
  });

  it('a renewal answer for another call, or once the call is over, is ignored', () => {
    const fresh = { ok: true as const, iceServers: FRESH_RELAYS, relayTtlMs: TEN_MINUTES };
    expect(transition(relayedCallee(), { type: 'relay-answered', callId: OTHER_CALL, now: 5_000, result: fresh })).toEqual({ state: relayedCallee(), commands: [] });
    const over = transition(relayedActive(), { type: 'hangup', now: 9_000 }).state;
    expect(transition(over, { type: 'relay-answered', callId: CALL, now: 9_100, result: fresh })).toEqual({ state: over, commands: [] });
  });

  it("a call that gives up and a renewal due at once: giving up wins, and nothing is asked", () => {
    const lost = play(relayedActive(), { type: 'media-lost', now: 380_000 }).state;
    const { state, commands } = transition(lost, { type: 'deadline', now: 380_000 + MEDIA_RECOVERY_TIMEOUT_MS });
    expect(state).toMatchObject({ phase: 'idle', outcome: { reason: 'connection-lost' } });
    expect(commands).not.toContainEqual(expect.objectContaining({ type: 'request-relay' }));
  });
});
