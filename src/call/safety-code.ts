/**
 * The safety code: a short number both people read aloud to know nobody sits
 * between them. Each side hashes the DTLS certificate fingerprints of BOTH
 * ends, taken from the session descriptions its peer connection actually
 * applied. A signaling server that swapped a fingerprint to relay the media
 * through itself changes what one side hashes, so the two codes differ.
 */

/** Versioned so a future change of derivation cannot produce codes that look comparable but are not. */
const DOMAIN = 'peerdial-safety-code-v1';
/** Six digits: easy to read aloud, and a man in the middle has a one in a million chance of matching both sides. */
const DIGITS = 6;

/** Every `a=fingerprint:` in an SDP (session or media level), normalised: algorithm in lower case, hex in upper case. */
export function sdpFingerprints(sdp: string): string[] {
  const found = new Set<string>();
  for (const match of sdp.matchAll(/^a=fingerprint:(\S+)\s+([0-9A-Fa-f:]+)\s*$/gm)) {
    found.add(`${match[1]!.toLowerCase()} ${match[2]!.toUpperCase()}`);
  }
  return [...found].sort();
}

/**
 * The code for a call, from the local and remote SDP. The same on both sides
 * because the two ends' fingerprints are sorted, not taken as "mine, theirs".
 * Throws a readable error when an SDP carries no fingerprint (no DTLS: nothing to vouch for).
 */
export async function deriveSafetyCode(localSdp: string, remoteSdp: string): Promise<string> {
  const local = sdpFingerprints(localSdp);
  const remote = sdpFingerprints(remoteSdp);
  if (local.length === 0 || remote.length === 0) {
    throw new Error('The call has no certificate fingerprint yet, so there is no safety code to show.');
  }
  const ends = [local.join(','), remote.join(',')].sort();
  const input = new TextEncoder().encode([DOMAIN, ...ends].join('\n'));
  const digest = new DataView(await crypto.subtle.digest('SHA-256', input));
  // 48 bits modulo 10^6: the bias left is below one part in 10^8.
  const value = digest.getUint32(0) * 0x10000 + digest.getUint16(4);
  return String(value % 10 ** DIGITS).padStart(DIGITS, '0');
}

/** "042 917": two groups of three are easier to read aloud and compare. */
export function displaySafetyCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}
