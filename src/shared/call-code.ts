/**
 * Call codes: who you are, derived from a key only your extension holds.
 *
 * A code is the first CODE_BITS bits of SHA-256 over the raw ECDSA P-256
 * public key, written in Crockford's base32. Registering proves possession of
 * the private key by signing a server challenge, so the server needs no account
 * store and nobody can register a code without its key.
 */

/** 60 bits: finding another key with the same code takes ~2^60 key-and-hash
 * trials (decades on a GPU farm); 50 bits would be days. Twelve characters is
 * still easy to read aloud in three groups. */
export const CODE_BITS = 60;
const CODE_LENGTH = CODE_BITS / 5;
const GROUP = 4;

/** Crockford base32: no I, L, O or U, so nothing reads as 1, 0 or a word. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Domain separation: a signature made for registration is useless anywhere else. */
const REGISTRATION_CONTEXT = 'peerdial-register-v1:';

const ECDSA_IMPORT = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A normalized code: twelve base32 characters, no separators. */
export type CallCode = string & { readonly __brand: 'CallCode' };

export async function codeFromPublicKey(publicKeyRaw: Uint8Array): Promise<CallCode> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', publicKeyRaw as BufferSource));
  let code = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of digest) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && code.length < CODE_LENGTH) {
      code += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    if (code.length === CODE_LENGTH) break;
    buffer &= (1 << bits) - 1;
  }
  return code as CallCode;
}

/**
 * Reads what a person typed or pasted: any case, dashes or spaces, and the
 * look-alikes O, I and L. Returns null when it cannot be a code.
 */
export function parseCallCode(input: string): CallCode | null {
  const compact = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (compact.length !== CODE_LENGTH) return null;
  for (const char of compact) if (!ALPHABET.includes(char)) return null;
  return compact as CallCode;
}

/** K7QM-4ZP2-XWA9: three groups, for reading aloud. */
export function formatCallCode(code: CallCode): string {
  return code.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

function registrationMessage(challenge: string): Uint8Array {
  return new TextEncoder().encode(REGISTRATION_CONTEXT + challenge);
}

export async function signRegistration(privateKey: CryptoKey, challenge: string): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.sign(ECDSA_SIGN, privateKey, registrationMessage(challenge) as BufferSource),
  );
}

/**
 * Checks a registration and returns the code it proves, or null. Never
 * throws on hostile input: a malformed key or signature is simply not proof.
 */
export async function verifyRegistration(
  publicKeyRaw: Uint8Array,
  challenge: string,
  signature: Uint8Array,
): Promise<CallCode | null> {
  try {
    const key = await crypto.subtle.importKey('raw', publicKeyRaw as BufferSource, ECDSA_IMPORT, false, ['verify']);
    const valid = await crypto.subtle.verify(
      ECDSA_SIGN,
      key,
      signature as BufferSource,
      registrationMessage(challenge) as BufferSource,
    );
    return valid ? await codeFromPublicKey(publicKeyRaw) : null;
  } catch {
    return null;
  }
}

/** Who a client is to the server: the key it signs registrations with and the code derived from its public half. */
export interface Identity {
  privateKey: CryptoKey;
  publicKeyRaw: Uint8Array;
  code: CallCode;
}

/** A fresh identity. The private key cannot be exported, even by us. */
export async function generateIdentity(): Promise<{ keyPair: CryptoKeyPair; publicKeyRaw: Uint8Array; code: CallCode }> {
  const keyPair = await crypto.subtle.generateKey(ECDSA_IMPORT, false, ['sign', 'verify']);
  const publicKeyRaw = new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey));
  return { keyPair, publicKeyRaw, code: await codeFromPublicKey(publicKeyRaw) };
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array | null {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}
