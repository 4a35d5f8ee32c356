/**
 * An open connection lets go of the HTTP request that opened it (memory per
 * idle client is what limits how many one process holds), and still works.
 * That its close is still counted against its address is abuse.test.ts's
 * "frees a place when one closes".
 */
import type { IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, connectPeer, setUpCall, startTestServer, type TestServer } from './testing/harness';

setFlagsFromString('--expose-gc');
/** A fresh context compiled after the flag has `gc`; this one was compiled before it. */
const collectGarbage = runInNewContext('gc') as () => void;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A WeakRef holds its target to the end of the current turn: collect in a later one. */
async function collectedLater<T extends object>(ref: WeakRef<T>): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  return ref.deref() === undefined;
}

describe('an open connection', () => {
  it('holds no reference to its upgrade request, and still sets up a call', async () => {
    server = await startTestServer();
    const requests: WeakRef<IncomingMessage>[] = [];
    server.app.http.prependListener('upgrade', (request: IncomingMessage) => requests.push(new WeakRef(request)));
    const alice = await connectPeer(server.url);
    const bob = await connectPeer(server.url);

    expect(requests).toHaveLength(2);
    for (const request of requests) expect(await collectedLater(request)).toBe(true);
    // Throws unless the ring, the accept and both descriptions get through.
    await setUpCall(alice, bob);
    closeAll(alice, bob);
  });
});
