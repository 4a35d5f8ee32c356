import { describe, expect, it } from 'vitest';
import { describeSignal } from './negotiation-trace';

const OFFER_SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 203.0.113.7',
  'a=ice-ufrag:Ab3x',
  'a=ice-pwd:secretsecretsecretsecret',
  'a=fingerprint:sha-256 AA:BB',
  'a=candidate:1 1 udp 2122260223 192.168.1.20 50000 typ host',
  'a=candidate:2 1 udp 1686052607 203.0.113.7 50001 typ srflx raddr 192.168.1.20 rport 50000',
  '',
].join('\r\n');

describe('a traced signal', () => {
  it('names a description by type, ICE ufrag and candidate count, and carries none of its addresses or keys', () => {
    const line = describeSignal({ kind: 'description', description: { type: 'offer', sdp: OFFER_SDP } });
    expect(line).toBe('offer, ufrag Ab3x, 2 candidates');
    for (const secret of ['203.0.113.7', '192.168.1.20', 'secretsecret', 'AA:BB']) expect(line).not.toContain(secret);
  });

  it('names a candidate by type and protocol, without its address', () => {
    const candidate = 'candidate:3 1 UDP 41885439 198.51.100.9 61000 typ relay raddr 203.0.113.7 rport 50001';
    const line = describeSignal({ kind: 'candidate', candidate: { candidate, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'Ab3x' } });
    expect(line).toBe('candidate relay udp, ufrag Ab3x');
    expect(line).not.toContain('198.51.100.9');
  });

  it('says so when a candidate line has no type', () => {
    const line = describeSignal({ kind: 'candidate', candidate: { candidate: 'candidate:garbled', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null } });
    expect(line).toBe('candidate unknown, ufrag none');
  });
});
