/**
 * The call's signals between the offscreen document and the server, across
 * outages. A signal goes out at once, without waiting for an answer; only the
 * last of a burst asks the server for one, so a relayed signal costs the
 * server one write, and a burst one more.
 *
 * Why the last of a burst, and what it buys: a signal is lost when the server
 * cannot relay it (it restarted and has not heard the call rejoined, the
 * peer's link is down) or when it is written into a link that has died
 * without either end noticing yet. The server handles a connection's signals
 * in order and, from a refusal that passes by itself on, refuses the call's
 * later ones too, so one answer speaks for every signal sent before it:
 * relayed (or refused for good, which sending again would not change), or
 * not. An answer on every signal would say no more, at one write each. The
 * last of a burst, the one with none queued behind it in the same task, is
 * asked because no later signal may come to ask: one left unanswered could be
 * lost unseen. Waiting a moment for a later one would hold every burst's last
 * signal back, and the call's set-up with it.
 *
 * So the relay keeps what it sent since the last answer. An answer that
 * refuses for a passing reason, or does not come in time (then the link is
 * dropped and connects afresh: see signaling-link.ts), puts all of it back at
 * the head of what waits, in order; it goes out again once the call is
 * reachable (the peer back, the link registered again), its first marked
 * `again` and answered before the rest follow. What the peer had already got
 * may reach it twice, which negotiation ignores (src/call/peer.ts); never a
 * later signal before an earlier one. An ICE restart or renegotiation started
 * during an outage is delayed, never lost.
 */
import type { CallEvent, CallState } from '../shared/call-state';
import { ErrorCode, type PeerStatus, type Result, type SignalData, splitForAccept } from '../shared/protocol';
import { createSerialQueue } from '../shared/serial-queue';
import type { SignalingLink } from './signaling-link';
import type { StorageArea } from './storage-area';

/** An offer and its candidates are a few dozen messages; far more means the call is not coming back. */
const MAX_WAITING_SIGNALS = 500;

/** Where the held signals outlive this worker: a callee's answer is made once, while it rings, and a restarted worker must still send it. */
const HELD_KEY = 'heldSignals';

/** Failures that clear up by themselves once the link, the server or the peer is back. */
const TRANSIENT: ReadonlySet<string> = new Set([ErrorCode.Unreachable, ErrorCode.Unavailable, ErrorCode.NoSuchCall]);

export interface SignalRelayDeps {
  link: () => SignalingLink | null;
  call: () => CallState;
  dispatch: (event: CallEvent) => Promise<void>;
  log: (message: string, error?: unknown) => void;
  /** browser.storage.session: the held signals are kept there too. */
  storage: StorageArea;
}

interface Held {
  callId: string;
  signals: SignalData[];
}

interface Outgoing {
  callId: string;
  data: SignalData;
}

export interface SignalRelay {
  send: (data: SignalData) => void;
  /**
   * A call rings: what the callee's prepared peer connection sends for it is
   * kept here, for the server refuses a callee's signals before its accept.
   * They are stored too, and restored when a new worker starts.
   */
  hold: (callId: string) => void;
  /**
   * The accept is going: the signals kept for its call ride in it (as many as
   * fit, see splitForAccept; the rest follow it, in order), and new ones go at
   * once. Call it right before sending the accept. It reads the copy in
   * memory: the accept never waits for storage.
   */
  release: (callId: string) => SignalData[];
  /** The link registered again: tell the server this call goes on, then send what waited. */
  registered: () => void;
  peerStatus: (status: PeerStatus) => void;
}

/** The relay, with the signals a ringing call held before this worker started. */
export async function createSignalRelay(deps: SignalRelayDeps): Promise<SignalRelay> {
  /** To go out, in order, once the call is reachable. */
  let waiting: Outgoing[] = [];
  /** Sent since the last answer, in order: each a copy of its own, so an answer to an earlier sending finds nothing. */
  let unconfirmed: Outgoing[] = [];
  /** Signals handed to `send` and not yet sent: the one that finds none behind it ends its burst. */
  let queued = 0;
  const stored = await deps.storage.get(HELD_KEY).then(
    (items) => items[HELD_KEY] as Held | null | undefined,
    (error: unknown) => deps.log('Could not read the prepared answer back', error),
  );
  const ringing = deps.call();
  // Kept only for the call still ringing: what an earlier call held is worthless.
  let held: Held | null = stored && ringing.phase === 'ringing' && ringing.callId === stored.callId ? stored : null;
  // One at a time, so signals leave in the order the peer connection made them.
  const sending = createSerialQueue();
  const serially = (work: () => Promise<void>) =>
    void sending.run(work).catch((error: unknown) => deps.log('A signaling message could not be sent', error));

  const writes = createSerialQueue();
  let writeQueued = false;
  /** Writes the held signals as they are when the write runs; changes made meanwhile ride in the next one. */
  function storeHeld(): void {
    if (writeQueued) return;
    writeQueued = true;
    void writes
      .run(() => {
        writeQueued = false;
        return deps.storage.set({ [HELD_KEY]: held });
      })
      .catch((error: unknown) => deps.log('Could not store the prepared answer; a restarted worker would not have it', error));
  }

  /** The call signals belong to; a caller's start while it rings (the server holds them until the accept). */
  function currentCallId(): string | null {
    const call = deps.call();
    return call.phase === 'calling' || call.phase === 'connecting' || call.phase === 'active' ? call.callId : null;
  }

  /** Whether the server is done with a signal: relayed, or refused for good (said in the log). */
  function done(result: Result): boolean {
    if (result.ok) return true;
    if (TRANSIENT.has(result.error)) return false;
    deps.log(`A signaling message was refused: ${result.message}`);
    return true;
  }

  function wait(item: Outgoing): void {
    if (waiting.length >= MAX_WAITING_SIGNALS) waiting.shift();
    waiting.push(item);
  }

  /** Sends a copy of the signal, asking for an answer when it ends its burst; false when the link cannot take it. */
  function post(item: Outgoing, last: boolean): boolean {
    const sent = { callId: item.callId, data: item.data };
    const link = deps.link();
    if (!link?.post(sent, last ? (result) => answered(sent, result) : undefined)) return false;
    unconfirmed.push(sent);
    return true;
  }

  /** What was sent and not confirmed waits again, ahead of anything that waited behind it, in the order sent. */
  function putBackUnconfirmed(): void {
    waiting = [...unconfirmed, ...waiting].slice(-MAX_WAITING_SIGNALS);
    unconfirmed = [];
  }

  function answered(sent: Outgoing, result: Result): void {
    const at = unconfirmed.indexOf(sent);
    // Already put back to wait: the link went down, or an earlier answer refused.
    if (at < 0) return;
    if (done(result)) {
      unconfirmed.splice(0, at + 1);
      return;
    }
    putBackUnconfirmed();
    // Refused while the peer's news may be on its way (it can overtake the refusal): try at once, and wait for the news
    // if that is refused too. Unanswered, the link is being dropped: its registration will send them.
    if (!result.ok && result.error !== ErrorCode.Unreachable) flush();
  }

  /** Sends what waited: the first marked `again` and answered, so the rest follow only into a reachable call. */
  function flush(): void {
    serially(async () => {
      const callId = currentCallId();
      waiting = waiting.filter((item) => item.callId === callId);
      const [first] = waiting;
      const link = deps.link();
      if (!first || !link) return;
      const result = await new Promise<Result | null>((resolve) => {
        if (!link.post({ ...first, again: true }, resolve)) resolve(null);
      });
      if (!result || !done(result) || waiting[0] !== first) return;
      waiting.shift();
      while (waiting.length > 0 && post(waiting[0], waiting.length === 1)) waiting.shift();
    });
  }

  const relay: SignalRelay = {
    send(data) {
      const call = deps.call();
      if (held && call.phase !== 'idle' && call.callId === held.callId) {
        // An answer and its candidates, a few dozen at most; a document sending far more is not preparing a call.
        if (held.signals.length < MAX_WAITING_SIGNALS) held.signals.push(data);
        storeHeld();
        return;
      }
      queued++;
      serially(async () => {
        queued--;
        const callId = currentCallId();
        if (!callId) return;
        // What waited for an earlier call is worthless now, and must not hold this call's signals back.
        waiting = waiting.filter((item) => item.callId === callId);
        if (waiting.length === 0 && post({ callId, data }, queued === 0)) return;
        wait({ callId, data });
      });
    },

    hold(callId) {
      held = { callId, signals: [] };
      storeHeld();
    },

    release(callId) {
      const signals = held?.callId === callId ? held.signals : [];
      held = null;
      storeHeld();
      const { riding, following } = splitForAccept(signals);
      // Sent after the accept that is emitted the moment this returns: the relay's sending is never synchronous.
      for (const data of following) relay.send(data);
      return riding;
    },

    registered() {
      // What the link that went down did not confirm goes first.
      putBackUnconfirmed();
      const call = deps.call();
      // A ringing call outlives its caller's reconnection, and the server holds what it sends for the callee.
      if (call.phase === 'calling') return flush();
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
          if (result.peerOnline) flush();
        });
    },

    peerStatus({ callId, online }) {
      if (callId !== currentCallId()) return;
      void deps.dispatch({ type: 'peer-status', online, now: Date.now() }).then(() => {
        if (online) flush();
      });
    },
  };
  return relay;
}
