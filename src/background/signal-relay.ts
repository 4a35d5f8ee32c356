/**
 * The call's signals between the offscreen document and the server, across
 * outages. A signal the server cannot relay now (it is restarting and has not
 * heard the call rejoined, or the peer's link is down) waits and goes out, in
 * order, once the call is reachable again: an ICE restart or renegotiation
 * started during an outage is delayed, never lost.
 */
import type { CallEvent, CallState } from '../shared/call-state';
import { ErrorCode, type PeerStatus, type SignalData, splitForAccept } from '../shared/protocol';
import type { SignalingLink } from './signaling-link';

/** An offer and its candidates are a few dozen messages; far more means the call is not coming back. */
const MAX_WAITING_SIGNALS = 500;

/** Failures that clear up by themselves once the link, the server or the peer is back. */
const TRANSIENT: ReadonlySet<string> = new Set([ErrorCode.Unreachable, ErrorCode.Unavailable, ErrorCode.NoSuchCall]);

export interface SignalRelayDeps {
  link(): SignalingLink | null;
  call(): CallState;
  dispatch(event: CallEvent): Promise<void>;
  log(message: string): void;
}

export interface SignalRelay {
  send(data: SignalData): void;
  /**
   * A call rings: what the callee's prepared peer connection sends for it is
   * kept here, for the server refuses a callee's signals before its accept.
   */
  hold(callId: string): void;
  /**
   * The accept is going: the signals kept for its call ride in it (as many as
   * fit, see splitForAccept; the rest follow it, in order), and new ones go at
   * once. Call it right before sending the accept.
   */
  release(callId: string): SignalData[];
  /** The link registered again: tell the server this call goes on, then send what waited. */
  registered(): void;
  peerStatus(status: PeerStatus): void;
}

export function createSignalRelay(deps: SignalRelayDeps): SignalRelay {
  let waiting: { callId: string; data: SignalData }[] = [];
  let held: { callId: string; signals: SignalData[] } | null = null;
  // One at a time, so signals leave in the order the peer connection made them.
  let chain: Promise<void> = Promise.resolve();
  const serially = (work: () => Promise<void>) => (chain = chain.then(work, work));

  /** The call signals belong to; a caller's start while it rings (the server holds them until the accept). */
  function currentCallId(): string | null {
    const call = deps.call();
    return call.phase === 'calling' || call.phase === 'connecting' || call.phase === 'active' ? call.callId : null;
  }

  async function deliver(callId: string, data: SignalData): Promise<boolean> {
    const link = deps.link();
    const result = link ? await link.request('signal', { callId, data }) : null;
    if (result?.ok) return true;
    if (result && !TRANSIENT.has(result.error)) {
      deps.log(`A signaling message was refused: ${result.message}`);
      return true;
    }
    return false;
  }

  function flush(): Promise<void> {
    return serially(async () => {
      const callId = currentCallId();
      waiting = waiting.filter((item) => item.callId === callId);
      while (waiting.length > 0) {
        const [first] = waiting;
        if (!(await deliver(first!.callId, first!.data))) return;
        waiting.shift();
      }
    });
  }

  const relay: SignalRelay = {
    send(data) {
      const call = deps.call();
      if (held && call.phase !== 'idle' && call.callId === held.callId) {
        // An answer and its candidates, a few dozen at most; a document sending far more is not preparing a call.
        if (held.signals.length < MAX_WAITING_SIGNALS) held.signals.push(data);
        return;
      }
      void serially(async () => {
        const callId = currentCallId();
        if (!callId) return;
        // What waited for an earlier call is worthless now, and must not hold this call's signals back.
        waiting = waiting.filter((item) => item.callId === callId);
        if (waiting.length === 0 && (await deliver(callId, data))) return;
        if (waiting.length >= MAX_WAITING_SIGNALS) waiting.shift();
        waiting.push({ callId, data });
      });
    },

    hold(callId) {
      held = { callId, signals: [] };
    },

    release(callId) {
      const signals = held?.callId === callId ? held.signals : [];
      held = null;
      const { riding, following } = splitForAccept(signals);
      // Sent after the accept that is emitted the moment this returns: the relay's sending is never synchronous.
      for (const data of following) relay.send(data);
      return riding;
    },

    registered() {
      const call = deps.call();
      if (call.phase !== 'connecting' && call.phase !== 'active') return;
      void deps
        .link()
        ?.request('rejoin', { callId: call.callId, peer: call.peer })
        .then(async (result) => {
          if (!result.ok) {
            deps.log(`The server would not carry the call on: ${result.message}`);
            return;
          }
          await deps.dispatch({ type: 'peer-status', online: result.peerOnline, now: Date.now() });
          if (result.peerOnline) await flush();
        });
    },

    peerStatus({ callId, online }) {
      if (callId !== currentCallId()) return;
      void deps.dispatch({ type: 'peer-status', online, now: Date.now() }).then(() => (online ? flush() : undefined));
    },
  };
  return relay;
}
