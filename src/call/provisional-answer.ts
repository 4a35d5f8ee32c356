/**
 * The caller's stand-in for the callee's answer while it rings: a provisional
 * answer (`pranswer`) made from the caller's own offer. Applied at once, it
 * lets the caller's browser set up its sending side (the video encoder
 * configures itself from the next camera frame) a second before the real
 * answer can arrive; the real one, after Accept, then finds the encoder ready
 * instead of costing a frame or two to start it.
 *
 * It names nothing of the callee: its ICE credentials and DTLS fingerprint
 * are random placeholders that match nobody (the real answer replaces them
 * before any connectivity check could succeed), and it lists no stream or
 * SSRC of theirs. It mirrors the offer's directions, as the real answer
 * will: a pranswer that only received left Chromium's remote tracks
 * muted for good after the real answer, though media flowed. It accepts
 * every codec offered, in the offer's order, as a browser of the same kind
 * answers, so the real answer keeps the same send codec.
 */

import { sdpSections } from './sdp-sections';

/** Session-level lines the answer repeats; everything else at session level is the offerer's own. */
const SESSION_LINES = ['a=group:BUNDLE', 'a=extmap-allow-mixed', 'a=msid-semantic'];

/** Media-level lines that describe the payload both sides agree on, copied as offered. */
const SHARED_MEDIA_LINES = ['a=mid:', 'a=extmap:', 'a=rtcp-mux', 'a=rtcp-rsize', 'a=rtcp-xr:', 'a=rtpmap:', 'a=rtcp-fb:', 'a=fmtp:', 'a=sctp-port:', 'a=max-message-size:'];

/** As the callee's browser will answer: both ways where the caller offers both, the reverse of a one-way offer. */
const ANSWER_DIRECTION: Record<string, string> = {
  'a=sendrecv': 'a=sendrecv',
  'a=sendonly': 'a=recvonly',
  'a=recvonly': 'a=sendonly',
  'a=inactive': 'a=inactive',
};

export interface Placeholders {
  /** ICE username fragment and password: 4 to 256 and 22 to 256 ICE characters. */
  iceUfrag: string;
  icePwd: string;
  /** A SHA-256 fingerprint, 32 bytes as colon-separated hex. */
  fingerprint: string;
  /** The o= line's session id. */
  sessionId: string;
}

function randomIceChars(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

export function randomPlaceholders(): Placeholders {
  const fingerprint = Array.from(crypto.getRandomValues(new Uint8Array(32)), (byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(':');
  const sessionId = String(crypto.getRandomValues(new Uint32Array(1))[0]);
  return { iceUfrag: randomIceChars(8), icePwd: randomIceChars(24), fingerprint, sessionId };
}

/** The pranswer SDP for this offer; null for an offer it cannot mirror (no media section). */
export function provisionalAnswer(offerSdp: string, placeholders: Placeholders = randomPlaceholders()): string | null {
  const { session, media } = sdpSections(offerSdp.split(/\r?\n/).filter(Boolean));
  if (media.length === 0) return null;

  const answer = ['v=0', `o=- ${placeholders.sessionId} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0'];
  answer.push(...session.filter((line) => SESSION_LINES.some((prefix) => line.startsWith(prefix))));

  for (const section of media) {
    const [mLine, ...rest] = section;
    // Port 9, "discard", as browsers write before any candidate: the offer's own port is the caller's address.
    answer.push(mLine!.replace(/^(m=\S+) \d+/, '$1 9'), 'c=IN IP4 0.0.0.0');
    answer.push(`a=ice-ufrag:${placeholders.iceUfrag}`, `a=ice-pwd:${placeholders.icePwd}`, 'a=ice-options:trickle');
    answer.push(`a=fingerprint:sha-256 ${placeholders.fingerprint}`, 'a=setup:active');
    for (const line of rest) {
      const direction = ANSWER_DIRECTION[line];
      if (direction) answer.push(direction);
      else if (SHARED_MEDIA_LINES.some((prefix) => line.startsWith(prefix))) answer.push(line);
    }
  }
  return `${answer.join('\r\n')}\r\n`;
}
