/**
 * What the rest of the extension does when the call changes: the pages and
 * the badge show it, a ring alerts (notification and ringtone), a finished
 * call goes into the history, and the chat and device lists go with the call.
 * A ring that found this side in another call goes into the history too.
 */
import type { CallState } from '../shared/call-state';
import type { OffscreenMessage } from '../shared/runtime-messages';
import type { CallController } from '../call-control/call-controller';
import type { CallHistoryStore } from './call-history-store';
import type { CallRecord } from '../call-control/call-store';
import { noteRingWindow } from './call-view-on-accept';
import type { ChatAndFilesStore } from './chat-and-files';
import type { DeviceStore } from './device-store';
import { showRingAlert } from './ring-alert';

export interface CallReactionDeps {
  /** The call as it is now (a notification shows after a delay, by which the ring may be over). */
  call: () => CallState;
  history: CallHistoryStore;
  /** Whether this code is blocked (a ring missed while busy may arrive just after it was). */
  isBlocked: (code: string) => boolean;
  chat: ChatAndFilesStore;
  devices: DeviceStore;
  publish: () => void;
  showBadge: () => Promise<void>;
  ringPreviewChanged: () => void;
  sendToOffscreen: (message: OffscreenMessage) => Promise<void>;
  notifyOffscreen: (message: OffscreenMessage) => Promise<void>;
  closeOffscreen: () => Promise<void>;
  offscreenExists: () => Promise<boolean>;
  log: (message: string, error?: unknown) => void;
}

export interface CallReactions {
  /** For the controller's onChange. */
  changed: (record: CallRecord) => void;
  /** A new worker picks up where the stopped one was: the ring window, a call not yet in the history. */
  resume: (record: CallRecord) => Promise<void>;
  /** The offscreen document's port broke. */
  engineGone: (calls: CallController) => Promise<void>;
  /** Someone rang while this side was in another call: written down as missed, unless that code is blocked now. */
  missedWhileBusy: (missed: { peer: string; guestName?: string; at: number }) => void;
}

export function createCallReactions(deps: CallReactionDeps): CallReactions {
  /** The phase the ring alert last showed: it changes only when that does. */
  let shownPhase: CallState['phase'] | null = null;

  function recordFinished(record: CallRecord): Promise<void> {
    if (!record.finished) return Promise.resolve();
    // Safe to write twice: a call is one entry however often it is recorded.
    return deps.history.record(record.finished).then(
      (changed) => {
        if (changed) deps.publish();
      },
      (error: unknown) => deps.log('Could not write the call history', error),
    );
  }

  function ringtone(on: boolean): Promise<void> {
    // The alert shows its notification first; by then a quick Decline may have ended the ring: ask the call as it is now.
    const { phase } = deps.call();
    if (on && phase === 'ringing') return deps.sendToOffscreen({ target: 'offscreen', type: 'ringtone', on });
    // A ring that ended unanswered leaves nothing for the document it opened to do; an accepted one keeps it for the call.
    if (phase === 'idle') return deps.closeOffscreen();
    return deps.notifyOffscreen({ target: 'offscreen', type: 'ringtone', on: false });
  }

  return {
    changed(record) {
      deps.publish();
      deps.ringPreviewChanged();
      void recordFinished(record);
      void deps.showBadge();
      if (record.call.phase === shownPhase) return;
      shownPhase = record.call.phase;
      // The chat and the device lists are this call's only: they go when the call does.
      if (record.call.phase === 'idle') void Promise.all([deps.chat.clear(), deps.devices.clear()]).then(deps.publish);
      if (record.call.phase === 'ringing') noteRingWindow();
      showRingAlert(record.call, deps.history.state().nicknames, ringtone).catch((error: unknown) => deps.log('Could not show the incoming call', error));
    },

    async resume(record) {
      shownPhase = record.call.phase;
      if (shownPhase === 'ringing') noteRingWindow();
      // A call that ended just before the last worker stopped may not be in the history yet.
      await recordFinished(record);
      void deps.showBadge();
    },

    missedWhileBusy(missed) {
      if (deps.isBlocked(missed.peer)) return;
      deps.history.recordMissedWhileBusy(missed).then(deps.publish, (error: unknown) => deps.log('Could not write the call history', error));
    },

    async engineGone(calls) {
      // The document closes on purpose only once the call is over; gone mid-call, it crashed or was closed under us.
      const { phase } = calls.record().call;
      if ((phase === 'connecting' || phase === 'active') && !(await deps.offscreenExists())) {
        await calls.dispatch({ type: 'engine-lost', now: Date.now() });
      }
    },
  };
}
