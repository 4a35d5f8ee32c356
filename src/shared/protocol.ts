/**
 * The signaling protocol: every Socket.IO event between the extension and the
 * server, its payload and its validator. Both sides import this module, so a
 * renamed field breaks the build on both; the server still parses every payload
 * at its edge, because types do not stop a stranger's socket.
 */
import * as v from 'valibot';

/**
 * Bumped on any incompatible change; the server refuses other versions in words. 3: a callee's relay comes with its
 * accept, no longer with the ring, and a call's parties renew theirs (renew-relay); a code's block list rides with
 * its registration (set-blocked), and a callee hears of rings that found it busy (missed-while-busy). 4: a signal is
 * acknowledged only when it asks (the last of a burst), and one sent again after a refusal says so (`again`).
 */
export const PROTOCOL_VERSION = 4;

/** SDP for audio, video and data with many codecs is ~10 KB; 64 KB leaves room
 * for simulcast and future m-lines without accepting megabytes. */
export const MAX_SDP_LENGTH = 64 * 1024;
/** An ICE candidate line is under 200 characters; 1 KB is generous. */
const MAX_CANDIDATE_LENGTH = 1024;

export const ErrorCode = {
  BadRequest: 'bad-request',
  ProtocolMismatch: 'protocol-mismatch',
  BadProof: 'bad-proof',
  NotRegistered: 'not-registered',
  /** Offline and nonexistent codes answer the same, so codes cannot be enumerated. */
  Unavailable: 'unavailable',
  Busy: 'busy',
  SelfCall: 'self-call',
  NoSuchCall: 'no-such-call',
  OutOfTurn: 'out-of-turn',
  RateLimited: 'rate-limited',
  /** Said by the extension itself when the server did not answer: no request reached anyone. */
  Unreachable: 'unreachable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const EndReason = {
  Declined: 'declined',
  NoAnswer: 'no-answer',
  Cancelled: 'cancelled',
  HungUp: 'hung-up',
  /** The other party's extension vanished from signaling while ringing. */
  Gone: 'gone',
  /**
   * The call was accepted but no network path joined the two browsers: the side that gave up first says so with its
   * hang-up, so the other reads "could not connect", not that the person hung up.
   */
  ConnectionFailed: 'connection-failed',
} as const;
export type EndReason = (typeof EndReason)[keyof typeof EndReason];

export type Failure = { ok: false; error: ErrorCode; message: string };
export type Result<T extends object = object> = ({ ok: true } & T) | Failure;

const codeString = v.pipe(v.string(), v.regex(/^[0-9A-HJKMNP-TV-Z]{12}$/));
const callId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/));
const base64 = (max: number) => v.pipe(v.string(), v.maxLength(max), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));

/**
 * A person blocks a handful of nuisances, not a phone book: the bound keeps what
 * the server holds per code small (2.6 KB at most) whoever registers it.
 */
export const MAX_BLOCKED_CODES = 200;

/** Codes whose rings this code does not take: the server answers them as if it were offline. */
export const BlockList = v.pipe(v.array(codeString), v.maxLength(MAX_BLOCKED_CODES));

export const RegisterRequest = v.strictObject({
  protocol: v.number(),
  /** Raw uncompressed P-256 point: 65 bytes, 88 characters of base64. */
  publicKey: base64(128),
  /** ECDSA P-256 signature (IEEE P1363, 64 bytes). */
  signature: base64(128),
  /** The install's block list, in force from the moment the code is online: no ring slips in before it is sent. */
  blocked: v.optional(BlockList, []),
});
export type RegisterRequest = v.InferOutput<typeof RegisterRequest>;

/** The whole block list again after a change: a lost request cannot leave the server's copy off by one. */
export const SetBlockedRequest = v.strictObject({ codes: BlockList });
export type SetBlockedRequest = v.InferOutput<typeof SetBlockedRequest>;

/** Longest name a guest may give, in what a person counts as characters. */
export const MAX_GUEST_NAME = 40;

/**
 * The name a caller gives itself (the guest page asks for one). It proves
 * nothing, so the callee shows it marked as unverified; what it may hold is
 * bounded here so it cannot pose as something else: no control, formatting
 * or bidirectional-override characters (the emoji joiner aside), no line breaks, not blank.
 */
export const GuestName = v.pipe(
  v.string(),
  v.maxLength(4 * MAX_GUEST_NAME),
  v.trim(),
  v.minLength(1),
  v.maxGraphemes(MAX_GUEST_NAME),
  // The zero-width joiner is the one formatting character let through: emoji sequences are made with it.
  v.regex(/^(?:[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\u200d)*$/u),
);

export const RingRequest = v.strictObject({ to: codeString, name: v.optional(GuestName) });
export type RingRequest = v.InferOutput<typeof RingRequest>;

export const CallRef = v.strictObject({ callId });
export type CallRef = v.InferOutput<typeof CallRef>;

/** What a hang-up may say about why: only that the accepted call never connected. */
export const HangupReason = v.picklist([EndReason.ConnectionFailed]);
export type HangupReason = v.InferOutput<typeof HangupReason>;

/** Without a reason (as clients before it sent it), an ordinary hang-up, cancel or decline. */
export const HangupRequest = v.strictObject({ callId, reason: v.optional(HangupReason) });
export type HangupRequest = v.InferOutput<typeof HangupRequest>;

/** After a server restart the call is unknown to it: both parties name it again to carry on. */
export const RejoinRequest = v.strictObject({ callId, peer: codeString });
export type RejoinRequest = v.InferOutput<typeof RejoinRequest>;

export const SessionDescription = v.strictObject({
  type: v.picklist(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: v.pipe(v.string(), v.maxLength(MAX_SDP_LENGTH)),
});

export const IceCandidate = v.strictObject({
  candidate: v.pipe(v.string(), v.maxLength(MAX_CANDIDATE_LENGTH)),
  sdpMid: v.nullish(v.pipe(v.string(), v.maxLength(64))),
  sdpMLineIndex: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(64))),
  usernameFragment: v.nullish(v.pipe(v.string(), v.maxLength(256))),
});

/** What the two peer connections say to each other through the server. */
export const SignalData = v.variant('kind', [
  v.strictObject({ kind: v.literal('description'), description: SessionDescription }),
  v.strictObject({ kind: v.literal('candidate'), candidate: IceCandidate }),
]);
export type SignalData = v.InferOutput<typeof SignalData>;

/**
 * `again`: the first of the signals a sender sends again, from the first it did not see confirmed; the server, which
 * has refused every later signal of the call from this connection since one was refused for a reason that passes,
 * relays again from here (server/relay.ts). Never relayed to the peer.
 */
export const SignalMessage = v.strictObject({ callId, data: SignalData, again: v.optional(v.literal(true)) });
export type SignalMessage = v.InferOutput<typeof SignalMessage>;

/**
 * What a callee prepared while it rang (its answer, listing every candidate)
 * rides in its accept and reaches the caller in the same message as the
 * accepted: one pass through the server instead of two, and the caller has
 * the answer the moment it learns of the accept.
 */
export const MAX_SIGNALS_WITH_ACCEPT = 16;

/**
 * The signals that ride in an accept, and those that follow it as signals of
 * their own: at most MAX_SIGNALS_WITH_ACCEPT, and together no more than one
 * description's worth of text, so the accept stays within what the server
 * reads in one message (a worker restarted mid-ring may hold the answer twice).
 */
export function splitForAccept(signals: readonly SignalData[]): { riding: SignalData[]; following: SignalData[] } {
  let bytes = 0;
  let count = 0;
  for (const data of signals) {
    bytes += JSON.stringify(data).length;
    if (count === MAX_SIGNALS_WITH_ACCEPT || (count > 0 && bytes > MAX_SDP_LENGTH)) break;
    count++;
  }
  return { riding: signals.slice(0, count), following: signals.slice(count) };
}

export const AcceptRequest = v.strictObject({
  callId,
  signals: v.optional(v.pipe(v.array(SignalData), v.maxLength(MAX_SIGNALS_WITH_ACCEPT)), []),
});
export type AcceptRequest = v.InferOutput<typeof AcceptRequest>;

/** A STUN or TURN server for the peer connection, as the server names it with a ring or an accept. */
export const IceServer = v.object({
  urls: v.array(v.string()),
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
});
export type IceServer = v.InferOutput<typeof IceServer>;

/**
 * A party's ICE servers for an accepted call: the STUN servers, and a TURN credential made for this party when the
 * server has a relay. `relayTtlMs` comes with a credential: how long it lets a relay be allocated, so the party asks
 * for a fresh one (renew-relay) before then.
 */
export type CallIce = { iceServers: IceServer[]; relayTtlMs?: number };

/** The caller hears of the accept together with the callee's signals that rode in it, in the order sent, and its own relay for the call. */
export type Accepted = { callId: string; signals: SignalData[] } & CallIce;

export type Hello = { protocol: number; challenge: string };
/**
 * STUN only: a relay credential is for a call, and this one is not accepted yet. The callee prepares its answer with
 * host and server-reflexive candidates; its relay comes with the accept.
 */
export type Incoming = { callId: string; from: string; iceServers: IceServer[]; name?: string };
export type Ended = { callId: string; reason: EndReason };
/** Whether the other party of an accepted call is connected to the server right now. */
export type PeerStatus = { callId: string; online: boolean };
/**
 * Someone rang while this code was in another call: the caller heard "busy", and this side writes it down as
 * missed. When is when it arrives (it is sent as the ring comes, never later), by this side's own clock.
 */
export type MissedWhileBusy = { from: string; name?: string };

type Ack<T extends object = object> = (result: Result<T>) => void;

export interface ClientToServerEvents {
  /** `blocked` may be left out: the server reads it as none. */
  register: (request: v.InferInput<typeof RegisterRequest>, ack: Ack<{ code: string }>) => void;
  /** `iceServers` carries a relay credential for the caller only while its ring budget lasts; past it, STUN alone. */
  ring: (request: RingRequest, ack: Ack<{ callId: string; iceServers: IceServer[] }>) => void;
  /** `signals` may be left out: the server reads it as none. Answers the callee's relay for the call. */
  accept: (request: v.InferInput<typeof AcceptRequest>, ack: Ack<CallIce>) => void;
  decline: (request: CallRef, ack: Ack) => void;
  /** Ends the call: a cancel while ringing, a hang-up once accepted, or with `reason` an accepted call that never connected. */
  hangup: (request: HangupRequest, ack: Ack) => void;
  /**
   * Answered only when sent with an acknowledgement, which the sender asks for on the last signal of a burst: relayed,
   * or why not. The answer speaks for every signal sent since the last one answered: Socket.IO keeps a connection's
   * order, and from a refusal that passes by itself (the peer reconnecting, a call not yet rejoined) on, the server
   * refuses the call's later signals too, until one comes marked `again` (server/relay.ts).
   */
  signal: (message: SignalMessage, ack?: Ack) => void;
  /** Carries an accepted call on across a server restart; answers whether the peer is back yet. */
  rejoin: (request: RejoinRequest, ack: Ack<{ peerOnline: boolean }>) => void;
  /** A fresh relay credential for a party of this accepted call, before its current one runs out; refused to anyone else. */
  'renew-relay': (request: CallRef, ack: Ack<CallIce>) => void;
  /** Replaces this code's block list (sent with each registration too). */
  'set-blocked': (request: SetBlockedRequest, ack: Ack) => void;
}

export interface ServerToClientEvents {
  hello: (hello: Hello) => void;
  incoming: (incoming: Incoming) => void;
  accepted: (accepted: Accepted) => void;
  ended: (ended: Ended) => void;
  signal: (message: SignalMessage) => void;
  'peer-status': (status: PeerStatus) => void;
  /** This install registered again on another connection; this one no longer rings. */
  replaced: () => void;
  'missed-while-busy': (missed: MissedWhileBusy) => void;
}

export function fail(error: ErrorCode, message: string): Failure {
  return { ok: false, error, message };
}
