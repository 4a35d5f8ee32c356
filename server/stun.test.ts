/**
 * The server's own STUN responder over real UDP, and the STUN URL it hands
 * to both parties of a call: a real Binding request from a real socket gets
 * that socket's own address and port back, and what is not a Binding request
 * gets nothing.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../test/e2e/support/probes';
import { closeAll, connectPeer, expectOk, next, type Peer, startTestServer, type TestServer } from './testing/harness';
import { MAGIC_COOKIE } from './stun-message';

let server: TestServer | undefined;
let client: Socket | undefined;
let peers: Peer[] = [];

afterEach(async () => {
  closeAll(...peers);
  peers = [];
  client?.close();
  client = undefined;
  await server?.close();
  server = undefined;
});

async function udpClient(): Promise<Socket> {
  client = createSocket('udp4');
  client.bind(0, '127.0.0.1');
  await once(client, 'listening');
  return client;
}

function bindingRequest(id: number): Buffer {
  const packet = Buffer.alloc(20);
  packet.writeUInt16BE(0x0001, 0);
  packet.writeUInt32BE(MAGIC_COOKIE, 4);
  packet.writeUInt32BE(id, 16);
  return packet;
}

/** The address and port a Binding success response says, decoded as a browser decodes XOR-MAPPED-ADDRESS. */
function mappedAddress(response: Buffer): { id: number; address: string; port: number } {
  expect(response.readUInt16BE(0)).toBe(0x0101);
  expect(response.readUInt16BE(20)).toBe(0x0020);
  expect(response.readUInt16BE(24)).toBe(0x01);
  const port = response.readUInt16BE(26) ^ (MAGIC_COOKIE >>> 16);
  const address = [0, 1, 2, 3].map((i) => response[28 + i]! ^ response[4 + i]!).join('.');
  return { id: response.readUInt32BE(16), address, port };
}

async function answer(socket: Socket, packet: Buffer, port: number): Promise<Buffer> {
  const reply = once(socket, 'message') as Promise<[Buffer]>;
  socket.send(packet, port, '127.0.0.1');
  return (await reply)[0];
}

describe("the server's own STUN", () => {
  it("answers a real Binding request with the asker's own address and port", async () => {
    server = await startTestServer({ STUN_PORT: '0' });
    const socket = await udpClient();
    const response = await answer(socket, bindingRequest(7), server.stunPort!);
    expect(mappedAddress(response)).toEqual({ id: 7, address: '127.0.0.1', port: socket.address().port });
    expect(response).toHaveLength(32);
  });

  it('answers nothing that is not a well-formed Binding request: the first answer is to the one that is', async () => {
    server = await startTestServer({ STUN_PORT: '0' });
    const socket = await udpClient();
    const indication = bindingRequest(1);
    indication.writeUInt16BE(0x0011, 0);
    const allocate = bindingRequest(2);
    allocate.writeUInt16BE(0x0003, 0);
    const noCookie = bindingRequest(3);
    noCookie.writeUInt32BE(0, 4);
    for (const junk of [Buffer.from('GET / HTTP/1.1\r\n\r\n'), indication, allocate, noCookie, bindingRequest(4).subarray(0, 19), Buffer.alloc(600)]) {
      socket.send(junk, server.stunPort, '127.0.0.1');
    }
    expect(mappedAddress(await answer(socket, bindingRequest(5), server.stunPort!)).id).toBe(5);
  });

  it('answers one address a bounded number of times, and says so in one log line', async () => {
    server = await startTestServer({ STUN_PORT: '0', RATE_LIMIT_FACTOR: '0.1' });
    const socket = await udpClient();
    // RATE_LIMIT_FACTOR scales the 60 per window to 6.
    for (let id = 0; id < 6; id++) expect(mappedAddress(await answer(socket, bindingRequest(id), server.stunPort!)).id).toBe(id);
    for (let id = 6; id < 20; id++) socket.send(bindingRequest(id), server.stunPort, '127.0.0.1');
    const limited = () => server!.logs.filter((line) => line.event === 'stun-limited');
    await eventually(async () => limited().length, (count) => count > 0, 'the stun-limited line');
    expect(limited()).toHaveLength(1);
    // The address only as the log's tag, as every line has it.
    expect(JSON.stringify(limited())).not.toContain('127.0.0.1');
  });

  it('hands both parties of a call its URL, on the host it was given, with the port it bound', async () => {
    server = await startTestServer({ STUN_PORT: '0', PUBLIC_HOST: 'stun.example.org' });
    const stun = { urls: [`stun:stun.example.org:${server.stunPort!}`] };
    const [alice, bob] = await Promise.all([connectPeer(server.url), connectPeer(server.url)]);
    peers = [alice, bob];
    const incoming = next(bob.socket, 'incoming');
    const ring = expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    expect(ring.iceServers).toEqual([stun]);
    expect((await incoming).iceServers).toEqual([stun]);
    const accepted = next(alice.socket, 'accepted');
    expect(expectOk(await bob.socket.emitWithAck('accept', { callId: ring.callId })).iceServers).toEqual([stun]);
    expect((await accepted).iceServers).toEqual([stun]);
  });

  it('names HOST when no PUBLIC_HOST is set, and hands out STUN_URLS instead of itself when they are set', async () => {
    server = await startTestServer({ STUN_PORT: '0' });
    expect(server.app.context.config.iceServers).toEqual([{ urls: [`stun:127.0.0.1:${server.stunPort!}`] }]);
    await server.close();
    server = await startTestServer({ STUN_PORT: '0', STUN_URLS: 'stun:stun.example.net:3478' });
    expect(server.stunPort).toBeUndefined();
    expect(server.app.context.config.iceServers).toEqual([{ urls: ['stun:stun.example.net:3478'] }]);
  });

  it('stops with a sentence when its port is taken, as by a coturn on the same host', async () => {
    const taken = await udpClient();
    await expect(startTestServer({ STUN_PORT: String(taken.address().port) })).rejects.toThrow(/^STUN_PORT \d+ is taken on 127\.0\.0\.1 \(a coturn on this host answers STUN itself/);
  });
});
