import { describe, expect, it } from 'vitest';
import { type Placeholders, provisionalAnswer, randomPlaceholders } from './provisional-answer';

/** A caller's offer from Chromium 156 (codecs trimmed), after a candidate was gathered: it names the caller's address. */
const OFFER = [
  'v=0',
  'o=- 3932676139791859190 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1 2',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS 662ec795',
  'm=audio 36133 UDP/TLS/RTP/SAVPF 111 0',
  'c=IN IP4 192.0.2.2',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2122260223 192.0.2.2 36133 typ host generation 0',
  'a=ice-ufrag:Clti',
  'a=ice-pwd:08i9qopEGQvOwRhtuohGGPy8',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 C8:44:DE:85:02:B1:20:56:64:46:93:5B:BC:14:9A:26:E3:DE:F0:A8:DE:A3:86:BC:5D:89:B8:7B:65:5D:9E:01',
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=sendrecv',
  'a=msid:662ec795 3a46c664',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:0 PCMU/8000',
  'a=ssrc:1001 cname:abc',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:Clti',
  'a=ice-pwd:08i9qopEGQvOwRhtuohGGPy8',
  'a=fingerprint:sha-256 C8:44:DE:85:02:B1:20:56:64:46:93:5B:BC:14:9A:26:E3:DE:F0:A8:DE:A3:86:BC:5D:89:B8:7B:65:5D:9E:01',
  'a=setup:actpass',
  'a=mid:1',
  'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=recvonly',
  'a=rtcp-mux',
  'a=rtcp-xr:rcvr-rtt=all',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=setup:actpass',
  'a=mid:2',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
  '',
].join('\r\n');

const PLACEHOLDERS: Placeholders = {
  iceUfrag: 'pHoLdEr1',
  icePwd: 'placeholderplaceholder24',
  fingerprint: Array(32).fill('AB').join(':'),
  sessionId: '42',
};

const answer = () => provisionalAnswer(OFFER, PLACEHOLDERS)!;
const section = (sdp: string, mid: string) => sdp.split('m=').find((part) => part.includes(`a=mid:${mid}\r\n`))!;

describe("the caller's provisional answer to its own offer", () => {
  it('names nothing of the callee, or of anyone: placeholder credentials and fingerprint, no address, no candidate', () => {
    const sdp = answer();
    expect(sdp).not.toMatch(/a=candidate|192\.0\.2\.2|36133|a=ssrc|a=msid:/);
    expect(sdp).not.toContain('Clti');
    expect(sdp).not.toContain('C8:44:DE');
    for (const mid of ['0', '1', '2']) {
      expect(section(sdp, mid)).toContain('a=ice-ufrag:pHoLdEr1\r\na=ice-pwd:placeholderplaceholder24');
      expect(section(sdp, mid)).toContain(`a=fingerprint:sha-256 ${PLACEHOLDERS.fingerprint}\r\na=setup:active`);
      expect(section(sdp, mid)).toContain('c=IN IP4 0.0.0.0');
    }
  });

  it('keeps the bundle, the mids, the m-lines and every codec in the offered order, so the real answer picks the same one', () => {
    const sdp = answer();
    expect(sdp.startsWith('v=0\r\no=- 42 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2\r\na=extmap-allow-mixed\r\n')).toBe(true);
    expect(section(sdp, '0')).toMatch(/^audio 9 UDP\/TLS\/RTP\/SAVPF 111 0\r\n/);
    expect(section(sdp, '0')).toContain('a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:0 PCMU/8000');
    expect(section(sdp, '1')).toContain('a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack pli\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96');
    expect(section(sdp, '1')).toContain('a=rtcp-xr:rcvr-rtt=all');
    expect(section(sdp, '2')).toContain('a=sctp-port:5000\r\na=max-message-size:262144');
  });

  it('answers each direction as the callee will: both ways to both ways, receiving to a one-way send', () => {
    const sdp = answer();
    expect(section(sdp, '0')).toContain('a=sendrecv');
    expect(section(sdp, '1')).toContain('a=sendonly');
    expect(section(sdp, '1')).not.toContain('a=recvonly');
  });

  it('has no answer to an offer with no media, and fresh placeholders each time', () => {
    expect(provisionalAnswer('v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n')).toBeNull();
    const [a, b] = [randomPlaceholders(), randomPlaceholders()];
    expect(a.iceUfrag).not.toBe(b.iceUfrag);
    expect(a.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(a.icePwd.length).toBeGreaterThanOrEqual(22);
  });
});
