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

/**
 * The fields of an SDP value as Chromium's parser reads them: separated by
 * any run of spaces or tabs, so `c=IN IP4  203.0.113.7` names an address as
 * surely as `c=IN IP4 203.0.113.7`.
 */
const fields = (value: string) => value.trim().split(/[ \t]+/);

/** The address field of a line that can carry one, if it is present; `null` for a line that names none. */
function addressOf(type: string, value: string): string | undefined | null {
  if (type === 'c') return fields(value)[2]?.split('/')[0]; // <nettype> <addrtype> <address>[/ttl]
  if (type === 'o') return fields(value)[5]; // <username> <sess-id> <sess-version> <nettype> <addrtype> <address>
  if (type === 'a' && /^rtcp:/i.test(value)) {
    const rtcp = fields(value.slice('rtcp:'.length)); // <port> [<nettype> <addrtype> <address>]
    return rtcp.length === 1 ? null : rtcp[3];
  }
  return null;
}

/**
 * Whether a line can tell the callee where the caller is: any candidate, or an
 * address that is not a placeholder. Parsed, not pattern-matched; anything
 * odd (a field missing, a line we cannot read) counts as naming an address,
 * since an offer that is held back only waits for the accept.
 */
function namesAnAddress(rawLine: string): boolean {
  const line = rawLine.replace(/^[ \t]+/, '');
  if (line === '') return false;
  const equals = line.indexOf('=');
  if (equals !== 1) return true;
  const [type, value] = [line[0]!, line.slice(2)];
  // a=candidate, a=remote-candidates, and whatever a later one calls itself.
  if (type === 'a' && /candidate/i.test(value.slice(0, value.search(/[:\s]|$/)))) return true;
  const address = addressOf(type, value);
  if (address === null) return false;
  return address === undefined || !PLACEHOLDER.has(address);
}

export function mayReachRingingCallee(data: SignalData): boolean {
  if (data.kind !== 'description' || data.description.type !== 'offer') return false;
  return !data.description.sdp.split(/\r?\n/).some(namesAnAddress);
}
