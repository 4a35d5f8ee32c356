/**
 * The call state machine: one pure reducer from (state, event) to
 * (state, commands). The background owns the state and persists it (the worker
 * may be stopped at any moment); the popup only renders it; the commands are
 * the background's to carry out. Nothing here touches a browser API.
 */
import * as v from 'valibot';
import { type CallIce, EndReason, ErrorCode, type HangupReason, IceServer, type Result } from './protocol';

export const Role = v.picklist(['caller', 'callee']);
export type Role = v.InferOutput<typeof Role>;

export const MediaFlags = v.strictObject({ mic: v.boolean(), camera: v.boolean() });
export type MediaFlags = v.InferOutput<typeof MediaFlags>;

/** Ways a call ends that only this side sees. (A call that never connected is told to the other side: EndReason.) */
const LocalEndReason = v.picklist(['connection-lost', 'engine-stopped']);
export type LocalEndReason = v.InferOutput<typeof LocalEndReason>;

/**
 * The name a guest caller gave itself (the guest page asks for one; the server
 * checks it against GuestName). Nothing proves it: it is shown marked as
 * unverified, as text only, and a nickname given to the code wins over it.
 */
const guestName = v.optional(v.string());

/** Why the last call is over, kept so the popup can say it in words. */
const Outcome = v.variant('kind', [
  v.strictObject({
    kind: v.literal('ended'),
    reason: v.union([v.picklist(Object.values(EndReason)), LocalEndReason]),
    peer: v.string(),
    guestName,
    duration: v.optional(v.number()),
  }),
  v.strictObject({ kind: v.literal('refused'), error: v.picklist(Object.values(ErrorCode)), peer: v.string(), message: v.string() }),
  v.strictObject({ kind: v.literal('missed'), peer: v.string(), guestName }),
]);
export type Outcome = v.InferOutput<typeof Outcome>;

const inCallFields = {
  peer: v.string(),
  guestName,
  callId: v.string(),
  local: MediaFlags,
  role: Role,
  /** When to ask the server for a fresh relay credential; absent without one (no TURN server, or it stopped giving them). */
  relayRenewAt: v.optional(v.number()),
};

/** The call as the worker keeps it and the popup renders it. */
export const CallState = v.variant('phase', [
  v.strictObject({ phase: v.literal('idle'), outcome: v.optional(Outcome) }),
  /** callId is null until the server has acknowledged the ring. */
  v.strictObject({ phase: v.literal('calling'), peer: v.string(), callId: v.nullable(v.string()), local: MediaFlags, since: v.number() }),
  /** `iceServers`: the STUN servers the server named with the ring, for the peer connection prepared while it rings (its relay comes with the accept). */
  v.strictObject({ phase: v.literal('ringing'), peer: v.string(), guestName, callId: v.string(), since: v.number(), iceServers: v.array(IceServer) }),
  v.strictObject({ ...inCallFields, phase: v.literal('connecting'), since: v.number() }),
  v.strictObject({
    ...inCallFields,
    phase: v.literal('active'),
    connectedAt: v.number(),
    remote: MediaFlags,
    /** When the media path broke (ICE restarting), or null while media flows. */
    interruptedAt: v.nullable(v.number()),
    /** When the server said the peer's link dropped, or null while it is connected (or unknown). */
    peerOfflineAt: v.nullable(v.number()),
  }),
]);
export type CallState = v.InferOutput<typeof CallState>;
/** A call that has been accepted, connecting or connected. */
type InCall = Extract<CallState, { phase: 'connecting' | 'active' }>;

/** ICE on loopback takes ~100 ms and through TURN across the world a few seconds;
 * a call still not connected after this will not connect. */
export const CONNECT_TIMEOUT_MS = 20_000;
/** A router restart or a switch between networks is over well within this; nobody
 * watches a frozen picture longer. */
export const MEDIA_RECOVERY_TIMEOUT_MS = 30_000;
/** Media down and the peer's signaling link down too: a worker restart or a network
 * switch is back within seconds, a crashed or powered-off browser never is. */
export const PEER_GONE_TIMEOUT_MS = 4_000;
/** The server ends an unanswered ring at 30 s; no word from it 5 s past that means
 * the ring was lost with a restarted server. */
export const UNANSWERED_RING_MS = 35_000;
/** A party asks for a fresh relay credential at 2/3 of the last one's life: a third of it
 * to spare for a slow answer and a retry. */
export const RELAY_RENEW_FRACTION = 2 / 3;
/** A renewal unanswered or refused for now is asked again after this: longer than the
 * link's own answer timeout (10 s), so two never overlap. */
export const RELAY_RETRY_MS = 15_000;

/** Failures of a renewal that clear up by themselves: the link, the server's memory of the call after a restart, a rate limit. */
const RENEWAL_RETRIES: ReadonlySet<string> = new Set([ErrorCode.Unreachable, ErrorCode.Unavailable, ErrorCode.NoSuchCall, ErrorCode.RateLimited]);

export type CallEvent =
  /**
   * `local` for a call without camera or microphone ("Send a file"); both on otherwise. `name`: the caller's own
   * name, rung with the call (the guest page gives one; the extension never does).
   */
  | { type: 'dial'; peer: string; now: number; local?: MediaFlags; name?: string }
  | { type: 'ring-answered'; peer: string; result: Result<{ callId: string; iceServers: IceServer[] }> }
  /** `name`: what a guest caller calls itself, unverified. */
  | { type: 'incoming'; callId: string; from: string; now: number; iceServers: IceServer[]; name?: string }
  | { type: 'accept'; now: number }
  /** The server took (or refused) our accept; taken, it gives our relay for the call. */
  | { type: 'accept-answered'; callId: string; now: number; result: Result<CallIce> }
  | { type: 'decline' }
  /** `ice`: the caller's relay for the call, which the server sends with the news. */
  | { type: 'accepted'; callId: string; now: number; ice?: CallIce }
  /** The server's answer to a renewal of our relay credential. */
  | { type: 'relay-answered'; callId: string; now: number; result: Result<CallIce> }
  | { type: 'ended'; callId: string; reason: EndReason; now: number }
  /** The user's hang-up; while calling it is a cancel. */
  | { type: 'hangup'; now: number }
  | { type: 'media-connected'; now: number }
  /** The media path broke; the offscreen document is restarting ICE. */
  | { type: 'media-lost'; now: number }
  | { type: 'peer-status'; online: boolean; now: number }
  /** The offscreen document that held the call's media is gone. */
  | { type: 'engine-lost'; now: number }
  /** A timer set from nextDeadline() fired; the reducer checks what is due. */
  | { type: 'deadline'; now: number }
  | { type: 'set-mic'; on: boolean }
  | { type: 'set-camera'; on: boolean }
  | { type: 'remote-media'; media: MediaFlags }
  | { type: 'dismiss' };

/** What the background must do so the world matches the new state. */
export type CallCommand =
  | { type: 'send-ring'; peer: string; name?: string }
  | { type: 'send-accept'; callId: string }
  | { type: 'send-decline'; callId: string }
  /** `reason`: said when the accepted call never connected, so the other side hears that rather than a hang-up. */
  | { type: 'send-hangup'; callId: string; reason?: HangupReason }
  /** Starts capture, replacing any earlier call's media. */
  | { type: 'start-media'; role: Role; local: MediaFlags }
  /** The server has said which ICE servers to use: build the peer connection. */
  | { type: 'connect-peer'; role: Role; iceServers: IceServer[] }
  /**
   * While it rings: build the callee's peer connection, so the caller's offer
   * (which the server lets through) is answered before Accept. No capture,
   * and its answer and candidates are kept in this browser.
   */
  | { type: 'prepare-peer'; callId: string; iceServers: IceServer[] }
  /** The accept has gone, with what the prepared peer connection made so far: from now on it sends as it goes. */
  | { type: 'release-peer' }
  /**
   * A relay credential for the call's peer connection, granted after it was built: at the accept, or `renewal` of
   * the one it has, whose relay then moves to a fresh allocation.
   */
  | { type: 'use-relay'; iceServers: IceServer[]; renewal: boolean }
  /** Ask the server for a fresh relay credential before ours runs out. */
  | { type: 'request-relay'; callId: string }
  | { type: 'set-local-media'; local: MediaFlags }
  | { type: 'stop-media' };

export interface Transition {
  state: CallState;
  commands: CallCommand[];
}

export const IDLE: CallState = { phase: 'idle' };
const BOTH_ON: MediaFlags = { mic: true, camera: true };

const stay = (state: CallState): Transition => ({ state, commands: [] });

/** A guest's name as a field to spread: a call without one has no such key at all, stored or shown. */
export function withGuestName(name: string | undefined): { guestName?: string } {
  return name === undefined ? {} : { guestName: name };
}

/** The other party of a call as an outcome or a history entry names them: the code, and a guest's own name if it gave one. */
function party(state: Exclude<CallState, { phase: 'idle' }>): { peer: string; guestName?: string } {
  return { peer: state.peer, ...withGuestName(state.phase === 'calling' ? undefined : state.guestName) };
}

/** When to renew the relay a server answer carries; none (the key cleared) without a credential. */
function renewalOf(ice: CallIce | undefined, now: number): { relayRenewAt: number | undefined } {
  return { relayRenewAt: ice?.relayTtlMs === undefined ? undefined : now + Math.round(ice.relayTtlMs * RELAY_RENEW_FRACTION) };
}

/** The peer connection takes the relay a server answer carries, if it carries one. */
function useRelay(ice: CallIce | undefined, renewal: boolean): CallCommand[] {
  return ice?.relayTtlMs === undefined ? [] : [{ type: 'use-relay', iceServers: ice.iceServers, renewal }];
}

const inCall = (state: CallState): state is InCall => state.phase === 'connecting' || state.phase === 'active';

function endedAt(state: InCall, now: number): number | undefined {
  return state.phase === 'active' ? Math.round((now - state.connectedAt) / 1000) : undefined;
}

export function transition(state: CallState, event: CallEvent): Transition {
  switch (event.type) {
    case 'dial': {
      if (state.phase !== 'idle') return stay(state);
      const local = event.local ?? BOTH_ON;
      return {
        state: { phase: 'calling', peer: event.peer, callId: null, local, since: event.now },
        // Media starts while it rings, so the offer and candidates are ready the moment the callee accepts.
        commands: [
          { type: 'send-ring', peer: event.peer, ...(event.name === undefined ? {} : { name: event.name }) },
          { type: 'start-media', role: 'caller', local },
        ],
      };
    }

    case 'ring-answered': {
      const current = state.phase === 'calling' && state.peer === event.peer && state.callId === null;
      if (!current) {
        // A ring we already gave up on (cancelled, or crossed with the callee's own call): withdraw it.
        return event.result.ok ? { state, commands: [{ type: 'send-hangup', callId: event.result.callId }] } : stay(state);
      }
      if (event.result.ok) {
        return {
          state: { ...state, callId: event.result.callId },
          commands: [{ type: 'connect-peer', role: 'caller', iceServers: event.result.iceServers }],
        };
      }
      const { error, message } = event.result;
      return {
        state: { phase: 'idle', outcome: { kind: 'refused', error, peer: state.peer, message } },
        commands: [{ type: 'stop-media' }],
      };
    }

    case 'incoming': {
      // The same call announced again (say, after a re-register) is not a second call to decline.
      if (state.phase !== 'idle' && state.callId === event.callId) return stay(state);
      if (state.phase === 'calling' && state.peer === event.from) {
        // Both dialled each other at once: they want the same call, so take theirs.
        const withdraw: CallCommand[] = state.callId ? [{ type: 'send-hangup', callId: state.callId }] : [];
        return {
          state: {
            phase: 'connecting',
            role: 'callee',
            peer: event.from,
            ...withGuestName(event.name),
            callId: event.callId,
            local: state.local,
            since: event.now,
          },
          commands: [
            ...withdraw,
            { type: 'send-accept', callId: event.callId },
            { type: 'start-media', role: 'callee', local: state.local },
            { type: 'connect-peer', role: 'callee', iceServers: event.iceServers },
          ],
        };
      }
      if (state.phase !== 'idle') return { state, commands: [{ type: 'send-decline', callId: event.callId }] };
      return {
        state: { phase: 'ringing', peer: event.from, ...withGuestName(event.name), callId: event.callId, since: event.now, iceServers: event.iceServers },
        commands: [{ type: 'prepare-peer', callId: event.callId, iceServers: event.iceServers }],
      };
    }

    case 'accept': {
      if (state.phase !== 'ringing') return stay(state);
      return {
        state: { phase: 'connecting', role: 'callee', ...party(state), callId: state.callId, local: BOTH_ON, since: event.now },
        // The answer prepared while it rang rides in the accept; a connection not prepared is built now, and answers
        // the offer the server hands over with the accept.
        commands: [
          { type: 'send-accept', callId: state.callId },
          { type: 'release-peer' },
          { type: 'start-media', role: 'callee', local: BOTH_ON },
          { type: 'connect-peer', role: 'callee', iceServers: state.iceServers },
        ],
      };
    }

    case 'accept-answered': {
      if (!inCall(state) || state.role !== 'callee' || state.callId !== event.callId) return stay(state);
      // Our relay for the call: the connection prepared while it rang had STUN alone.
      if (event.result.ok) return { state: { ...state, ...renewalOf(event.result, event.now) }, commands: useRelay(event.result, false) };
      if (state.phase !== 'connecting') return stay(state);
      // The caller gave up at the moment we answered.
      return { state: { phase: 'idle', outcome: { kind: 'missed', ...party(state) } }, commands: [{ type: 'stop-media' }] };
    }

    case 'decline': {
      if (state.phase !== 'ringing') return stay(state);
      return { state: IDLE, commands: [{ type: 'send-decline', callId: state.callId }, { type: 'stop-media' }] };
    }

    case 'accepted': {
      if (state.phase !== 'calling' || state.callId !== event.callId) return stay(state);
      // The offer went out with the ring and the server handed it over with the accept: nothing to send. The relay
      // that came with the news is the call's (the ring's, if any, came from a budget).
      const { peer, callId, local } = state;
      return {
        state: { phase: 'connecting', role: 'caller', peer, callId, local, since: event.now, ...renewalOf(event.ice, event.now) },
        commands: useRelay(event.ice, false),
      };
    }

    case 'relay-answered': {
      if (!inCall(state) || state.callId !== event.callId) return stay(state);
      if (event.result.ok) return { state: { ...state, ...renewalOf(event.result, event.now) }, commands: useRelay(event.result, true) };
      // The retry set when it was asked stands, for a failure that clears up by itself; any other would come again.
      return RENEWAL_RETRIES.has(event.result.error) ? stay(state) : stay({ ...state, relayRenewAt: undefined });
    }

    case 'ended': {
      if (state.phase === 'idle' || state.callId !== event.callId) return stay(state);
      if (state.phase === 'ringing') {
        const outcome: Outcome =
          event.reason === EndReason.Cancelled || event.reason === EndReason.NoAnswer || event.reason === EndReason.Gone
            ? { kind: 'missed', ...party(state) }
            : { kind: 'ended', reason: event.reason, ...party(state) };
        // The connection prepared while it rang goes with the ring.
        return { state: { phase: 'idle', outcome }, commands: [{ type: 'stop-media' }] };
      }
      const duration = state.phase === 'calling' ? undefined : endedAt(state, event.now);
      return {
        state: { phase: 'idle', outcome: { kind: 'ended', reason: event.reason, ...party(state), duration } },
        commands: [{ type: 'stop-media' }],
      };
    }

    case 'hangup': {
      if (state.phase === 'ringing') return transition(state, { type: 'decline' });
      if (state.phase === 'idle') return stay(state);
      const send: CallCommand[] = state.callId ? [{ type: 'send-hangup', callId: state.callId }] : [];
      const reason = state.phase === 'calling' ? EndReason.Cancelled : EndReason.HungUp;
      const duration = state.phase === 'calling' ? undefined : endedAt(state, event.now);
      return {
        state: { phase: 'idle', outcome: { kind: 'ended', reason, ...party(state), duration } },
        commands: [...send, { type: 'stop-media' }],
      };
    }

    case 'media-connected': {
      if (state.phase === 'active') return stay(state.interruptedAt === null ? state : { ...state, interruptedAt: null });
      if (state.phase !== 'connecting') return stay(state);
      const { callId, role, local, relayRenewAt } = state;
      return stay({ phase: 'active', ...party(state), callId, role, local, relayRenewAt, connectedAt: event.now, remote: BOTH_ON, interruptedAt: null, peerOfflineAt: null });
    }

    case 'media-lost': {
      if (state.phase === 'connecting') return failedToConnect(state);
      if (state.phase !== 'active' || state.interruptedAt !== null) return stay(state);
      return stay({ ...state, interruptedAt: event.now });
    }

    case 'peer-status': {
      if (state.phase !== 'active') return stay(state);
      const peerOfflineAt = event.online ? null : (state.peerOfflineAt ?? event.now);
      return stay(peerOfflineAt === state.peerOfflineAt ? state : { ...state, peerOfflineAt });
    }

    case 'engine-lost': {
      if (state.phase !== 'connecting' && state.phase !== 'active') return stay(state);
      return endWithoutPeer(state, 'engine-stopped', endedAt(state, event.now));
    }

    case 'deadline': {
      const due = giveUpAt(state);
      if (due === null || event.now < due) {
        if (!inCall(state) || state.relayRenewAt === undefined || event.now < state.relayRenewAt) return stay(state);
        // Asked again later unless an answer comes first and says when.
        return { state: { ...state, relayRenewAt: event.now + RELAY_RETRY_MS }, commands: [{ type: 'request-relay', callId: state.callId }] };
      }
      switch (state.phase) {
        case 'calling': {
          const send: CallCommand[] = state.callId ? [{ type: 'send-hangup', callId: state.callId }] : [];
          return {
            state: { phase: 'idle', outcome: { kind: 'ended', reason: EndReason.NoAnswer, peer: state.peer } },
            commands: [...send, { type: 'stop-media' }],
          };
        }
        case 'ringing':
          return {
            state: { phase: 'idle', outcome: { kind: 'missed', ...party(state) } },
            commands: [{ type: 'send-decline', callId: state.callId }, { type: 'stop-media' }],
          };
        case 'connecting':
          return failedToConnect(state);
        case 'active':
          return endWithoutPeer(state, 'connection-lost', endedAt(state, event.now));
      }
      return stay(state);
    }

    case 'set-mic':
    case 'set-camera': {
      if (state.phase !== 'calling' && state.phase !== 'connecting' && state.phase !== 'active') return stay(state);
      const local = event.type === 'set-mic' ? { ...state.local, mic: event.on } : { ...state.local, camera: event.on };
      return { state: { ...state, local }, commands: [{ type: 'set-local-media', local }] };
    }

    case 'remote-media': {
      if (state.phase !== 'active') return stay(state);
      return stay({ ...state, remote: event.media });
    }

    case 'dismiss': {
      return state.phase === 'idle' ? stay(IDLE) : stay(state);
    }
  }
}

/**
 * When this state next needs a look unless something happens first, or null:
 * when it gives up, or when a call's relay is due for renewal. The background
 * arms one timer from it, and again after a worker restart, since the deadline
 * is part of the persisted state rather than of a lost timer.
 */
export function nextDeadline(state: CallState): number | null {
  const due = giveUpAt(state);
  const renew = inCall(state) ? state.relayRenewAt : undefined;
  if (renew === undefined) return due;
  return due === null ? renew : Math.min(due, renew);
}

/** When this state gives up unless something happens first, or null. */
function giveUpAt(state: CallState): number | null {
  switch (state.phase) {
    case 'idle':
      return null;
    case 'calling':
    case 'ringing':
      return state.since + UNANSWERED_RING_MS;
    case 'connecting':
      return state.since + CONNECT_TIMEOUT_MS;
    case 'active': {
      if (state.interruptedAt === null) return null;
      const recovery = state.interruptedAt + MEDIA_RECOVERY_TIMEOUT_MS;
      if (state.peerOfflineAt === null) return recovery;
      return Math.min(recovery, Math.max(state.interruptedAt, state.peerOfflineAt) + PEER_GONE_TIMEOUT_MS);
    }
  }
}

/** No path joined the two browsers: both sides say so, this one to itself and the other through the server. */
function failedToConnect(state: Extract<CallState, { phase: 'connecting' }>): Transition {
  return {
    state: { phase: 'idle', outcome: { kind: 'ended', reason: EndReason.ConnectionFailed, ...party(state) } },
    commands: [{ type: 'send-hangup', callId: state.callId, reason: EndReason.ConnectionFailed }, { type: 'stop-media' }],
  };
}

function endWithoutPeer(
  state: InCall,
  reason: LocalEndReason,
  duration?: number,
): Transition {
  return {
    state: { phase: 'idle', outcome: { kind: 'ended', reason, ...party(state), duration } },
    // The server still holds the call; tell it, so the other side is not left waiting.
    commands: [{ type: 'send-hangup', callId: state.callId }, { type: 'stop-media' }],
  };
}
