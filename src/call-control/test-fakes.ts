/**
 * Small stand-ins for what the worker's modules get as parameters, for their
 * unit tests: storage kept in a Map, and a signaling link that records each
 * request and answers it as the test says.
 */
import { type Failure, ErrorCode, type Result, type SignalData, type SignalMessage } from '../shared/protocol';
import type { RequestEvent, RequestPayload, ReplyTo, SignalingLink } from './signaling-link';
import { memoryStorageArea, type StorageArea } from './storage-area';

export interface MemoryStorage extends StorageArea {
  items: Map<string, unknown>;
  /** While on, every write rejects as a full or unavailable storage does, and stores nothing. */
  failWrites: boolean;
}

export function memoryStorage(): MemoryStorage {
  const items = new Map<string, unknown>();
  const area = memoryStorageArea(items);
  const storage: MemoryStorage = {
    items,
    failWrites: false,
    get: area.get,
    async set(entries) {
      if (storage.failWrites) throw new Error('Resource::kQuotaBytes quota exceeded');
      await area.set(entries);
    },
  };
  return storage;
}

export interface Sent {
  event: RequestEvent | 'signal';
  payload: unknown;
  /** A signal that asked for an answer. */
  asked?: boolean;
}

export interface FakeLink extends SignalingLink {
  /** Requests and signals, in the order sent. */
  sent: Sent[];
  /** The server's answer to a request; `{ ok: true }` unless the test says otherwise. */
  reply: (event: RequestEvent, payload: unknown) => unknown;
  /** The server's answer to a signal that asks for one, a turn later; `{ ok: true }` unless the test says otherwise. */
  answer: (message: SignalMessage) => Result | Promise<Result>;
  /** While false, the link is not registered: signals are not sent. */
  registered: boolean;
}

export function fakeLink(): FakeLink {
  const link: FakeLink = {
    sent: [],
    reply: () => ({ ok: true }),
    answer: () => ({ ok: true }),
    registered: true,
    request<E extends RequestEvent>(event: E, payload: RequestPayload<E>) {
      link.sent.push({ event, payload });
      return Promise.resolve(link.reply(event, payload) as ReplyTo<E>);
    },
    post(payload, answered) {
      if (!link.registered) return false;
      link.sent.push({ event: 'signal', payload, ...(answered && { asked: true }) });
      if (answered) setImmediate(() => void Promise.resolve(link.answer(payload)).then(answered));
      return true;
    },
    close() {},
  };
  return link;
}

export const peerOffline: Failure = { ok: false, error: ErrorCode.Unavailable, message: 'The peer is offline.' };
/** What the link answers for a signal whose answer did not come in time. */
export const noAnswer: Failure = { ok: false, error: ErrorCode.Unreachable, message: 'The server did not answer.' };

export function candidate(n: number): SignalData {
  return { kind: 'candidate', candidate: { candidate: `candidate:${n} 1 udp 2122260223 10.0.0.1 ${50_000 + n} typ host`, sdpMid: '0', sdpMLineIndex: 0 } };
}

export const ANSWER: SignalData = { kind: 'description', description: { type: 'answer', sdp: 'v=0\r\n' } };

/** Lets every promise already settled run its callbacks, timers aside. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
