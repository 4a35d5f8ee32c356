/**
 * Relay credentials that arrive after the peer connection is built. The
 * server gives a TURN credential only to the parties of an accepted call: a
 * callee's comes with its accept (its connection was prepared with STUN alone
 * while it rang), a caller past its ring budget gets its own with the accept
 * too, and each party gets a fresh one before the last runs out.
 *
 * A peer connection takes new ICE servers with setConfiguration, but gathers
 * with them only at its next ICE restart. The restart is the one the recovery
 * uses (ice-recovery.ts): restartIce, and peer.ts negotiates it. It is made
 * only when it buys something:
 *
 * - A first relay: when the path is not up within RELAY_GRACE_MS. A direct
 *   path, the common case, is up by then, and costs no extra round trip.
 *   Made once: a callee's restart can cross an offer of the caller's and be
 *   lost, and then the caller's set-up watchdog (ice-recovery.ts) restarts,
 *   one side owning the retries.
 * - A renewal: when the path in use runs through our relay, so it moves to an
 *   allocation made with the fresh credential. coturn goes on refreshing an
 *   allocation whose credential has expired, but a TURN server that checks
 *   the expiry on every request (pion/turn's REST handler does) ends it then.
 *   A direct path needs nothing.
 */
import { selectedLocalCandidateType, type StatEntry } from '../shared/call-quality';
import type { IceServer } from '../shared/protocol';

/** Loopback or a LAN connects in a few hundred milliseconds, across NATs within a second or so; past this a relay is wanted. */
export const RELAY_GRACE_MS = 2_000;

export interface RelayCredentials {
  /** The ICE servers the server granted; `renewal` when they replace a relay credential this connection already had. */
  use: (iceServers: IceServer[], renewal: boolean) => void;
  /** The connection has its first transceivers and is about to gather: a callee has applied the caller's offer. */
  mediaComing: () => void;
  stop: () => void;
}

const hasRelay = (servers: readonly RTCIceServer[]) => servers.some((server) => [server.urls].flat().some((url) => /^turns?:/.test(url)));

export function takeRelayCredentials(pc: RTCPeerConnection, log: (what: string, detail: unknown) => void): RelayCredentials {
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Servers that came while the connection had nothing to negotiate (a callee that accepted before the caller's offer
   * reached it). Chromium answers setConfiguration on such a connection with a negotiationneeded whose offer has no
   * media and fails, and then fires none when the media comes (a caller built that way never offered): they wait
   * until the offer is applied, and go on before the answer starts the first gathering.
   */
  let waiting: IceServer[] | null = null;

  const pathUp = () => pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed';

  function restart(why: string): void {
    if (pc.connectionState === 'closed') return;
    log('relay', { restartIce: why });
    pc.restartIce();
  }

  function restartUnlessUp(): void {
    // Relay only (a developer's setting): nothing was gathered without a relay, so nothing connects without a restart.
    // Before any local description nothing was gathered (a callee that accepted before answering): its first
    // gathering takes the relay.
    const gathered = pc.iceGatheringState !== 'new' || pc.localDescription !== null;
    if (gathered && pc.getConfiguration().iceTransportPolicy === 'relay') return restart('first relay, relay only');
    if (pathUp()) return;
    // Still checked after the grace when nothing seemed gathered: a gathering that began a moment before the
    // credential came reads 'new' until its event fires, and went without the relay.
    clearTimeout(graceTimer);
    graceTimer = setTimeout(() => {
      if (!pathUp()) restart('first relay, not connected yet');
    }, RELAY_GRACE_MS);
  }

  async function moveOffOldRelay(): Promise<void> {
    const entries: StatEntry[] = [];
    (await pc.getStats()).forEach((entry: StatEntry) => entries.push(entry));
    if (selectedLocalCandidateType(entries) === 'relay') restart('relay renewed');
  }

  function use(iceServers: IceServer[], renewal: boolean): void {
    if (pc.connectionState === 'closed') return;
    if (pc.getTransceivers().length === 0) {
      waiting = iceServers;
      return;
    }
    const configuration = pc.getConfiguration();
    const hadRelay = hasRelay(configuration.iceServers ?? []);
    pc.setConfiguration({ ...configuration, iceServers });
    if (!hasRelay(iceServers)) return;
    if (!hadRelay) restartUnlessUp();
    else if (renewal) void moveOffOldRelay().catch((error: unknown) => log('relay', error));
  }

  return {
    use,
    mediaComing() {
      if (!waiting) return;
      // Nothing was gathered yet: the first gathering, about to start, takes the relay (no restart, see restartUnlessUp).
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers: waiting });
      waiting = null;
    },
    stop() {
      clearTimeout(graceTimer);
    },
  };
}
