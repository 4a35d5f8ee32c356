/**
 * `BENCH_NAT=1 npm run bench`: the same calls as the ordinary run, between two
 * homes behind real NATs (test/e2e/support/nat-lab.ts; root only), once
 * directly (both NATs port-preserving, STUN only) and once relayed (one NAT
 * symmetric, TURN), each interleaved with PeerJS calls across the same homes
 * with the same STUN and TURN.
 */
import { execSync } from 'node:child_process';
import { startCoturn } from '../test/e2e/support/coturn';
import { createNatLab, type NatKind, natLabUnavailable } from '../test/e2e/support/nat-lab';
import { turnCredential } from '../server/turn-credentials';
import { type CallSetupSample, startCallSetupBench } from './call-setup';
import { type PeerJsSample, startPeerJsBench } from './peerjs-baseline';
import { printTable, round, summarize } from './stats';

const SECRET = 'bench-nat-secret-shared-with-coturn';

interface Mode {
  name: string;
  homes: { a: NatKind; b: NatKind };
  relay: boolean;
}

const MODES: Mode[] = [
  { name: 'direct: both NATs port-preserving, STUN only', homes: { a: 'port-preserving', b: 'port-preserving' }, relay: false },
  { name: 'relayed: the caller behind a symmetric NAT, TURN', homes: { a: 'symmetric', b: 'port-preserving' }, relay: true },
];

export async function runNatBench(calls: number, root: string): Promise<void> {
  const unavailable = natLabUnavailable();
  if (unavailable) throw new Error(`BENCH_NAT needs network namespaces: ${unavailable}.`);
  execSync('npx vite build --logLevel warn', { cwd: root, stdio: 'inherit' });
  const rows: (string | number)[][] = [];
  for (const mode of MODES) {
    const lab = createNatLab({ homes: mode.homes });
    try {
      const turn = await startCoturn(SECRET, undefined, lab.publicPlace);
      // The signaling server's own STUN responder (its default port): the PeerJS pages are given the same.
      const stun = `stun:${lab.publicAddress}:3478`;
      const relay = mode.relay ? turnCredential({ urls: [turn.url], secret: SECRET, ttlSeconds: 3_600 }, 'peerjs', Date.now()) : null;
      const home = (index: 0 | 1) => lab.browserIn(index === 0 ? 'a' : 'b');
      const [ours, theirs] = await Promise.all([
        startCallSetupBench(0, {
          server: lab.publicPlace,
          // The ring-time relay budget (3 per caller code in 10 minutes) is for people; past it a caller's relay comes
          // only with the accept, and a caller behind a symmetric NAT then waits out the 2 s grace before its restart
          // (bench/README.md has both). Lifted, as the bench lifts the rate limits.
          serverEnv: { STUN_PORT: '3478', ...(mode.relay && { TURN_URLS: turn.url, TURN_SECRET: SECRET, TURN_RING_BUDGET: '1000000', TURN_RING_BUDGET_PER_ADDRESS: '1000000' }) },
          browser: home,
        }),
        startPeerJsBench(0, {
          host: lab.testerAddress,
          iceServers: [{ urls: stun }, ...(relay ? [relay] : [])],
          browser: home,
        }),
      ]);
      const oursSamples: CallSetupSample[] = [];
      const theirSamples: PeerJsSample[] = [];
      try {
        console.log(`\n${mode.name}`);
        for (let i = 0; i < calls; i++) {
          oursSamples.push(await ours.call());
          theirSamples.push(await theirs.call());
        }
      } finally {
        await Promise.all([ours.close(), theirs.close()]);
        await turn.stop();
      }
      for (const [view, mine, peerjs] of [
        ['callee', oursSamples.map((s) => s.acceptToCalleeFrame), theirSamples.map((s) => s.answerToCalleeFrame)],
        ['caller', oursSamples.map((s) => s.acceptToCallerFrame), theirSamples.map((s) => s.answerToCallerFrame)],
      ] as const) {
        const [a, b] = [summarize([...mine]), summarize([...peerjs])];
        rows.push([`${mode.name}, ${view}'s view`, a.p50, a.p95, b.p50, b.p95, round(a.p50 / b.p50, 2)]);
      }
    } finally {
      lab.destroy();
    }
  }
  console.log('\nAcross NATs: Accept → first remote frame (ms, wall clock)\n');
  printTable(['calls', 'PeerDial p50', 'PeerDial p95', 'PeerJS p50', 'PeerJS p95', 'ratio p50 (ours / PeerJS)'], rows);
}
