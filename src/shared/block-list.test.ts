import { describe, expect, it } from 'vitest';
import { blockCode, storedBlockList, unblockCode } from './block-list';
import type { CallCode } from './call-code';
import { MAX_BLOCKED_CODES } from './protocol';

const ALICE = 'K7QM4ZP2XWA9' as CallCode;
const BOB = 'C3DF4ZP2XWA9' as CallCode;

/** Distinct well-formed codes: the alphabet's first letters, counted in base 32. */
function codes(count: number): string[] {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return Array.from({ length: count }, (_, n) => n.toString(32).toUpperCase().padStart(12, '0').replace(/./g, (digit) => alphabet[parseInt(digit, 32)]!));
}

describe('block list', () => {
  it('blocks a code once, and unblocks it', () => {
    const once = blockCode([], ALICE);
    expect(once).toEqual({ ok: true, blocked: [ALICE] });
    expect(once.ok && blockCode(once.blocked, ALICE)).toEqual({ ok: true, blocked: [ALICE] });
    expect(unblockCode([ALICE, BOB], ALICE)).toEqual([BOB]);
    expect(unblockCode([BOB], ALICE)).toEqual([BOB]);
  });

  it(`refuses the ${MAX_BLOCKED_CODES + 1}th code in words, as the server would, and changes nothing`, () => {
    const full = codes(MAX_BLOCKED_CODES);
    expect(storedBlockList(full)).toEqual(full);
    const refused = blockCode(full, ALICE);
    expect(refused).toEqual({ ok: false, message: `You can block at most ${MAX_BLOCKED_CODES} codes. Unblock one first, in Settings.` });
    expect(full).toHaveLength(MAX_BLOCKED_CODES);
    // One already on a full list is simply still blocked.
    expect(blockCode(full, full[0] as CallCode).ok).toBe(true);
  });

  it('reads back only a list the server would take', () => {
    expect(storedBlockList([ALICE])).toEqual([ALICE]);
    expect(storedBlockList(undefined)).toBeNull();
    expect(storedBlockList(['not a code'])).toBeNull();
    expect(storedBlockList(codes(MAX_BLOCKED_CODES + 1))).toBeNull();
  });
});
