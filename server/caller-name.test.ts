/**
 * The name a caller gives (the guest page asks for one) rides with the ring
 * to the callee, checked at the server's edge: a name that could pose as
 * something else is refused and the ring does not happen. It never reaches
 * the log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateIdentity } from '../src/shared/call-code';
import { ErrorCode } from '../src/shared/protocol';
import { expectOk, startTestServer, type TestServer } from './testing/harness';
import { type PeerClient, registeredPeer } from './testing/peer-client';

let server: TestServer;
const clients: PeerClient[] = [];

beforeEach(async () => {
  server = await startTestServer({ LOG_LEVEL: 'trace' });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.close();
});

async function peer(identity?: Awaited<ReturnType<typeof generateIdentity>>): Promise<PeerClient> {
  const client = await registeredPeer(server.url, identity);
  clients.push(client);
  return client;
}

function logged(text: string): boolean {
  return server.logs.some((line) => JSON.stringify(line).includes(text));
}

describe("the caller's name", () => {
  it('arrives with the ring, trimmed, and is never logged', async () => {
    const [guest, bob] = await Promise.all([peer(), peer()]);
    const { callId } = expectOk(await guest.socket.emitWithAck('ring', { to: bob.code, name: '  Ada Lovelace 👩🏽‍💻 ' }));
    expect(await bob.next('incoming')).toEqual({ callId, from: guest.code, iceServers: [], name: 'Ada Lovelace 👩🏽‍💻' });
    expect(logged('Lovelace')).toBe(false);
  });

  it('is announced again when the callee comes back mid-ring (a restarted worker)', async () => {
    const identity = await generateIdentity();
    const [guest, bob] = await Promise.all([peer(), peer(identity)]);
    const { callId } = expectOk(await guest.socket.emitWithAck('ring', { to: bob.code, name: 'Ada' }));
    await bob.next('incoming');
    bob.close();
    const back = await peer(identity);
    expect(await back.next('incoming')).toEqual({ callId, from: guest.code, iceServers: [], name: 'Ada' });
  });

  it('is absent from the ring of a caller who gave none', async () => {
    const [alice, bob] = await Promise.all([peer(), peer()]);
    expectOk(await alice.socket.emitWithAck('ring', { to: bob.code }));
    expect(await bob.next('incoming')).not.toHaveProperty('name');
  });

  // Each with a piece of it to look for in the log.
  it.each([
    ['a right-to-left override, which would show the name reversed', 'Ada \u202Egnp.exe', 'gnp.exe'],
    ['41 characters', 'Z'.repeat(41), 'ZZZZZZZZ'],
    ['a line break', 'Ada\nYour bank', 'Your bank'],
    ['only spaces', '   ', undefined],
  ])('with %s is refused in words, and nothing rings', async (_, name, marker) => {
    const [guest, bob] = await Promise.all([peer(), peer()]);
    const reply = await guest.socket.emitWithAck('ring', { to: bob.code, name });
    expect(reply).toMatchObject({ ok: false, error: ErrorCode.BadRequest, message: expect.stringMatching(/^Malformed ring: name is not valid/) });
    expect(await server.app.context.calls.of(guest.code)).toBeUndefined();
    expect(await server.app.context.calls.of(bob.code)).toBeUndefined();
    await bob.roundTrip();
    expect(bob.received).toEqual([]);
    // Not even its refusal writes the name down.
    if (marker) expect(logged(marker)).toBe(false);
  });
});
