import { afterEach, describe, expect, it, vi } from 'vitest';
import { RELAY_GRACE_MS, takeRelayCredentials } from './relay-credentials';

const STUN = [{ urls: ['stun:stun.example.org'] }];
const relay = (n: number) => [...STUN, { urls: ['turn:turn.example.org:3478'], username: `${n}:CODE`, credential: `c${n}` }];

/** What relay-credentials.ts reads of a peer connection and does to it, with the path in use as a test sets it. */
function fakeConnection(options: { iceServers?: RTCIceServer[]; transceivers?: number; gathering?: RTCIceGatheringState; policy?: RTCIceTransportPolicy } = {}) {
  const state = {
    configuration: { iceServers: options.iceServers ?? STUN, iceTransportPolicy: options.policy ?? 'all' } as RTCConfiguration,
    transceivers: options.transceivers ?? 2,
    iceConnectionState: 'checking' as RTCIceConnectionState,
    iceGatheringState: options.gathering ?? 'complete',
    selectedLocal: 'host',
    restarts: 0,
    configurations: [] as RTCIceServer[][],
  };
  const pc = {
    get connectionState() {
      return 'connecting';
    },
    get iceConnectionState() {
      return state.iceConnectionState;
    },
    get iceGatheringState() {
      return state.iceGatheringState;
    },
    getConfiguration: () => state.configuration,
    setConfiguration(configuration: RTCConfiguration) {
      state.configuration = configuration;
      state.configurations.push(configuration.iceServers ?? []);
    },
    getTransceivers: () => Array.from({ length: state.transceivers }),
    get localDescription() {
      return state.iceGatheringState === 'new' ? null : { type: 'answer', sdp: '' };
    },
    restartIce() {
      state.restarts++;
    },
    async getStats() {
      return new Map<string, object>([
        ['T', { id: 'T', type: 'transport', timestamp: 0, selectedCandidatePairId: 'P' }],
        ['P', { id: 'P', type: 'candidate-pair', timestamp: 0, localCandidateId: 'L', remoteCandidateId: 'R' }],
        ['L', { id: 'L', type: 'local-candidate', timestamp: 0, candidateType: state.selectedLocal }],
        ['R', { id: 'R', type: 'remote-candidate', timestamp: 0, candidateType: 'relay' }],
      ]);
    },
  };
  return { pc: pc as unknown as RTCPeerConnection, state };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const quiet = () => {};

afterEach(() => {
  vi.useRealTimers();
});

describe('a first relay, after the connection was built with STUN alone', () => {
  it('costs nothing when the direct path is up within the grace: no ICE restart', () => {
    vi.useFakeTimers();
    const { pc, state } = fakeConnection();
    takeRelayCredentials(pc, quiet).use(relay(1), false);
    expect(state.configuration.iceServers).toEqual(relay(1));
    state.iceConnectionState = 'connected';
    vi.advanceTimersByTime(RELAY_GRACE_MS);
    expect(state.restarts).toBe(0);
  });

  it('restarts ICE, so relay candidates are gathered, when the path is still not up after the grace', () => {
    vi.useFakeTimers();
    const { pc, state } = fakeConnection();
    takeRelayCredentials(pc, quiet).use(relay(1), false);
    vi.advanceTimersByTime(RELAY_GRACE_MS - 1);
    expect(state.restarts).toBe(0);
    vi.advanceTimersByTime(1);
    expect(state.restarts).toBe(1);
  });

  it('restarts at once when only relay candidates may be used: nothing was gathered without one', () => {
    const { pc, state } = fakeConnection({ policy: 'relay' });
    takeRelayCredentials(pc, quiet).use(relay(1), false);
    expect(state.restarts).toBe(1);
  });

  it('needs no restart before anything was gathered: the first gathering takes it', () => {
    vi.useFakeTimers();
    const { pc, state } = fakeConnection({ gathering: 'new', policy: 'relay' });
    takeRelayCredentials(pc, quiet).use(relay(1), false);
    expect(state.configuration.iceServers).toEqual(relay(1));
    expect(state.restarts).toBe(0);
    state.iceConnectionState = 'connected';
    vi.advanceTimersByTime(RELAY_GRACE_MS);
    expect(state.restarts).toBe(0);
  });

  it('restarts after the grace when a gathering that seemed not begun went without the relay, and nothing connected', () => {
    vi.useFakeTimers();
    const { pc, state } = fakeConnection({ gathering: 'new', policy: 'relay' });
    takeRelayCredentials(pc, quiet).use(relay(1), false);
    vi.advanceTimersByTime(RELAY_GRACE_MS);
    expect(state.restarts).toBe(1);
  });

  it('waits, on a connection with nothing to negotiate yet, until the offer gives it media, before the first gathering', () => {
    // Chromium fires a negotiationneeded with no media for setConfiguration on such a connection, and none later.
    const { pc, state } = fakeConnection({ transceivers: 0, gathering: 'new' });
    const credentials = takeRelayCredentials(pc, quiet);
    credentials.use(relay(1), false);
    expect(state.configurations).toEqual([]);
    state.transceivers = 2;
    credentials.mediaComing();
    expect(state.configurations).toEqual([relay(1)]);
    expect(state.restarts).toBe(0);
  });
});

describe('a renewal', () => {
  it('moves a path through our relay to an allocation made with the fresh credential', async () => {
    const { pc, state } = fakeConnection({ iceServers: relay(1) });
    state.iceConnectionState = 'connected';
    state.selectedLocal = 'relay';
    takeRelayCredentials(pc, quiet).use(relay(2), true);
    await settle();
    expect(state.configuration.iceServers).toEqual(relay(2));
    expect(state.restarts).toBe(1);
  });

  it('leaves a direct path alone: it needs no relay', async () => {
    for (const local of ['host', 'srflx', 'prflx']) {
      const { pc, state } = fakeConnection({ iceServers: relay(1) });
      state.iceConnectionState = 'connected';
      state.selectedLocal = local;
      takeRelayCredentials(pc, quiet).use(relay(2), true);
      await settle();
      expect(state.configuration.iceServers).toEqual(relay(2));
      expect(state.restarts).toBe(0);
    }
  });

  it("the caller's relay for the call, when its ring already brought one, is taken as is", async () => {
    const { pc, state } = fakeConnection({ iceServers: relay(1) });
    state.selectedLocal = 'relay';
    takeRelayCredentials(pc, quiet).use(relay(2), false);
    await settle();
    expect(state.configuration.iceServers).toEqual(relay(2));
    expect(state.restarts).toBe(0);
  });
});
