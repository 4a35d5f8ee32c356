/**
 * The extension's signal relay (src/call-control/signal-relay.ts) and its
 * link, against the real server over real sockets: signals go unanswered but
 * for the last of each burst, and none is lost when the sender's link dies
 * without either end noticing, or the peer's link is down for a while. The
 * dead link is made by a TCP proxy that stops passing bytes on the
 * connections it holds, closing nothing, as a network gone quiet does.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallState } from '../src/shared/call-state';
import type { PeerStatus, SignalData } from '../src/shared/protocol';
import { createSignalRelay } from '../src/call-control/signal-relay';
import { connectSignaling, type SignalingLink } from '../src/call-control/signaling-link';
import { memoryStorageArea } from '../src/call-control/storage-area';
import { generateIdentity } from '../src/shared/call-code';
import { startTestServer, type TestServer } from './testing/harness';
import { type PeerClient, registeredPeer } from './testing/peer-client';

/** Short, so the test is: the extension waits 10 s. */
const ACK_TIMEOUT_MS = 1_000;

interface QuietingProxy {
  url: string;
  /** From now on the connections open through it pass nothing either way, and stay open. New ones pass as before. */
  quiet: () => void;
  close: () => Promise<void>;
}

async function startQuietingProxy(target: string): Promise<QuietingProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<{ quiet: boolean; ends: Socket[] }>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    const pair = { quiet: false, ends: [client, upstream] };
    open.add(pair);
    client.on('data', (bytes) => pair.quiet || upstream.write(bytes));
    upstream.on('data', (bytes) => pair.quiet || client.write(bytes));
    // A quiet connection tells neither end of the other's going: that is what makes it unnoticed.
    const ended = () => {
      if (!pair.quiet) for (const end of pair.ends) end.destroy();
    };
    for (const end of pair.ends) end.on('close', ended).on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    quiet() {
      for (const pair of open) pair.quiet = true;
    },
    async close() {
      for (const pair of open) for (const end of pair.ends) end.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The caller's side as the extension's worker wires it (server-connection.ts), with the call accepted. */
async function extensionClient(url: string) {
  const { keyPair, publicKeyRaw, code } = await generateIdentity();
  let call: CallState = { phase: 'idle' };
  let link: SignalingLink | null = null;
  const relay = await createSignalRelay({
    link: () => link,
    call: () => call,
    dispatch: () => Promise.resolve(),
    log: () => {},
    storage: memoryStorageArea(),
  });
  const peerStatus: PeerStatus[] = [];
  let online: () => void = () => {};
  const registered = new Promise<void>((resolve) => (online = resolve));
  link = connectSignaling(
    url,
    { privateKey: keyPair.privateKey, publicKeyRaw, code },
    {
      onStatus(status) {
        if (status.status !== 'online') return;
        online();
        relay.registered();
      },
      onEvent: {
        incoming: () => {},
        accepted: () => {},
        ended: () => {},
        signal: () => {},
        'peer-status': (status) => {
          peerStatus.push(status);
          relay.peerStatus(status);
        },
      },
    },
    ACK_TIMEOUT_MS,
  );
  await registered;
  const opened = link;
  return {
    link: opened,
    relay,
    peerStatus,
    /** Rings the peer, has it accept, and is then in the accepted call. */
    async callAccepted(peer: PeerClient): Promise<string> {
      const ring = await opened.request('ring', { to: peer.code });
      if (!ring.ok) throw new Error(ring.message);
      await peer.next('incoming');
      const accept = await peer.socket.emitWithAck('accept', { callId: ring.callId });
      if (!accept.ok) throw new Error(accept.message);
      call = { phase: 'connecting', peer: peer.code, callId: ring.callId, since: Date.now(), local: { mic: true, camera: true }, role: 'caller' };
      return ring.callId;
    },
  };
}

const candidate = (n: number): SignalData => ({
  kind: 'candidate',
  candidate: { candidate: `candidate:${n} 1 udp 2122260223 192.0.2.7 ${50_000 + n} typ host`, sdpMid: '0', sdpMLineIndex: 0 },
});

/** The signals `peer` has received so far, in order. */
function signalsAt(peer: PeerClient): SignalData[] {
  return peer.received.filter((r) => r.event === 'signal').map((r) => (r.payload as { data: SignalData }).data);
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let server: TestServer | undefined;
let proxy: QuietingProxy | undefined;
const links: SignalingLink[] = [];
const peers: PeerClient[] = [];

afterEach(async () => {
  for (const link of links.splice(0)) link.close();
  for (const peer of peers.splice(0)) peer.close();
  await proxy?.close();
  await server?.close();
  [server, proxy] = [undefined, undefined];
});

describe("a call's signals", () => {
  it('written into a link that died unnoticed reach the peer, in order and once each, after the link is dropped and registered again', async () => {
    server = await startTestServer();
    proxy = await startQuietingProxy(server.url);
    const alice = await extensionClient(proxy.url);
    links.push(alice.link);
    const bob = await registeredPeer(server.url);
    peers.push(bob);
    await alice.callAccepted(bob);

    for (const n of [1, 2, 3]) alice.relay.send(candidate(n));
    await until(() => signalsAt(bob).length === 3, 5_000, 'the first burst relayed');
    proxy.quiet();
    // Into the dead link: nothing arrives, and only the last of the burst asked for an answer, which will not come.
    for (const n of [4, 5, 6]) alice.relay.send(candidate(n));
    await new Promise((r) => setTimeout(r, ACK_TIMEOUT_MS / 2));
    expect(signalsAt(bob)).toHaveLength(3);
    // A signal made while the link is being replaced waits behind them.
    alice.relay.send(candidate(7));

    await until(() => signalsAt(bob).length >= 7, ACK_TIMEOUT_MS + 5_000, 'the unanswered burst sent again');
    await bob.roundTrip();
    expect(signalsAt(bob)).toEqual([1, 2, 3, 4, 5, 6, 7].map(candidate));
  });

  it('refused while the peer reconnects reach it, in order, once the server says it is back', async () => {
    server = await startTestServer();
    const alice = await extensionClient(server.url);
    links.push(alice.link);
    const bobKey = await generateIdentity();
    const bob = await registeredPeer(server.url, bobKey);
    const callId = await alice.callAccepted(bob);

    alice.relay.send(candidate(1));
    await until(() => signalsAt(bob).length === 1, 5_000, 'the first signal relayed');
    bob.close();
    await until(() => alice.peerStatus.some((s) => !s.online), 5_000, 'the server telling Alice that Bob is gone');
    for (const n of [2, 3, 4]) alice.relay.send(candidate(n));
    // Refused, tried again at once and refused again, then waiting for word that Bob is back.
    await new Promise((r) => setTimeout(r, 300));

    const back = await registeredPeer(server.url, bobKey);
    peers.push(back);
    await until(() => signalsAt(back).length >= 3, 5_000, 'the refused burst sent again');
    await back.roundTrip();
    expect(signalsAt(back)).toEqual([2, 3, 4].map(candidate));
    expect(alice.peerStatus).toEqual([
      { callId, online: false },
      { callId, online: true },
    ]);
  });
});
