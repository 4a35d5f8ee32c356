/**
 * The call's chat and file transfers as one pure reducer: the offscreen
 * document (which owns the data channel) feeds it what happens, the worker
 * pushes the result to the popup, which renders it. It lives as long as the
 * call: history is for this call only.
 */
import { type Wording, words } from './wording';

/** A chat message is a message, not a document; longer text is better sent as a file. */
export const MAX_CHAT_LENGTH = 4000;

export type Side = 'me' | 'peer';

export interface ChatMessage {
  id: string;
  from: Side;
  text: string;
  at: number;
  /** For my messages: the other side has it. */
  delivered: boolean;
}

export type TransferStatus =
  /** Offered; waiting for the receiver to accept or decline. */
  | 'offered'
  | 'transferring'
  /** The path broke mid-transfer: waiting for the call to reconnect, then carrying on from the receiver's last written byte. */
  | 'paused'
  /** All bytes sent; waiting for the receiver's hash verdict. */
  | 'verifying'
  /** Receiver: verified, handed to the downloads API. */
  | 'saving'
  | 'done'
  | 'declined'
  | 'cancelled'
  | 'failed';

export interface Transfer {
  id: string;
  direction: 'send' | 'receive';
  name: string;
  size: number;
  status: TransferStatus;
  bytes: number;
  /** Bytes per second, smoothed; 0 until measured. */
  speed: number;
  /** When `bytes` last changed, for the next speed sample. */
  sampledAt: number;
  /** Who cancelled, or why it failed: words for the page that shows it. */
  detail?: Wording;
  /** A failed send, or one the other side stopped, whose file is still at hand: it can be sent again from the start. */
  retryable?: true;
}

export interface ChatAndFiles {
  messages: ChatMessage[];
  transfers: Transfer[];
}

export const EMPTY_CHAT_AND_FILES: ChatAndFiles = { messages: [], transfers: [] };

/** A long call's chat is kept whole up to here; older messages drop off first. */
export const MAX_CHAT_HISTORY = 500;
/** Offers beyond this in one call are dropped: a flood of offers must not grow the state without end. */
export const MAX_TRANSFERS = 200;
/** How much a new speed sample moves the shown speed: steady enough to read, quick enough to follow. */
const SPEED_SMOOTHING = 0.3;

export type ChatAndFilesEvent =
  | { type: 'chat'; from: Side; id: string; text: string; at: number }
  | { type: 'delivered'; id: string }
  | { type: 'offer'; direction: 'send' | 'receive'; id: string; name: string; size: number; at: number }
  | { type: 'accepted'; id: string; at: number }
  | { type: 'declined'; id: string }
  | { type: 'progress'; id: string; bytes: number; at: number }
  | { type: 'paused'; id: string }
  | { type: 'resumed'; id: string; at: number }
  /** Sender: every byte is out; receiver: the sender's hash arrived. */
  | { type: 'sent-all'; id: string }
  | { type: 'verified'; id: string; ok: boolean; at: number }
  | { type: 'saved'; id: string }
  /** `retryable`: a send the other side stopped, whose file is still at hand. */
  | { type: 'cancelled'; id: string; by: Side; retryable?: true }
  | { type: 'failed'; id: string; error: Wording; retryable?: true }
  /** A failed send was offered again, as a new transfer: this one is history. */
  | { type: 'retried'; id: string };

const FINAL: ReadonlySet<TransferStatus> = new Set(['done', 'declined', 'cancelled', 'failed']);

export function isFinal(transfer: Transfer): boolean {
  return FINAL.has(transfer.status);
}

export function reduceChatAndFiles(state: ChatAndFiles, event: ChatAndFilesEvent): ChatAndFiles {
  switch (event.type) {
    case 'chat': {
      if (state.messages.some((m) => m.id === event.id && m.from === event.from)) return state;
      const message: ChatMessage = { id: event.id, from: event.from, text: event.text, at: event.at, delivered: false };
      return { ...state, messages: [...state.messages, message].slice(-MAX_CHAT_HISTORY) };
    }
    case 'delivered':
      return { ...state, messages: state.messages.map((m) => (m.id === event.id && m.from === 'me' ? { ...m, delivered: true } : m)) };
    case 'offer': {
      if (state.transfers.length >= MAX_TRANSFERS || state.transfers.some((t) => t.id === event.id)) return state;
      const { direction, id, name, size, at } = event;
      return { ...state, transfers: [...state.transfers, { id, direction, name, size, status: 'offered', bytes: 0, speed: 0, sampledAt: at }] };
    }
    case 'accepted':
      return update(state, event.id, (t) => (t.status === 'offered' ? { ...t, status: 'transferring', sampledAt: event.at } : t));
    case 'declined':
      return update(state, event.id, (t) => (t.status === 'offered' ? { ...t, status: 'declined' } : t));
    case 'progress':
      return update(state, event.id, (t) => (t.status === 'transferring' ? withProgress(t, event.bytes, event.at) : t));
    case 'paused':
      return update(state, event.id, (t) => (t.status === 'transferring' ? { ...t, status: 'paused' } : t));
    case 'resumed':
      // The pause is no part of the speed: the next sample starts now.
      return update(state, event.id, (t) => (t.status === 'paused' ? { ...t, status: 'transferring', sampledAt: event.at } : t));
    case 'sent-all':
      return update(state, event.id, (t) => (t.status === 'transferring' || t.status === 'paused' ? { ...t, status: 'verifying', bytes: t.size } : t));
    case 'verified':
      return update(state, event.id, (t) => {
        if (t.status !== 'verifying' && t.status !== 'transferring' && t.status !== 'paused') return t;
        if (!event.ok) return { ...t, status: 'failed', detail: words('transferDamaged') };
        return { ...t, status: t.direction === 'receive' ? 'saving' : 'done', bytes: t.size };
      });
    case 'saved':
      return update(state, event.id, (t) => (t.status === 'saving' ? { ...t, status: 'done' } : t));
    case 'cancelled':
      return update(state, event.id, (t) => ({
        ...t,
        status: 'cancelled',
        detail: words(event.by === 'me' ? 'transferCancelledByMe' : 'transferCancelledByPeer'),
        ...(event.retryable && t.direction === 'send' ? { retryable: true } : {}),
      }));
    case 'failed':
      return update(state, event.id, (t) => ({ ...t, status: 'failed', detail: event.error, ...(event.retryable && t.direction === 'send' ? { retryable: true } : {}) }));
    case 'retried': {
      // The one change a finished transfer takes: its Retry is spent.
      const transfers = state.transfers.map((t) => (t.id === event.id && t.retryable ? { ...t, retryable: undefined } : t));
      return transfers.some((t, i) => t !== state.transfers[i]) ? { ...state, transfers } : state;
    }
  }
}

/** Applies `change` to one transfer that is still going; a finished transfer never changes again. */
function update(state: ChatAndFiles, id: string, change: (t: Transfer) => Transfer): ChatAndFiles {
  const index = state.transfers.findIndex((t) => t.id === id);
  const current = state.transfers[index];
  if (!current || isFinal(current)) return state;
  const next = change(current);
  if (next === current) return state;
  const transfers = [...state.transfers];
  transfers[index] = next;
  return { ...state, transfers };
}

function withProgress(t: Transfer, bytes: number, at: number): Transfer {
  const elapsed = (at - t.sampledAt) / 1000;
  if (bytes <= t.bytes || elapsed <= 0) return t;
  const sample = (bytes - t.bytes) / elapsed;
  const speed = t.speed === 0 ? sample : t.speed + SPEED_SMOOTHING * (sample - t.speed);
  return { ...t, bytes: Math.min(bytes, t.size), speed, sampledAt: at };
}

/** Messages from the other person that arrived after `seenAt` (when the chat was last on screen). */
export function unreadCount(state: ChatAndFiles, seenAt: number): number {
  return state.messages.filter((m) => m.from === 'peer' && m.at > seenAt).length;
}
