import { describe, expect, it } from 'vitest';
import { IDLE, type CallState } from './call-state';
import {
  callStage,
  describeCaptureError,
  describeShare,
  NOT_SHARING,
  type ShareEvent,
  type ShareSource,
  type ShareState,
  type ShareTransition,
  shareEventForCall,
  transitionShare,
} from './share-state';

const DOCS: ShareSource = { kind: 'tab', tabId: 7, title: 'Design doc' };
const SLIDES: ShareSource = { kind: 'tab', tabId: 9, title: 'Slides' };
const SCREEN: ShareSource = { kind: 'screen' };

function play(state: ShareState, ...events: ShareEvent[]): ShareTransition {
  let step: ShareTransition = { state, commands: [] };
  for (const event of events) step = transitionShare(step.state, event);
  return step;
}

const sharing = (source: ShareSource = DOCS) => play(NOT_SHARING, { type: 'request', source, stage: 'active' }, { type: 'started' }).state;

describe('starting to share', () => {
  it('in a connected call, asks for a capture and is on once the offscreen document sends it', () => {
    const asked = transitionShare(NOT_SHARING, { type: 'request', source: DOCS, stage: 'active' });
    expect(asked).toEqual({ state: { status: 'starting', source: DOCS, previous: null, problem: null }, commands: [{ type: 'capture', source: DOCS }] });
    expect(transitionShare(asked.state, { type: 'started' })).toEqual({ state: { status: 'on', source: DOCS, problem: null }, commands: [] });
  });

  it('before the call connects, waits and captures the moment it does', () => {
    const waiting = transitionShare(NOT_SHARING, { type: 'request', source: DOCS, stage: 'connecting' });
    expect(waiting).toEqual({ state: { status: 'waiting', source: DOCS, problem: null }, commands: [] });
    expect(transitionShare(waiting.state, { type: 'call-connected' }).commands).toEqual([{ type: 'capture', source: DOCS }]);
  });

  it('outside a call, says so and captures nothing', () => {
    const { state, commands } = transitionShare(NOT_SHARING, { type: 'request', source: DOCS, stage: 'none' });
    expect(commands).toEqual([]);
    expect(state).toEqual({ status: 'off', problem: 'You are not in a call. Call someone first, then share.' });
  });

  it('a failed capture says why and shares nothing', () => {
    const { state, commands } = play(NOT_SHARING, { type: 'request', source: DOCS, stage: 'active' }, { type: 'failed', message: 'No.' });
    expect(state).toEqual({ status: 'off', problem: 'No.' });
    expect(commands).toEqual([]);
  });

  it('a call connecting with nothing waiting captures nothing', () => {
    expect(transitionShare(NOT_SHARING, { type: 'call-connected' }).commands).toEqual([]);
    expect(transitionShare(sharing(), { type: 'call-connected' }).commands).toEqual([]);
  });
});

describe('switching what is shared', () => {
  it('another tab replaces the shared one, which keeps going until the new capture is live', () => {
    const { state, commands } = transitionShare(sharing(DOCS), { type: 'request', source: SLIDES, stage: 'active' });
    expect(state).toEqual({ status: 'starting', source: SLIDES, previous: DOCS, problem: null });
    expect(commands).toEqual([{ type: 'capture', source: SLIDES }]);
    expect(transitionShare(state, { type: 'started' }).state).toEqual({ status: 'on', source: SLIDES, problem: null });
  });

  it('when the new capture fails, the old share stays on and the problem is said', () => {
    const { state } = play(sharing(DOCS), { type: 'request', source: SCREEN, stage: 'active' }, { type: 'failed', message: 'Cancelled.' });
    expect(state).toEqual({ status: 'on', source: DOCS, problem: 'Cancelled.' });
  });

  it('sharing the tab already shared again does nothing', () => {
    expect(transitionShare(sharing(DOCS), { type: 'request', source: { ...DOCS, title: 'Renamed' }, stage: 'active' }).commands).toEqual([]);
  });
});

describe('stopping', () => {
  it('the user stops: released, and no problem to show', () => {
    expect(transitionShare(sharing(), { type: 'stop' })).toEqual({ state: NOT_SHARING, commands: [{ type: 'release' }] });
  });

  it('stopping a share still waiting for the call releases nothing, since nothing was captured', () => {
    const waiting = transitionShare(NOT_SHARING, { type: 'request', source: DOCS, stage: 'connecting' }).state;
    expect(transitionShare(waiting, { type: 'stop' })).toEqual({ state: NOT_SHARING, commands: [] });
  });

  it('closing the shared tab stops sharing and says why', () => {
    expect(transitionShare(sharing(DOCS), { type: 'tab-closed', tabId: 7 })).toEqual({
      state: { status: 'off', problem: 'Sharing stopped: the shared tab was closed.' },
      commands: [{ type: 'release' }],
    });
  });

  it('closing another tab changes nothing', () => {
    const shared = sharing(DOCS);
    expect(transitionShare(shared, { type: 'tab-closed', tabId: 9 })).toEqual({ state: shared, commands: [] });
  });

  it('a capture that ends by itself (navigated to a chrome:// page) stops sharing, in words', () => {
    const { state, commands } = transitionShare(sharing(DOCS), { type: 'ended', reason: 'capture-ended' });
    expect(state).toEqual({ status: 'off', problem: 'Sharing stopped: the shared tab can no longer be captured.' });
    expect(commands).toEqual([{ type: 'release' }]);
  });

  it('closing the screen sharing window stops a shared screen, in words', () => {
    expect(transitionShare(sharing(SCREEN), { type: 'ended', reason: 'window-closed' })).toEqual({
      state: { status: 'off', problem: 'Sharing stopped: the screen sharing window was closed.' },
      commands: [{ type: 'release' }],
    });
  });

  it('the screen window closing because a tab replaced the screen leaves the tab shared', () => {
    const switching = transitionShare(sharing(SCREEN), { type: 'request', source: DOCS, stage: 'active' }).state;
    expect(transitionShare(switching, { type: 'ended', reason: 'window-closed' })).toEqual({ state: switching, commands: [] });
    const switched = transitionShare(switching, { type: 'started' }).state;
    expect(transitionShare(switched, { type: 'ended', reason: 'window-closed' })).toEqual({ state: switched, commands: [] });
  });

  it('an end reported after the user stopped changes nothing', () => {
    expect(play(sharing(), { type: 'stop' }, { type: 'ended', reason: 'tab-closed' })).toEqual({ state: NOT_SHARING, commands: [] });
  });

  it('the call ending ends sharing and releases it (closing a screen window still open)', () => {
    expect(transitionShare(sharing(SCREEN), { type: 'call-over' })).toEqual({ state: NOT_SHARING, commands: [{ type: 'release' }] });
    const waiting = transitionShare(NOT_SHARING, { type: 'request', source: DOCS, stage: 'connecting' }).state;
    expect(transitionShare(waiting, { type: 'call-over' })).toEqual({ state: NOT_SHARING, commands: [] });
  });
});

describe('following the call', () => {
  const local = { mic: true, camera: true };
  const calling: CallState = { phase: 'calling', peer: 'K7QM4ZP2XWA9', callId: 'c', local, since: 0 };
  const connecting: CallState = { phase: 'connecting', role: 'caller', peer: 'K7QM4ZP2XWA9', callId: 'c', local, since: 0 };
  const active: Extract<CallState, { phase: 'active' }> = {
    phase: 'active',
    role: 'caller',
    peer: 'K7QM4ZP2XWA9',
    callId: 'c',
    local,
    connectedAt: 1,
    remote: local,
    interruptedAt: null,
    peerOfflineAt: null,
  };
  const ringing: CallState = { phase: 'ringing', peer: 'K7QM4ZP2XWA9', callId: 'c', since: 0, iceServers: [] };

  it('a share asked for while calling or connecting waits; while ringing or idle there is no call to share into', () => {
    expect([IDLE, ringing, calling, connecting, active].map(callStage)).toEqual(['none', 'none', 'connecting', 'connecting', 'active']);
  });

  it('the call connecting starts a waiting share, and the call ending ends any share', () => {
    expect(shareEventForCall(connecting, active)).toEqual({ type: 'call-connected' });
    expect(shareEventForCall(active, { phase: 'idle' })).toEqual({ type: 'call-over' });
    expect(shareEventForCall(calling, { phase: 'idle' })).toEqual({ type: 'call-over' });
    expect(shareEventForCall(calling, connecting)).toBeNull();
    expect(shareEventForCall(active, { ...active, remote: { mic: false, camera: true } })).toBeNull();
    // Reconnecting is still the same call: a share neither restarts nor ends.
    expect(shareEventForCall(active, { ...active, interruptedAt: 5 })).toBeNull();
    expect(shareEventForCall({ ...active, interruptedAt: 5 }, active)).toBeNull();
    expect(shareEventForCall(IDLE, IDLE)).toBeNull();
  });

  it('dialled with a share: the tab is captured exactly when the call connects', () => {
    const waiting = transitionShare(NOT_SHARING, { type: 'request', source: DOCS, stage: callStage(calling) }).state;
    const event = shareEventForCall(connecting, active)!;
    expect(transitionShare(waiting, event).commands).toEqual([{ type: 'capture', source: DOCS }]);
  });
});

describe('sharing in words', () => {
  it('names the shared tab, or the screen', () => {
    expect(describeShare(sharing(DOCS))).toBe('Sharing the tab “Design doc”');
    expect(describeShare(sharing({ kind: 'tab', tabId: 1, title: null }))).toBe('Sharing a tab');
    expect(describeShare(sharing(SCREEN))).toBe('Sharing your screen');
    expect(describeShare(NOT_SHARING)).toBeNull();
  });

  it('turns Chrome capture errors into what to do', () => {
    expect(describeCaptureError('Chrome pages cannot be captured.')).toMatch(/cannot be shared: Chrome does not allow sharing its own pages/);
    expect(describeCaptureError('Extension has not been invoked for the current page (see activeTab permission).')).toMatch(
      /Click the PeerDial icon on the tab you want to share/,
    );
    expect(describeCaptureError('No tab with id: 12.')).toBe('The tab to share was closed.');
    expect(describeCaptureError('Cannot capture a tab with an active stream.')).toMatch(/already being shared/);
    expect(describeCaptureError('Something odd')).toBe('Sharing could not start: Something odd');
  });
});
