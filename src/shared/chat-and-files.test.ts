import { describe, expect, it } from 'vitest';
import { type ChatAndFiles, type ChatAndFilesEvent, EMPTY_CHAT_AND_FILES, MAX_CHAT_HISTORY, MAX_TRANSFERS, reduceChatAndFiles, type TransferStatus, unreadCount } from './chat-and-files';
import { words } from './wording';

const play = (...events: ChatAndFilesEvent[]): ChatAndFiles => events.reduce(reduceChatAndFiles, EMPTY_CHAT_AND_FILES);
const MB = 1_000_000;
const offer = (direction: 'send' | 'receive' = 'send'): ChatAndFilesEvent => ({ type: 'offer', direction, id: 'file-0001', name: 'a.bin', size: 10 * MB, at: 0 });
const only = (state: ChatAndFiles) => state.transfers[0]!;

describe('chat', () => {
  it('keeps messages both ways in order and marks mine delivered on the receipt', () => {
    const state = play(
      { type: 'chat', from: 'me', id: 'msg-0001', text: 'hi', at: 1 },
      { type: 'chat', from: 'peer', id: 'msg-0001', text: 'hello', at: 2 },
      { type: 'delivered', id: 'msg-0001' },
    );
    expect(state.messages.map((m) => [m.from, m.text, m.delivered])).toEqual([
      ['me', 'hi', true],
      ['peer', 'hello', false],
    ]);
  });

  it('ignores a message that arrives twice', () => {
    const hello: ChatAndFilesEvent = { type: 'chat', from: 'peer', id: 'msg-0001', text: 'hello', at: 2 };
    expect(play(hello, hello).messages).toHaveLength(1);
  });

  it('keeps a bounded history, dropping the oldest first', () => {
    const events = Array.from({ length: MAX_CHAT_HISTORY + 3 }, (_, i): ChatAndFilesEvent => ({ type: 'chat', from: 'peer', id: `msg-${String(i).padStart(5, '0')}`, text: `${i}`, at: i }));
    const { messages } = play(...events);
    expect(messages).toHaveLength(MAX_CHAT_HISTORY);
    expect(messages[0]!.text).toBe('3');
  });

  it('counts as unread only their messages since the chat was last seen', () => {
    const state = play(
      { type: 'chat', from: 'peer', id: 'msg-0001', text: 'a', at: 10 },
      { type: 'chat', from: 'me', id: 'msg-0002', text: 'b', at: 20 },
      { type: 'chat', from: 'peer', id: 'msg-0003', text: 'c', at: 30 },
      { type: 'chat', from: 'peer', id: 'msg-0004', text: 'd', at: 40 },
    );
    expect(unreadCount(state, 0)).toBe(3);
    expect(unreadCount(state, 30)).toBe(1);
    expect(unreadCount(state, 40)).toBe(0);
  });
});

describe('a file transfer', () => {
  it('goes offered → transferring → verifying → done for the sender, with speed from progress', () => {
    let state = play(offer(), { type: 'accepted', id: 'file-0001', at: 1000 });
    expect(only(state).status).toBe('transferring');
    state = reduceChatAndFiles(state, { type: 'progress', id: 'file-0001', bytes: 2 * MB, at: 2000 });
    expect(only(state)).toMatchObject({ bytes: 2 * MB, speed: 2 * MB });
    state = reduceChatAndFiles(state, { type: 'progress', id: 'file-0001', bytes: 6 * MB, at: 3000 });
    // Smoothed: 2 MB/s moving towards the 4 MB/s sample.
    expect(only(state).speed).toBeCloseTo(2.6 * MB);
    state = reduceChatAndFiles(state, { type: 'sent-all', id: 'file-0001' });
    expect(only(state)).toMatchObject({ status: 'verifying', bytes: 10 * MB });
    state = reduceChatAndFiles(state, { type: 'verified', id: 'file-0001', ok: true, at: 4000 });
    expect(only(state).status).toBe('done');
  });

  it('goes through saving to done for the receiver, and fails on a bad hash without saving', () => {
    const received = play(offer('receive'), { type: 'accepted', id: 'file-0001', at: 0 }, { type: 'sent-all', id: 'file-0001' });
    const verified = reduceChatAndFiles(received, { type: 'verified', id: 'file-0001', ok: true, at: 1 });
    expect(only(verified).status).toBe('saving');
    expect(only(reduceChatAndFiles(verified, { type: 'saved', id: 'file-0001' })).status).toBe('done');
    const damaged = reduceChatAndFiles(received, { type: 'verified', id: 'file-0001', ok: false, at: 1 });
    expect(only(damaged)).toMatchObject({ status: 'failed', detail: words('transferDamaged') });
    expect(only(reduceChatAndFiles(damaged, { type: 'saved', id: 'file-0001' })).status).toBe('failed');
  });

  it('a declined offer never starts', () => {
    const state = play(offer(), { type: 'declined', id: 'file-0001' }, { type: 'accepted', id: 'file-0001', at: 1 }, { type: 'progress', id: 'file-0001', bytes: 1, at: 2 });
    expect(only(state)).toMatchObject({ status: 'declined', bytes: 0 });
  });

  it('pauses while the path is down and carries on without counting the pause in its speed', () => {
    const running = play(offer('send'), { type: 'accepted', id: 'file-0001', at: 0 }, { type: 'progress', id: 'file-0001', bytes: MB, at: 1000 });
    const paused = reduceChatAndFiles(running, { type: 'paused', id: 'file-0001' });
    expect(only(paused).status).toBe('paused');
    // Acks that trickle in while paused wait for the resume.
    expect(reduceChatAndFiles(paused, { type: 'progress', id: 'file-0001', bytes: 2 * MB, at: 5000 })).toBe(paused);
    const back = reduceChatAndFiles(paused, { type: 'resumed', id: 'file-0001', at: 60_000 });
    expect(only(back)).toMatchObject({ status: 'transferring', sampledAt: 60_000 });
    // One more MB in the second after the pause: 1 MB/s, not 1 MB over a minute.
    const sampled = reduceChatAndFiles(back, { type: 'progress', id: 'file-0001', bytes: 2 * MB, at: 61_000 });
    expect(only(sampled).speed).toBeCloseTo(only(running).speed + 0.3 * (MB - only(running).speed));
    // A resume for a transfer that is not paused changes nothing.
    expect(reduceChatAndFiles(back, { type: 'resumed', id: 'file-0001', at: 70_000 })).toBe(back);
  });

  it('a failed send keeps a Retry until it is used; a failed receive never has one', () => {
    const error = words('transferCannotResume', 'no resume');
    const sent = play(offer('send'), { type: 'accepted', id: 'file-0001', at: 0 }, { type: 'failed', id: 'file-0001', error, retryable: true });
    expect(only(sent)).toMatchObject({ status: 'failed', detail: error, retryable: true });
    const retried = reduceChatAndFiles(sent, { type: 'retried', id: 'file-0001' });
    expect(only(retried).retryable).toBeUndefined();
    expect(only(retried).status).toBe('failed');
    expect(reduceChatAndFiles(retried, { type: 'retried', id: 'file-0001' })).toBe(retried);
    const received = play(offer('receive'), { type: 'accepted', id: 'file-0001', at: 0 }, { type: 'failed', id: 'file-0001', error, retryable: true });
    expect(only(received).retryable).toBeUndefined();
  });

  // Every state a transfer can be in, reached through real events.
  const paths: Record<TransferStatus, ChatAndFilesEvent[]> = {
    offered: [offer('receive')],
    transferring: [offer('receive'), { type: 'accepted', id: 'file-0001', at: 0 }, { type: 'progress', id: 'file-0001', bytes: MB, at: 500 }],
    paused: [offer('send'), { type: 'accepted', id: 'file-0001', at: 0 }, { type: 'paused', id: 'file-0001' }],
    verifying: [offer('receive'), { type: 'accepted', id: 'file-0001', at: 0 }, { type: 'sent-all', id: 'file-0001' }],
    saving: [offer('receive'), { type: 'accepted', id: 'file-0001', at: 0 }, { type: 'sent-all', id: 'file-0001' }, { type: 'verified', id: 'file-0001', ok: true, at: 1 }],
    done: [offer('send'), { type: 'accepted', id: 'file-0001', at: 0 }, { type: 'sent-all', id: 'file-0001' }, { type: 'verified', id: 'file-0001', ok: true, at: 1 }],
    declined: [offer('send'), { type: 'declined', id: 'file-0001' }],
    cancelled: [offer('send'), { type: 'cancelled', id: 'file-0001', by: 'peer' }],
    failed: [offer('send'), { type: 'failed', id: 'file-0001', error: words('fileConnectionClosed') }],
  };

  for (const [status, events] of Object.entries(paths)) {
    const final = ['done', 'declined', 'cancelled', 'failed'].includes(status);
    it(final ? `cancel after ${status} changes nothing` : `cancel while ${status} stops it, saying who cancelled`, () => {
      const before = play(...events);
      expect(only(before).status).toBe(status);
      for (const by of ['me', 'peer'] as const) {
        const after = reduceChatAndFiles(before, { type: 'cancelled', id: 'file-0001', by });
        if (final) expect(after).toBe(before);
        else expect(only(after)).toMatchObject({ status: 'cancelled', detail: words(by === 'me' ? 'transferCancelledByMe' : 'transferCancelledByPeer') });
        // Nothing that arrives late revives it.
        const late = reduceChatAndFiles(after, { type: 'verified', id: 'file-0001', ok: true, at: 9 });
        expect(only(late).status).toBe(only(after).status);
      }
    });
  }

  it('stops taking offers once a call has had its fill, so a flood of offers stays bounded', () => {
    const offers = Array.from({ length: MAX_TRANSFERS + 5 }, (_, i): ChatAndFilesEvent => ({ ...(offer('receive') as Extract<ChatAndFilesEvent, { type: 'offer' }>), id: `file-${i}` }));
    expect(play(...offers).transfers).toHaveLength(MAX_TRANSFERS);
  });

  it('ignores events for transfers it does not know', () => {
    const state = play(offer());
    expect(reduceChatAndFiles(state, { type: 'cancelled', id: 'file-9999', by: 'peer' })).toBe(state);
  });
});
