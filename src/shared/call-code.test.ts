import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CODE_BITS,
  codeFromPublicKey,
  formatCallCode,
  fromBase64,
  generateIdentity,
  parseCallCode,
  signRegistration,
  toBase64,
  verifyRegistration,
  type CallCode,
} from './call-code';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The code written out the slow, obvious way: hash with Node's own crypto,
 * spell the digest as a string of bits, read it five bits at a time. If the
 * module's shift-and-mask loop drops or reorders a bit, these disagree. */
function expectedCode(publicKeyRaw: Uint8Array): string {
  const digest = createHash('sha256').update(publicKeyRaw).digest();
  const bits = [...digest].map((byte) => byte.toString(2).padStart(8, '0')).join('');
  let code = '';
  for (let i = 0; i < CODE_BITS; i += 5) code += CROCKFORD[parseInt(bits.slice(i, i + 5), 2)];
  return code;
}

describe('codeFromPublicKey', () => {
  it('gives twelve characters of Crockford base32, the same every time for one key', async () => {
    const { publicKeyRaw, code } = await generateIdentity();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(await codeFromPublicKey(publicKeyRaw)).toBe(code);
    expect(await codeFromPublicKey(publicKeyRaw.slice())).toBe(code);
  });

  it('takes the first 60 bits of SHA-256 in order, as an independent bit-by-bit reading does', async () => {
    for (let i = 0; i < 20; i++) {
      const { publicKeyRaw, code } = await generateIdentity();
      expect(code).toBe(expectedCode(publicKeyRaw));
    }
  });

  it('agrees with the independent reading on fixed inputs, so a failure reproduces', async () => {
    for (const input of [new Uint8Array(0), new Uint8Array(65), new Uint8Array(65).fill(0xff), new TextEncoder().encode('peerdial')]) {
      expect(await codeFromPublicKey(input)).toBe(expectedCode(input));
    }
  });

  it('gives different keys different codes', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) codes.add((await generateIdentity()).code);
    expect(codes.size).toBe(20);
  });
});

describe('parseCallCode', () => {
  const code = '0123456789AB';

  it('accepts a code exactly as issued', () => {
    expect(parseCallCode(code)).toBe(code);
  });

  it('accepts lower case, dashes and spaces, as people type and paste', () => {
    expect(parseCallCode('0123-4567-89ab')).toBe(code);
    expect(parseCallCode(' 0123 4567 89AB ')).toBe(code);
    expect(parseCallCode('0123-4567 -\t89aB\n')).toBe(code);
  });

  it('reads the look-alikes O as 0 and I, L as 1, in either case', () => {
    expect(parseCallCode('O123-4567-89AB')).toBe(code);
    expect(parseCallCode('o123-4567-89ab')).toBe(code);
    expect(parseCallCode('0I23-4567-89AB')).toBe(code);
    expect(parseCallCode('0l23-4567-89ab')).toBe(code);
    expect(parseCallCode('0L23-4567-89AB')).toBe(code);
  });

  it('rejects a code one character short or long', () => {
    expect(parseCallCode('0123-4567-89A')).toBeNull();
    expect(parseCallCode('0123-4567-89ABC')).toBeNull();
    expect(parseCallCode('')).toBeNull();
    expect(parseCallCode('---- ----')).toBeNull();
  });

  it('rejects U and anything else outside the alphabet', () => {
    expect(parseCallCode('0123-4567-89AU')).toBeNull();
    expect(parseCallCode('0123-4567-89au')).toBeNull();
    expect(parseCallCode('0123-4567-89A!')).toBeNull();
    expect(parseCallCode('0123_4567_89AB')).toBeNull();
    expect(parseCallCode('0123-4567-89AÉ')).toBeNull();
  });
});

describe('formatCallCode', () => {
  it('writes three groups of four for reading aloud', () => {
    expect(formatCallCode('K7QM4ZP2XWA9' as CallCode)).toBe('K7QM-4ZP2-XWA9');
  });

  it('round-trips through parseCallCode', async () => {
    const { code } = await generateIdentity();
    const formatted = formatCallCode(code);
    expect(formatted).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(parseCallCode(formatted)).toBe(code);
    expect(parseCallCode(formatted.toLowerCase())).toBe(code);
  });
});

describe('verifyRegistration', () => {
  const challenge = 'c7f0e2b1-server-challenge';

  it('returns the code for a real signature over the challenge', async () => {
    const { keyPair, publicKeyRaw, code } = await generateIdentity();
    const signature = await signRegistration(keyPair.privateKey, challenge);
    expect(await verifyRegistration(publicKeyRaw, challenge, signature)).toBe(code);
  });

  it("refuses a signature made by another key, so nobody can claim someone else's code", async () => {
    const victim = await generateIdentity();
    const attacker = await generateIdentity();
    const signature = await signRegistration(attacker.keyPair.privateKey, challenge);
    expect(await verifyRegistration(victim.publicKeyRaw, challenge, signature)).toBeNull();
  });

  it('refuses a signature over a different challenge, so a recorded registration cannot be replayed', async () => {
    const { keyPair, publicKeyRaw } = await generateIdentity();
    const signature = await signRegistration(keyPair.privateKey, 'yesterdays-challenge');
    expect(await verifyRegistration(publicKeyRaw, challenge, signature)).toBeNull();
  });

  it('refuses a signature of the bare challenge, without the registration context', async () => {
    // A signature the key made for some other purpose must not register a code.
    const { keyPair, publicKeyRaw } = await generateIdentity();
    const bare = new Uint8Array(
      await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keyPair.privateKey, new TextEncoder().encode(challenge)),
    );
    expect(await verifyRegistration(publicKeyRaw, challenge, bare)).toBeNull();
  });

  it('refuses a signature with one bit flipped', async () => {
    const { keyPair, publicKeyRaw } = await generateIdentity();
    const signature = await signRegistration(keyPair.privateKey, challenge);
    for (const index of [0, 31, 32, 63]) {
      const tampered = signature.slice();
      tampered[index]! ^= 0x01;
      expect(await verifyRegistration(publicKeyRaw, challenge, tampered)).toBeNull();
    }
  });

  it('returns null, never throws, for garbage keys and signatures', async () => {
    const { keyPair, publicKeyRaw } = await generateIdentity();
    const signature = await signRegistration(keyPair.privateKey, challenge);
    const garbage = [new Uint8Array(0), new Uint8Array(3).fill(7), new Uint8Array(65), new Uint8Array(200).fill(0xab)];
    for (const bytes of garbage) {
      await expect(verifyRegistration(bytes, challenge, signature)).resolves.toBeNull();
      await expect(verifyRegistration(publicKeyRaw, challenge, bytes)).resolves.toBeNull();
    }
    // A point that is well formed but not on the curve.
    const offCurve = publicKeyRaw.slice();
    offCurve[64]! ^= 0x01;
    await expect(verifyRegistration(offCurve, challenge, signature)).resolves.toBeNull();
  });
});

describe('base64', () => {
  it('round-trips every byte value and the empty array', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64(toBase64(all))).toEqual(all);
    expect(fromBase64(toBase64(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it('writes standard padded base64, as the protocol validator expects', () => {
    expect(toBase64(new TextEncoder().encode('peer'))).toBe('cGVlcg==');
    expect(toBase64(Uint8Array.of(0xfb, 0xff))).toBe('+/8=');
  });

  it('returns null for text that is not base64', () => {
    expect(fromBase64('not base64!')).toBeNull();
    expect(fromBase64('a')).toBeNull();
    expect(fromBase64('ab=c')).toBeNull();
    expect(fromBase64('é')).toBeNull();
  });
});
