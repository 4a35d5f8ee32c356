/**
 * The signaling server's address, as a person types it in Settings. The
 * server vouches for who is calling (it hands out the codes and says whose
 * ring this is), so the connection to it must be one nobody in between can
 * answer for it: https:// (or wss://), or plain http:// only to this machine,
 * where there is no network in between. That is the browser's own rule for a
 * secure context, so the guest page, which a plain http:// address on another
 * machine cannot even start, draws the line in the same place.
 */
import { t } from './wording';

export type ServerUrlCheck = { ok: true; url: string } | { ok: false; message: string };

const SECURE_SCHEMES = ['https:', 'wss:'];
const PLAIN_SCHEMES = ['http:', 'ws:'];

/** The normalized address (its origin), or a sentence saying what is wrong with it. */
export function parseServerUrl(input: string): ServerUrlCheck {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, message: t('serverUrlInvalid') };
  }
  // Read from the parsed URL, never from the text: "http://localhost@evil.example" is a request to evil.example.
  if (SECURE_SCHEMES.includes(url.protocol)) return { ok: true, url: url.origin };
  if (!PLAIN_SCHEMES.includes(url.protocol)) return { ok: false, message: t('serverUrlScheme') };
  if (!isLoopbackHost(url.hostname)) return { ok: false, message: t('serverUrlPlainRemote') };
  return { ok: true, url: url.origin };
}

/**
 * This machine, as the URL parser writes a host (lower case, IPv4 in dotted
 * decimal however it was typed, IPv6 in brackets and compressed): localhost
 * and any name under it (RFC 6761 keeps them off the network, and Chromium
 * answers them itself), 127.0.0.0/8 and ::1. Not 0.0.0.0 and not an
 * IPv4-mapped ::ffff:127.0.0.1: Chromium does not count them as loopback.
 */
export function isLoopbackHost(hostname: string): boolean {
  // "localhost." is the same name written fully qualified.
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name === 'localhost' || /^[^.]+(\.[^.]+)*\.localhost$/.test(name)) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return true;
  return name === '[::1]';
}
