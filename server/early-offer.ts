/**
 * What of a caller's signals may reach a callee whose phone still rings: an
 * offer that names no network address. It carries codecs, the ICE username
 * and the DTLS fingerprint, enough for the callee to build its answer while
 * it rings, so Accept only has to release it. Candidates, and a description
 * that already lists any (one made after gathering began), wait for the
 * accept: nothing of the caller's network reaches a browser that has not
 * said yes.
 */
import type { SignalData } from '../src/shared/protocol';

/** The addresses Chrome writes where it means "none yet": the unspecified address, and loopback in the o= line it always fills so. */
const PLACEHOLDER = new Set(['0.0.0.0', '::', '127.0.0.1', '::1']);

/** Every line of an SDP that can carry an address: c= and o= (`IN IP4 <address>`), a=rtcp (`<port> IN IP4 <address>`), candidates. */
function namesAnAddress(line: string): boolean {
  if (line.startsWith('a=candidate:') || line.startsWith('a=remote-candidates:')) return true;
  if (!line.startsWith('c=') && !line.startsWith('o=') && !line.startsWith('a=rtcp:')) return false;
  const address = /\bIN IP[46] (\S+)/.exec(line)?.[1];
  return address !== undefined && !PLACEHOLDER.has(address);
}

export function mayReachRingingCallee(data: SignalData): boolean {
  if (data.kind !== 'description' || data.description.type !== 'offer') return false;
  return !data.description.sdp.split(/\r?\n/).some(namesAnAddress);
}
