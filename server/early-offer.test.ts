import { describe, expect, it } from 'vitest';
import type { SignalData } from '../src/shared/protocol';
import { mayReachRingingCallee } from './early-offer';

/** Chrome's offer the moment setLocalDescription resolves: placeholders only. */
const FRESH_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:aaaaaaaaaaaaaaaaaaaaaaaa',
  'a=fingerprint:sha-256 00:11',
  'a=setup:actpass',
  'a=mid:0',
  '',
].join('\r\n');

const offer = (sdp: string): SignalData => ({ kind: 'description', description: { type: 'offer', sdp } });

describe('what reaches a callee while it rings', () => {
  it('an offer made before gathering, with placeholder addresses only', () => {
    expect(mayReachRingingCallee(offer(FRESH_OFFER))).toBe(true);
  });

  it('not an offer that lists a candidate, or names a real address in c=, a=rtcp or o=', () => {
    for (const sdp of [
      FRESH_OFFER.replace('a=mid:0', 'a=mid:0\r\na=candidate:1 1 udp 2122260223 192.168.1.20 50000 typ host'),
      FRESH_OFFER.replace('c=IN IP4 0.0.0.0', 'c=IN IP4 203.0.113.7'),
      FRESH_OFFER.replace('a=rtcp:9 IN IP4 0.0.0.0', 'a=rtcp:50001 IN IP4 192.168.1.20'),
      FRESH_OFFER.replace('c=IN IP4 0.0.0.0', 'c=IN IP6 2001:db8::1'),
      FRESH_OFFER.replace('127.0.0.1', '198.51.100.2'),
      FRESH_OFFER.replace('a=mid:0', 'a=mid:0\r\na=remote-candidates:1 192.168.1.20 50000'),
    ]) {
      expect(mayReachRingingCallee(offer(sdp))).toBe(false);
    }
  });

  it('not a candidate, nor an answer', () => {
    expect(mayReachRingingCallee({ kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } })).toBe(false);
    expect(mayReachRingingCallee({ kind: 'description', description: { type: 'answer', sdp: FRESH_OFFER } })).toBe(false);
  });
});
