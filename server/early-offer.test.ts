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

  it.each([
    ['two spaces before the address', 'c=IN IP4  203.0.113.7'],
    ['a tab before the address', 'c=IN IP4\t203.0.113.7'],
    ['tabs between every field', 'c=IN\tIP4\t203.0.113.7'],
    ['a TTL after the address', 'c=IN IP4 203.0.113.7/127'],
    ['a host name', 'c=IN IP4 caller.local'],
    ['an address family we do not know', 'c=IN IP9 203.0.113.7'],
    ['a c= line with its address missing', 'c=IN IP4'],
    ['spaces before the line', '  c=IN IP4 203.0.113.7'],
    ['an a=rtcp with spaces and a tab', 'a=rtcp:9  IN\tIP4 192.168.1.20'],
    ['an a=rtcp with an IPv6 address', 'a=rtcp:9 IN IP6 2001:db8::1'],
    ['a candidate in capitals', 'a=CANDIDATE:1 1 udp 2122260223 192.168.1.20 50000 typ host'],
    ['a line that is not type=value', 'c IN IP4 203.0.113.7'],
  ])('not an offer whose c= or a=rtcp line names an address with %s', (_how, line) => {
    expect(mayReachRingingCallee(offer(FRESH_OFFER.replace('c=IN IP4 0.0.0.0', line)))).toBe(false);
  });

  it.each([
    ['two spaces in an o= line', 'o=-  4611731400430051336 2 IN IP4  198.51.100.2'],
    ['a tab in an o= line', 'o=- 4611731400430051336 2 IN IP4\t198.51.100.2'],
    ['an o= line cut short', 'o=- 4611731400430051336 2 IN IP4'],
  ])('not an offer whose origin line names an address with %s', (_how, line) => {
    expect(mayReachRingingCallee(offer(FRESH_OFFER.replace('o=- 4611731400430051336 2 IN IP4 127.0.0.1', line)))).toBe(false);
  });

  it.each([
    ['IPv6 placeholders', 'c=IN IP6 ::', 'a=rtcp:9 IN IP6 ::'],
    ['an a=rtcp with its port alone', 'c=IN IP4 0.0.0.0', 'a=rtcp:9'],
    ['spaces Chromium tolerates around placeholders', 'c=IN IP4  0.0.0.0', 'a=rtcp:9\tIN IP4 0.0.0.0'],
  ])('an offer with %s still goes ahead', (_how, c, rtcp) => {
    expect(mayReachRingingCallee(offer(FRESH_OFFER.replace('c=IN IP4 0.0.0.0', c).replace('a=rtcp:9 IN IP4 0.0.0.0', rtcp)))).toBe(true);
  });

  it('whatever a line says, an address in any of the lines that carry one holds the offer back', () => {
    // Every way of writing the c= line's separators that Chromium's parser reads the same.
    for (const separators of [[' ', ' '], ['  ', ' '], [' ', '\t'], ['\t', '\t'], [' \t', '  ']] as const) {
      for (const address of ['203.0.113.7', '10.0.0.1', 'fe80::1', 'abc.local']) {
        const line = `c=IN${separators[0]}IP4${separators[1]}${address}`;
        expect(mayReachRingingCallee(offer(FRESH_OFFER.replace('c=IN IP4 0.0.0.0', line))), line).toBe(false);
      }
    }
  });
});
