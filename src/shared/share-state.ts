/**
 * Sharing a tab or the screen in a call: one pure reducer from (state, event)
 * to (state, commands), beside the call's own. The background owns the state
 * (persisted with the call, since the worker may be stopped mid-share), the
 * popup and badge render it, and the commands are the background's to carry
 * out: get a capture id, hand it to the offscreen document, or release it.
 */
import * as v from 'valibot';
import type { CallState } from './call-state';
import { type MessageKey, t } from './wording';

const ShareSource = v.variant('kind', [
  v.strictObject({ kind: v.literal('tab'), tabId: v.number(), title: v.nullable(v.string()) }),
  v.strictObject({ kind: v.literal('screen') }),
]);
export type ShareSource = v.InferOutput<typeof ShareSource>;

/** Every state may carry the last problem, in words, until the next request. */
export const ShareState = v.variant('status', [
  v.strictObject({ status: v.literal('off'), problem: v.nullable(v.string()) }),
  /** Asked for before the call connected: the tab is captured the moment it does. */
  v.strictObject({ status: v.literal('waiting'), source: ShareSource, problem: v.null() }),
  /** Capturing; `previous` keeps sending until the new capture replaces it. */
  v.strictObject({ status: v.literal('starting'), source: ShareSource, previous: v.nullable(ShareSource), problem: v.null() }),
  v.strictObject({ status: v.literal('on'), source: ShareSource, problem: v.nullable(v.string()) }),
]);
export type ShareState = v.InferOutput<typeof ShareState>;

/** Where the call is, as far as sharing cares. */
export type CallStage = 'none' | 'connecting' | 'active';

export type ShareEnd = 'tab-closed' | 'capture-ended' | 'window-closed';

export type ShareEvent =
  | { type: 'request'; source: ShareSource; stage: CallStage }
  | { type: 'call-connected' }
  | { type: 'call-over' }
  /** The offscreen document is sending the new capture. */
  | { type: 'started' }
  | { type: 'failed'; message: string }
  /** The capture stopped by itself: the tab closed, Chrome's own "Stop sharing", or the screen window closed. */
  | { type: 'ended'; reason: ShareEnd }
  | { type: 'stop' }
  | { type: 'tab-closed'; tabId: number };

export type ShareCommand =
  /** Get a capture id for the source (needs the user's invocation) and send it in the call. */
  | { type: 'capture'; source: ShareSource }
  /** Stop sending the shared content; the other side returns to the camera. */
  | { type: 'release' };

export interface ShareTransition {
  state: ShareState;
  commands: ShareCommand[];
}

export const NOT_SHARING: ShareState = { status: 'off', problem: null };

const SHARE_END_WORDS: Record<ShareEnd, MessageKey> = {
  'tab-closed': 'shareEndedTabClosed',
  'capture-ended': 'shareEndedCaptureEnded',
  'window-closed': 'shareEndedWindowClosed',
};

const stay = (state: ShareState): ShareTransition => ({ state, commands: [] });
const off = (problem: string | null): ShareState => ({ status: 'off', problem });

export function sameSource(a: ShareSource, b: ShareSource): boolean {
  return a.kind === 'tab' && b.kind === 'tab' ? a.tabId === b.tabId : a.kind === b.kind;
}

function sharedTabId(state: ShareState): number | null {
  if (state.status === 'off') return null;
  return state.source.kind === 'tab' ? state.source.tabId : null;
}

export function transitionShare(state: ShareState, event: ShareEvent): ShareTransition {
  switch (event.type) {
    case 'request': {
      if (event.stage === 'none') return stay(off(t('shareNotInCall')));
      if (event.stage === 'connecting') return stay({ status: 'waiting', source: event.source, problem: null });
      if (state.status === 'on' && sameSource(state.source, event.source)) return stay({ ...state, problem: null });
      const previous = state.status === 'on' ? state.source : state.status === 'starting' ? state.previous : null;
      return {
        state: { status: 'starting', source: event.source, previous, problem: null },
        commands: [{ type: 'capture', source: event.source }],
      };
    }

    case 'call-connected': {
      if (state.status !== 'waiting') return stay(state);
      return {
        state: { status: 'starting', source: state.source, previous: null, problem: null },
        commands: [{ type: 'capture', source: state.source }],
      };
    }

    case 'call-over': {
      // The call's teardown stops every track; releasing also closes a screen window still open for it.
      const release: ShareCommand[] = state.status === 'on' || state.status === 'starting' ? [{ type: 'release' }] : [];
      return { state: NOT_SHARING, commands: release };
    }

    case 'started':
      if (state.status !== 'starting') return stay(state);
      return stay({ status: 'on', source: state.source, problem: null });

    case 'failed': {
      if (state.status === 'starting' && state.previous) return stay({ status: 'on', source: state.previous, problem: event.message });
      if (state.status === 'starting' || state.status === 'waiting') return stay(off(event.message));
      return stay(state);
    }

    case 'ended': {
      if (state.status !== 'on' && state.status !== 'starting') return stay(state);
      // The screen window closes when a tab replaces the screen, too; only a shared screen ends with it.
      if (event.reason === 'window-closed' && state.source.kind !== 'screen') return stay(state);
      const problem = t(SHARE_END_WORDS[event.reason]);
      return { state: off(problem), commands: [{ type: 'release' }] };
    }

    case 'stop': {
      if (state.status === 'off') return stay(off(null));
      const release: ShareCommand[] = state.status === 'waiting' ? [] : [{ type: 'release' }];
      return { state: NOT_SHARING, commands: release };
    }

    case 'tab-closed': {
      if (sharedTabId(state) !== event.tabId) return stay(state);
      const release: ShareCommand[] = state.status === 'waiting' ? [] : [{ type: 'release' }];
      return { state: off(t(SHARE_END_WORDS['tab-closed'])), commands: release };
    }
  }
}

export function callStage(call: CallState): CallStage {
  if (call.phase === 'active') return 'active';
  // Ringing is not a call yet: the person has not answered.
  return call.phase === 'calling' || call.phase === 'connecting' ? 'connecting' : 'none';
}

/** What a change of the call means for sharing, if anything. */
export function shareEventForCall(previous: CallState, next: CallState): ShareEvent | null {
  if (next.phase === 'idle' && previous.phase !== 'idle') return { type: 'call-over' };
  if (next.phase === 'active' && previous.phase !== 'active') return { type: 'call-connected' };
  return null;
}

/** Chrome's capture errors, said so a person knows what to do. */
export function describeCaptureError(raw: string): string {
  const message = raw.toLowerCase();
  // Checked first: Chrome says "Cannot capture a tab with an active stream", which the next test would misread.
  if (/active stream|already/.test(message)) return t('shareErrorAlreadyShared');
  if (/chrome pages|chrome:\/\/|webstore|web store|cannot be captured/.test(message)) {
    return t('shareErrorChromePage');
  }
  if (/not been invoked|activetab|permission|notallowed|denied|dismissed/.test(message)) {
    return t('shareErrorNotAllowed');
  }
  if (/no tab|tab.*(closed|not found|removed)|invalid tab/.test(message)) return t('shareErrorTabClosed');
  return t('shareErrorOther', raw);
}

export function describeShare(state: ShareState): string | null {
  const what = (source: ShareSource) =>
    source.kind === 'screen' ? t('shareWhatScreen') : source.title ? t('shareWhatNamedTab', source.title) : t('shareWhatTab');
  switch (state.status) {
    case 'off':
      return null;
    case 'waiting':
      return t('shareWaiting', what(state.source));
    case 'starting':
      return t('shareStarting', what(state.source));
    case 'on':
      return t('shareOn', what(state.source));
  }
}
