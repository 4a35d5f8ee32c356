/**
 * The wire format against what socket.io-client itself writes and reads: its
 * own encoder (socket.io-parser, engine.io-parser) makes the packets this
 * server must decode, and its decoder reads the ones this server writes.
 */
import { decodePacket, encodePacket } from 'engine.io-parser';
import { Decoder, Encoder, type Packet, PacketType } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { ackPacket, decode, eventPacket, noSuchNamespace, openPacket } from './packets';

/** A Socket.IO packet inside an Engine.IO message, as socket.io-client sends it over WebSocket. */
function asClientSends(packet: Packet): string {
  const [text] = new Encoder().encode(packet) as string[];
  let frame = '';
  encodePacket({ type: 'message', data: text! }, false, (encoded) => (frame = encoded as string));
  return frame;
}

/** What socket.io-client makes of a frame this server sends. */
function asClientReads(frame: string): Packet {
  const message = decodePacket(frame);
  expect(message.type).toBe('message');
  let packet: Packet | undefined;
  const decoder = new Decoder();
  decoder.on('decoded', (decoded: Packet) => (packet = decoded));
  decoder.add(message.data as string);
  return packet!;
}

describe('decoding what a client sends', () => {
  it("reads socket.io-client's own events, with and without an acknowledgement id", () => {
    const payload = { callId: 'A'.repeat(22), data: { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } } };
    expect(decode(asClientSends({ type: PacketType.EVENT, nsp: '/', data: ['signal', payload] }))).toEqual({ type: 'event', event: 'signal', payload, ack: undefined });
    expect(decode(asClientSends({ type: PacketType.EVENT, nsp: '/', id: 7, data: ['ring', { to: 'ZZZZZZZZZZZZ' }] }))).toEqual({ type: 'event', event: 'ring', payload: { to: 'ZZZZZZZZZZZZ' }, ack: 7 });
  });

  it('reads joining, leaving, and the heartbeat', () => {
    expect(decode(asClientSends({ type: PacketType.CONNECT, nsp: '/' }))).toEqual({ type: 'connect', namespace: '/' });
    expect(decode(asClientSends({ type: PacketType.CONNECT, nsp: '/', data: { token: 'x' } }))).toEqual({ type: 'connect', namespace: '/' });
    expect(decode(asClientSends({ type: PacketType.CONNECT, nsp: '/admin' }))).toEqual({ type: 'connect', namespace: '/admin' });
    expect(decode(asClientSends({ type: PacketType.DISCONNECT, nsp: '/' }))).toEqual({ type: 'disconnect' });
    expect(decode('3')).toEqual({ type: 'pong' });
    expect(decode('1')).toEqual({ type: 'close' });
  });

  it.each([
    ['a ping from the client (the server pings in Engine.IO 4)', '2'],
    ['a no-op, which only an upgrade from long-polling sends (this server has none)', '6'],
    ['an acknowledgement, when this server asks for none', '431[{}]'],
    ['an unknown Engine.IO type', '9'],
    ['an empty frame', ''],
    ['broken JSON', '42["signal",{'],
    ['an event that is not a list', '42{"event":"ring"}'],
    ['an event without a name', '42[]'],
    ['a numeric event name', '42[1,{}]'],
    ['a reserved event name', '42["disconnect"]'],
    ['an event for another namespace', '42/admin,["ring",{}]'],
    ['binary attachments (never sent after)', '451-["signal",{"_placeholder":true,"num":0}]'],
    ['a connect error, which only a server sends', '44{"message":"x"}'],
    ['a CONNECT whose auth is not an object', '40"token"'],
    ['an acknowledgement id past 2^53', '421234567890123456["ring",{}]'],
    ['a DISCONNECT with data', '41["x"]'],
  ])('refuses %s', (_, frame) => {
    expect(decode(frame)).toBeUndefined();
  });
});

describe('encoding what the server sends', () => {
  it('writes events and acknowledgements socket.io-client decodes as they were meant', () => {
    const signal = { callId: 'B'.repeat(22), data: { kind: 'description', description: { type: 'offer', sdp: 'v=0\r\n"quoted"' } } };
    expect(asClientReads(eventPacket('signal', [signal]))).toEqual({ type: PacketType.EVENT, nsp: '/', data: ['signal', signal] });
    expect(asClientReads(eventPacket('replaced', []))).toEqual({ type: PacketType.EVENT, nsp: '/', data: ['replaced'] });
    expect(asClientReads(ackPacket(12, [{ ok: true }]))).toEqual({ type: PacketType.ACK, nsp: '/', id: 12, data: [{ ok: true }] });
    expect(asClientReads(noSuchNamespace('/admin'))).toEqual({ type: PacketType.CONNECT_ERROR, nsp: '/admin', data: { message: 'Invalid namespace' } });
  });

  it("opens with Engine.IO's handshake: WebSocket only, the heartbeat's timing and the size cap", () => {
    const open = decodePacket(openPacket('abc', { pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 70_000 }));
    expect(open.type).toBe('open');
    expect(JSON.parse(open.data as string)).toEqual({ sid: 'abc', upgrades: [], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 70_000 });
  });
});
