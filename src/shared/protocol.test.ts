import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { generateIdentity, signRegistration, toBase64 } from './call-code';
import {
  AcceptRequest,
  CallRef,
  HangupRequest,
  ErrorCode,
  fail,
  IceCandidate,
  MAX_SDP_LENGTH,
  MAX_SIGNALS_WITH_ACCEPT,
  MAX_BLOCKED_CODES,
  PROTOCOL_VERSION,
  RegisterRequest,
  RingRequest,
  SessionDescription,
  SignalData,
  SignalMessage,
  splitForAccept,
} from './protocol';

const accepts = (schema: v.GenericSchema, input: unknown) => v.safeParse(schema, input).success;

/** An offer as Chrome writes it (trimmed to one audio m-line, but with the real line structure). */
const OFFER_SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS 7d1c3f4e-2a6b-4c1e-9f0a-5b8e3d2c1a0f',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Xk3p',
  'a=ice-pwd:9mXbQ1fC0uYzH2sL7vN4rT8e',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 5A:1B:9C:2D:3E:4F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  '',
].join('\r\n');

const CANDIDATE = 'candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 192.168.1.20 rport 46154 generation 0 ufrag Xk3p network-cost 999';

const CALL_ID = 'V1StGXR8_Z5jdHi6B-myT';

describe('RegisterRequest', () => {
  it('accepts what the extension actually sends: a raw P-256 key and its signature in base64', async () => {
    const { keyPair, publicKeyRaw } = await generateIdentity();
    const signature = await signRegistration(keyPair.privateKey, 'challenge');
    const request = { protocol: PROTOCOL_VERSION, publicKey: toBase64(publicKeyRaw), signature: toBase64(signature) };
    expect(v.parse(RegisterRequest, { ...request, blocked: ['K7QM4ZP2XWA9'] })).toEqual({ ...request, blocked: ['K7QM4ZP2XWA9'] });
    // A client that blocks nobody (the guest page) leaves the list out: none.
    expect(v.parse(RegisterRequest, request)).toEqual({ ...request, blocked: [] });
  });

  it('rejects a non-number protocol, non-base64 text, oversized fields and extra fields', () => {
    const good = { protocol: 1, publicKey: 'AAAA', signature: 'AAAA' };
    expect(accepts(RegisterRequest, good)).toBe(true);
    expect(accepts(RegisterRequest, { ...good, protocol: '1' })).toBe(false);
    expect(accepts(RegisterRequest, { ...good, publicKey: 'not base64!' })).toBe(false);
    expect(accepts(RegisterRequest, { ...good, signature: 'A'.repeat(132) })).toBe(false);
    expect(accepts(RegisterRequest, { ...good, code: 'K7QM4ZP2XWA9' })).toBe(false);
    expect(accepts(RegisterRequest, { protocol: 1, publicKey: 'AAAA' })).toBe(false);
    expect(accepts(RegisterRequest, { ...good, blocked: ['K7QM-4ZP2-XWA9'] })).toBe(false);
    expect(accepts(RegisterRequest, { ...good, blocked: Array<string>(MAX_BLOCKED_CODES + 1).fill('K7QM4ZP2XWA9') })).toBe(false);
  });
});

describe('RingRequest', () => {
  it('accepts a normalized call code', () => {
    expect(accepts(RingRequest, { to: 'K7QM4ZP2XWA9' })).toBe(true);
  });

  it('rejects codes that are formatted, lower case, the wrong length, or use letters outside the alphabet', () => {
    // The client normalizes with parseCallCode; the server must not guess.
    for (const to of ['K7QM-4ZP2-XWA9', 'k7qm4zp2xwa9', 'K7QM4ZP2XWA', 'K7QM4ZP2XWA90', 'K7QM4ZP2XWAU', 'K7QM4ZP2XWAI', 'K7QM4ZP2XWAO', 'K7QM4ZP2XWAL']) {
      expect(accepts(RingRequest, { to }), to).toBe(false);
    }
    expect(accepts(RingRequest, { to: 123456789012 })).toBe(false);
    expect(accepts(RingRequest, {})).toBe(false);
  });

  it('rejects extra fields, so a client cannot smuggle a claimed sender', () => {
    expect(accepts(RingRequest, { to: 'K7QM4ZP2XWA9', from: '0123456789AB' })).toBe(false);
  });

  it("takes a caller's name of up to 40 characters, trimmed, emoji sequences included", () => {
    const to = 'K7QM4ZP2XWA9';
    expect(v.parse(RingRequest, { to, name: '  Zoë  ' }).name).toBe('Zoë');
    expect(accepts(RingRequest, { to, name: 'x'.repeat(40) })).toBe(true);
    expect(accepts(RingRequest, { to, name: '👩‍👩‍👧 and family' })).toBe(true);
    expect(accepts(RingRequest, { to, name: 'x'.repeat(41) })).toBe(false);
  });

  it('refuses a name that is blank or could pose as something else on the ringing screen', () => {
    const to = 'K7QM4ZP2XWA9';
    // A right-to-left override turns "Ann\u202Egnp.exe" around; zero-width and control characters hide text; a line break fakes a second line.
    for (const name of ['', '   ', 'Ann\u202Egnp.exe', 'a\u200Bb', 'Bell\u0007', 'two\nlines', 'a\u2028b', 42]) {
      expect(accepts(RingRequest, { to, name }), JSON.stringify(name)).toBe(false);
    }
  });
});

describe('CallRef', () => {
  it('accepts call ids of 16 to 64 url-safe characters', () => {
    expect(accepts(CallRef, { callId: CALL_ID })).toBe(true);
    expect(accepts(CallRef, { callId: 'a'.repeat(16) })).toBe(true);
    expect(accepts(CallRef, { callId: 'a'.repeat(64) })).toBe(true);
  });

  it('rejects call ids too short, too long, with other characters, or not strings', () => {
    for (const callId of ['a'.repeat(15), 'a'.repeat(65), 'V1StGXR8/Z5jdHi6B-myT', 'V1StGXR8 Z5jdHi6B-myT', '../../etc/passwd/xx', 42, null]) {
      expect(accepts(CallRef, { callId }), String(callId)).toBe(false);
    }
  });

  it('rejects extra fields', () => {
    expect(accepts(CallRef, { callId: CALL_ID, reason: 'declined' })).toBe(false);
  });
});

describe('HangupRequest', () => {
  it('takes a hang-up without a reason, as clients before the reason sent it', () => {
    expect(accepts(HangupRequest, { callId: CALL_ID })).toBe(true);
  });

  it("takes 'connection-failed' as the one reason a hang-up may give", () => {
    expect(accepts(HangupRequest, { callId: CALL_ID, reason: 'connection-failed' })).toBe(true);
  });

  it('refuses any other reason: a party cannot make the other side read that it declined, or anything else', () => {
    for (const reason of ['declined', 'hung-up', 'gone', 'no-answer', 'cancelled', 'CONNECTION-FAILED', '', null, 1, { kind: 'connection-failed' }]) {
      expect(accepts(HangupRequest, { callId: CALL_ID, reason }), JSON.stringify(reason)).toBe(false);
    }
  });
});

describe('SignalMessage', () => {
  it('accepts an offer with a real SDP body', () => {
    const message = { callId: CALL_ID, data: { kind: 'description', description: { type: 'offer', sdp: OFFER_SDP } } };
    expect(v.parse(SignalMessage, message)).toEqual(message);
  });

  it('accepts a real candidate line, with the fields RTCIceCandidate.toJSON gives', () => {
    const candidate = { candidate: CANDIDATE, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'Xk3p' };
    expect(accepts(SignalMessage, { callId: CALL_ID, data: { kind: 'candidate', candidate } })).toBe(true);
  });

  it('accepts the end-of-candidates marker, whose mid and index may be null', () => {
    const candidate = { candidate: '', sdpMid: null, sdpMLineIndex: null };
    expect(accepts(SignalData, { kind: 'candidate', candidate })).toBe(true);
  });

  it('accepts SDP of exactly MAX_SDP_LENGTH and rejects one character more', () => {
    const at = { kind: 'description', description: { type: 'answer', sdp: 'a'.repeat(MAX_SDP_LENGTH) } };
    const over = { kind: 'description', description: { type: 'answer', sdp: 'a'.repeat(MAX_SDP_LENGTH + 1) } };
    expect(accepts(SignalData, at)).toBe(true);
    expect(accepts(SignalData, over)).toBe(false);
  });

  it('rejects an oversized candidate line', () => {
    expect(accepts(IceCandidate, { candidate: 'candidate:' + 'x'.repeat(1100) })).toBe(false);
  });

  it('rejects unknown signal kinds and description types', () => {
    expect(accepts(SignalData, { kind: 'renegotiate', description: { type: 'offer', sdp: OFFER_SDP } })).toBe(false);
    expect(accepts(SignalData, { description: { type: 'offer', sdp: OFFER_SDP } })).toBe(false);
    expect(accepts(SessionDescription, { type: 'hello', sdp: OFFER_SDP })).toBe(false);
  });

  it('rejects a payload whose kind does not match its body', () => {
    expect(accepts(SignalData, { kind: 'candidate', description: { type: 'offer', sdp: OFFER_SDP } })).toBe(false);
  });

  it('rejects wrong types anywhere in the tree', () => {
    expect(accepts(SignalData, { kind: 'description', description: { type: 'offer', sdp: 42 } })).toBe(false);
    expect(accepts(IceCandidate, { candidate: CANDIDATE, sdpMLineIndex: '0' })).toBe(false);
    expect(accepts(IceCandidate, { candidate: CANDIDATE, sdpMLineIndex: 0.5 })).toBe(false);
    expect(accepts(IceCandidate, { candidate: CANDIDATE, sdpMLineIndex: -1 })).toBe(false);
    expect(accepts(IceCandidate, { candidate: CANDIDATE, sdpMid: 0 })).toBe(false);
    expect(accepts(SignalMessage, { callId: CALL_ID, data: 'offer' })).toBe(false);
    expect(accepts(SignalMessage, null)).toBe(false);
  });

  it('rejects extra fields at every level, so nothing unvalidated reaches the other peer', () => {
    const description = { type: 'offer', sdp: OFFER_SDP };
    expect(accepts(SignalMessage, { callId: CALL_ID, data: { kind: 'description', description }, from: 'K7QM4ZP2XWA9' })).toBe(false);
    expect(accepts(SignalMessage, { callId: CALL_ID, data: { kind: 'description', description, extra: 1 } })).toBe(false);
    expect(accepts(SignalData, { kind: 'description', description: { ...description, extra: 1 } })).toBe(false);
    expect(accepts(SignalData, { kind: 'candidate', candidate: { candidate: CANDIDATE, extra: 1 } })).toBe(false);
  });

  it('rejects a bad call id on an otherwise valid signal', () => {
    expect(accepts(SignalMessage, { callId: 'short', data: { kind: 'candidate', candidate: { candidate: CANDIDATE } } })).toBe(false);
  });
});

describe('fail', () => {
  it('builds a failure a person can read, carrying its error code', () => {
    expect(fail(ErrorCode.Busy, 'K7QM-4ZP2-XWA9 is in another call')).toEqual({
      ok: false,
      error: 'busy',
      message: 'K7QM-4ZP2-XWA9 is in another call',
    });
  });
});

describe('splitForAccept', () => {
  const answer = (sdpLength: number): SignalData => ({ kind: 'description', description: { type: 'answer', sdp: 'x'.repeat(sdpLength) } });
  const candidate: SignalData = { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.7 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 } };

  it('puts a prepared answer in the accept, in the order held', () => {
    const held = [answer(6_000), candidate];
    expect(splitForAccept(held)).toEqual({ riding: held, following: [] });
  });

  it('lets no more than the limit ride, and what is beyond it follows in order', () => {
    const held = Array.from({ length: MAX_SIGNALS_WITH_ACCEPT + 3 }, (_, i) => ({ ...candidate, candidate: { ...candidate.candidate, sdpMLineIndex: i } }));
    const { riding, following } = splitForAccept(held);
    expect(riding).toEqual(held.slice(0, MAX_SIGNALS_WITH_ACCEPT));
    expect(following).toEqual(held.slice(MAX_SIGNALS_WITH_ACCEPT));
  });

  it('keeps the accept to one description of text: a large answer held twice rides once', () => {
    const large = answer(MAX_SDP_LENGTH - 1_000);
    expect(splitForAccept([large, large])).toEqual({ riding: [large], following: [large] });
  });

  it('every accept it makes is one the server takes', () => {
    const { riding } = splitForAccept(Array.from({ length: 40 }, () => candidate));
    expect(accepts(AcceptRequest, { callId: 'c'.repeat(24), signals: riding })).toBe(true);
    expect(accepts(AcceptRequest, { callId: 'c'.repeat(24), signals: [...riding, candidate] })).toBe(false);
  });
});
