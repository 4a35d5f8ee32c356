/**
 * Invite links: `<server>/call/<code>`, the page the signaling server serves
 * for anyone to call a PeerDial user from a browser. The popup makes them;
 * the guest page reads the code back out of its own address.
 */
import { type CallCode, parseCallCode } from './call-code';

/** Where the server serves the guest page. */
export const INVITE_PATH = '/call/';

/** The link for this code on this server; null when the server address is not an http(s) URL. */
export function inviteLink(serverUrl: string, code: CallCode): string | null {
  let server: URL;
  try {
    server = new URL(serverUrl);
  } catch {
    return null;
  }
  if (server.protocol !== 'http:' && server.protocol !== 'https:') return null;
  // A server under a path prefix (behind a proxy) keeps it: https://example.org/peerdial/call/<code>.
  const base = server.pathname.replace(/\/+$/, '');
  return `${server.origin}${base}${INVITE_PATH}${code}`;
}

/** What the guest page's address names: a code, nothing (the bare /call/ page), or something that is not a code. */
export type InvitedCode = { kind: 'code'; code: CallCode } | { kind: 'none' } | { kind: 'malformed'; text: string };

export function codeFromInvitePath(pathname: string): InvitedCode {
  const at = pathname.lastIndexOf(INVITE_PATH);
  const rest = at === -1 ? '' : pathname.slice(at + INVITE_PATH.length).replace(/\/+$/, '');
  if (rest === '') return { kind: 'none' };
  let text: string;
  try {
    text = decodeURIComponent(rest);
  } catch {
    text = rest;
  }
  const code = parseCallCode(text);
  return code ? { kind: 'code', code } : { kind: 'malformed', text };
}
