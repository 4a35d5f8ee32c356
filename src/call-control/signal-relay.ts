/**
 * The call's signals between the offscreen document and the server, across
 * outages. A signal goes out without waiting for an answer (the server answers
 * only a refusal, so a relayed signal costs it one write). One the server
 * cannot relay now (it is restarting and has not heard the call rejoined, or
 * the peer's link is down) comes back, with every later one of the call until
 * the relay starts over; it waits and goes out, in order, once the call is
 * reachable again: an ICE restart or renegotiation started during an outage is
 * delayed, never lost.
 */
import type { CallEvent, CallState } from '../shared/call-state';
import { ErrorCode, type PeerStatus, type SignalData, type SignalRefused, splitForAccept } from '../shared/protocol';
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
  /** The server sent a signal back instead of relaying it. */
  refused: (refusal: SignalRefused) => void;
}

/** The relay, with the signals a ringing call held before this worker started. */
export async function createSignalRelay(deps: SignalRelayDeps): Promise<SignalRelay> {
  let waiting: { callId: string; data: SignalData }[] = [];
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

  /** Sends with an acknowledgement and says whether the signal is done with: relayed, or refused for good. */
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

  function wait(item: { callId: string; data: SignalData }): void {
    if (waiting.length >= MAX_WAITING_SIGNALS) waiting.shift();
    waiting.push(item);
  }

  function flush(): void {
    serially(async () => {
      const callId = currentCallId();
      waiting = waiting.filter((item) => item.callId === callId);
      // The first with an acknowledgement: it says whether the call is reachable again, and has the server stop
      // sending this call's signals back. The rest follow it without one.
      if (waiting.length === 0 || !(await deliver(waiting[0]!.callId, waiting[0]!.data))) return;
      waiting.shift();
      const link = deps.link();
      while (waiting.length > 0 && link?.post(waiting[0]!)) waiting.shift();
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
      serially(async () => {
        const callId = currentCallId();
        if (!callId) return;
        // What waited for an earlier call is worthless now, and must not hold this call's signals back.
        waiting = waiting.filter((item) => item.callId === callId);
        if (waiting.length === 0 && deps.link()?.post({ callId, data })) return;
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
          if (result.peerOnline) flush();
        });
    },

    refused({ signal, error, message }) {
      if (!signal || !TRANSIENT.has(error)) {
        deps.log(`A signaling message was refused: ${message}`);
        return;
      }
      if (signal.callId !== currentCallId()) return;
      const first = waiting.length === 0;
      // The server sends back the rest of the call's signals in the order they were sent: they queue up behind it.
      wait(signal);
      // The peer may be back already (news of it can overtake the refusal): try at once; if not, the news will.
      if (first) flush();
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
