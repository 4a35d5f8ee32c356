import { describe, expect, it } from 'vitest';
import type { Transfer } from '../shared/chat-and-files';
import { describeTransfer, formatBytes, formatTimeLeft } from './describe-transfer';
import { words } from '../shared/wording';

const base: Transfer = { id: 'file-0001', direction: 'receive', name: 'a.bin', size: 50_000_000, status: 'offered', bytes: 0, speed: 0, sampledAt: 0 };

describe('a transfer in words', () => {
  it('formats sizes in decimal units', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(1500)).toBe('1.5 KB');
    expect(formatBytes(52_428_800)).toBe('52.4 MB');
    expect(formatBytes(200_000_000)).toBe('200 MB');
  });

  it('rounds time left up, to minutes past a minute', () => {
    expect(formatTimeLeft(0.2)).toBe('1 s left');
    expect(formatTimeLeft(59)).toBe('59 s left');
    expect(formatTimeLeft(61)).toBe('2 min left');
    expect(formatTimeLeft(3700)).toBe('1 h 2 min left');
  });

  it('shows what the receiver decides on, then progress with speed and time left', () => {
    expect(describeTransfer(base)).toBe('50 MB');
    expect(describeTransfer({ ...base, status: 'transferring', bytes: 10_000_000, speed: 20_000_000 })).toBe('10 MB of 50 MB · 20 MB/s · 2 s left');
    expect(describeTransfer({ ...base, status: 'done' })).toBe('50 MB · verified and saved to Downloads');
    // A web page cannot save to Downloads: the guest page keeps the file for its Save link, and says so.
    expect(describeTransfer({ ...base, status: 'done' }, 'page')).toBe('50 MB · verified: save it from Received files');
    expect(describeTransfer({ ...base, direction: 'send', status: 'declined' })).toBe('Declined: nothing was sent.');
    expect(describeTransfer({ ...base, status: 'cancelled', detail: words('transferCancelledByPeer') })).toBe('Cancelled. They cancelled.');
  });
});
