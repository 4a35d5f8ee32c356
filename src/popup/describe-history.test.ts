import { describe, expect, it } from 'vitest';
import { describeHistoryEntry } from './describe-history';

const BOB = 'K7QM4ZP2XWA9';
const noon = new Date(2026, 10, 24, 12, 0).getTime();

describe('a recent call in words', () => {
  it('says which way a call went, how long it lasted, and names the person by nickname when there is one', () => {
    const call = { peer: BOB, direction: 'outgoing', at: noon - 60_000, duration: 62, missed: false } as const;
    expect(describeHistoryEntry(call, {}, noon, 'en-GB')).toEqual({ name: 'K7QM-4ZP2-XWA9', guest: null, summary: 'Outgoing call, 1:02', when: '11:59' });
    expect(describeHistoryEntry({ ...call, direction: 'incoming' }, { [BOB]: 'Bob' }, noon, 'en-GB')).toMatchObject({ name: 'Bob', summary: 'Incoming call, 1:02' });
  });

  it("names a guest by its own name, marked unverified and with the code, unless the person gave the code a nickname", () => {
    const call = { peer: BOB, guestName: 'Ann', direction: 'incoming', at: noon, duration: 0, missed: true } as const;
    expect(describeHistoryEntry(call, {}, noon, 'en-GB')).toMatchObject({
      name: 'Guest: Ann (unverified name, code K7QM-4ZP2-XWA9)',
      guest: { name: 'Guest: Ann', unverified: '(unverified name, code K7QM-4ZP2-XWA9)' },
    });
    expect(describeHistoryEntry(call, { [BOB]: 'Bob' }, noon, 'en-GB')).toMatchObject({ name: 'Bob', guest: null });
    expect(describeHistoryEntry({ ...call, guestName: undefined }, {}, noon, 'en-GB').guest).toBeNull();
  });

  it('marks a missed call as missed, and one that never connected as such', () => {
    const call = { peer: BOB, direction: 'incoming', at: noon, duration: 0, missed: true } as const;
    expect(describeHistoryEntry(call, {}, noon, 'en-GB').summary).toBe('Missed call');
    expect(describeHistoryEntry({ ...call, missed: false }, {}, noon, 'en-GB').summary).toBe('Incoming call, not connected');
  });

  it('marks an accepted call that could not connect as failed, not as a call that took place', () => {
    const call = { peer: BOB, direction: 'outgoing', at: noon, duration: 0, missed: false, failed: true } as const;
    expect(describeHistoryEntry(call, {}, noon, 'en-GB').summary).toBe('Outgoing call, failed: could not connect');
    expect(describeHistoryEntry({ ...call, direction: 'incoming' }, {}, noon, 'en-GB').summary).toBe('Incoming call, failed: could not connect');
  });

  it('says a ring that came while in another call was missed for that reason', () => {
    const call = { peer: BOB, direction: 'incoming', at: noon, duration: 0, missed: true, whileBusy: true } as const;
    expect(describeHistoryEntry(call, {}, noon, 'en-GB').summary).toBe('Missed call while you were in another call');
  });

  it('gives the day for a call before today', () => {
    const yesterday = new Date(2026, 10, 23, 18, 30).getTime();
    expect(describeHistoryEntry({ peer: BOB, direction: 'outgoing', at: yesterday, duration: 5, missed: false }, {}, noon, 'en-GB').when).toBe('23 Nov, 18:30');
  });
});
