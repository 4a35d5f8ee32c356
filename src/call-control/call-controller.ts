/**
 * Runs the call: feeds events into the pure state machine, persists the result
 * before acting on it (a failed write is logged and the step still goes
 * ahead), carries out the commands (server requests, the media host's) and
 * tells the indicators (popup, badge, notification, ringtone) what to show.
 * The one owner of the call state.
 */
import { pendingFinishedCall } from '../shared/call-history';
import type { QualityLevel } from '../shared/call-quality';
import { type CallCommand, type CallEvent, nextDeadline, transition } from '../shared/call-state';
import { type ShareCommand, type ShareEvent, shareEventForCall, transitionShare } from '../shared/share-state';
import type { DeviceChoice } from '../shared/devices';
import type { SignalData } from '../shared/protocol';
import type { OffscreenMessage } from '../shared/runtime-messages';
import { clearSetupMarks, markSetupStep } from '../shared/setup-marks';
import { createSerialQueue } from '../shared/serial-queue';
import { t } from '../shared/wording';
import { type CallRecord, loadCallRecord, saveCallRecord } from './call-store';
import type { StorageArea } from './storage-area';
import { type ReplyTo, type RequestEvent, type RequestPayload, type SignalingLink, unreachable } from './signaling-link';

export interface CallControllerDeps {
  /** Where the call outlives this worker: browser.storage.session. */
  storage: StorageArea;
  signaling: () => SignalingLink | null;
  /**
   * The media host: what captures and holds the peer connection. The worker's is the offscreen document (started
   * if it is not running, for `startMedia`); the guest page's is in the page. Both take the same messages.
   */
  startMedia: (message: OffscreenMessage) => Promise<void>;
  tellMedia: (message: OffscreenMessage) => Promise<void>;
  closeMedia: () => Promise<void>;
  /** The remembered microphone, camera and speaker, which capture starts with. */
  deviceChoice: () => DeviceChoice;
  /** The callee's signals for this ringing call are kept, not sent (see SignalRelay.hold). */
  holdSignals: (callId: string) => void;
  /** The accept is going: the kept signals, to ride in it. */
  releaseSignals: (callId: string) => SignalData[];
  /** Carries out a sharing command; failures come back as share events. */
  runShare: (command: ShareCommand) => Promise<void>;
  /** Called after every change, once its write to storage has settled (whether or not it succeeded). */
  onChange: (record: CallRecord) => void;
  log: (message: string, error?: unknown) => void;
}

export interface CallController {
  record: () => CallRecord;
  dispatch: (event: CallEvent) => Promise<void>;
  dispatchShare: (event: ShareEvent) => Promise<void>;
  setMediaNotice: (notice: string | null) => Promise<void>;
  /** Outside an active call there is no quality to show: a late sample is dropped. */
  setQuality: (level: QualityLevel) => Promise<void>;
  /** The other side's signal, for the media host if it belongs to the call as it stands after every event before it. */
  receiveSignal: (callId: string, data: SignalData) => Promise<void>;
}

export async function createCallController(deps: CallControllerDeps): Promise<CallController> {
  let record = await loadCallRecord(deps.storage);
  // Events are applied one at a time, in arrival order, even though each one awaits storage.
  const queue = createSerialQueue();
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * The new state is this worker's at once, and is written before its commands run so a worker stopped in between
   * wakes up knowing them. A write that fails costs only that: the step goes ahead, for a hang-up whose write failed
   * must still stop the camera and tell the server.
   */
  async function commit(next: CallRecord): Promise<void> {
    record = next;
    await saveCallRecord(deps.storage, record).catch((error: unknown) =>
      deps.log('Could not store the call; a restarted worker would not know of this change', error),
    );
    armDeadline();
    deps.onChange(record);
  }

  /** One timer, for whatever the state says comes next; re-armed from the stored state after a worker restart. */
  function armDeadline(): void {
    clearTimeout(deadlineTimer);
    const due = nextDeadline(record.call);
    if (due === null) return;
    deadlineTimer = setTimeout(() => void controller.dispatch({ type: 'deadline', now: Date.now() }), Math.max(0, due - Date.now()));
  }

  /** Server requests answer later, as events; only offscreen messages are awaited, to keep their order. */
  async function run(command: CallCommand): Promise<void> {
    const link = deps.signaling();
    switch (command.type) {
      case 'send-ring':
        void request(link, 'ring', command.name === undefined ? { to: command.peer } : { to: command.peer, name: command.name }).then((result) =>
          controller.dispatch({ type: 'ring-answered', peer: command.peer, result }),
        );
        return;
      case 'send-accept':
        markSetupStep('accept-sent');
        void request(link, 'accept', { callId: command.callId, signals: deps.releaseSignals(command.callId) }).then((result) => {
          markSetupStep('accept-taken');
          return controller.dispatch({ type: 'accept-answered', callId: command.callId, now: Date.now(), result });
        });
        return;
      case 'send-decline':
      case 'send-hangup': {
        const event = command.type === 'send-decline' ? 'decline' : 'hangup';
        const reason = command.type === 'send-hangup' && command.reason !== undefined ? { reason: command.reason } : {};
        void request(link, event, { callId: command.callId, ...reason }).then((result) => {
          if (!result.ok) deps.log(`The server did not take the ${event}: ${result.message}`);
        });
        return;
      }
      case 'start-media':
        return deps.startMedia({ target: 'offscreen', type: 'start', local: command.local, devices: deps.deviceChoice() });
      case 'connect-peer':
        return deps.startMedia({ target: 'offscreen', type: 'connect', role: command.role, iceServers: command.iceServers });
      case 'prepare-peer':
        deps.holdSignals(command.callId);
        return deps.startMedia({ target: 'offscreen', type: 'prepare', iceServers: command.iceServers });
      case 'release-peer':
        return deps.tellMedia({ target: 'offscreen', type: 'release' });
      case 'use-relay':
        return deps.tellMedia({ target: 'offscreen', type: 'use-relay', iceServers: command.iceServers, renewal: command.renewal });
      case 'request-relay':
        void request(link, 'renew-relay', { callId: command.callId }).then((result) =>
          controller.dispatch({ type: 'relay-answered', callId: command.callId, now: Date.now(), result }),
        );
        return;
      case 'set-local-media':
        return deps.tellMedia({ target: 'offscreen', type: 'set-local-media', local: command.local });
      case 'stop-media':
        await deps.tellMedia({ target: 'offscreen', type: 'stop' }).catch(() => undefined);
        return deps.closeMedia();
    }
  }

  /**
   * Events queued and not yet applied. At zero, every event so far has handed its first command over: it is handed
   * in the same turn its apply settles (a media host keeps the order it is handed things in).
   */
  let applying = 0;

  /** Applies one event in order, then runs its commands outside the queue: they may dispatch follow-up events (a server's answer). */
  function inQueue(apply: () => Promise<{ commands: CallCommand[]; shareCommands: ShareCommand[] }>): Promise<void> {
    applying++;
    return queue.run(apply).then(
      async ({ commands, shareCommands }) => {
        applying--;
        for (const command of commands) {
          await run(command).catch((error: unknown) => deps.log(`Could not ${command.type}`, error));
        }
        for (const command of shareCommands) {
          await deps.runShare(command).catch((error: unknown) => deps.log(`Could not ${command.type} the share`, error));
        }
      },
      (error: unknown) => {
        applying--;
        throw error;
      },
    );
  }

  const controller: CallController = {
    record: () => record,

    dispatch(event) {
      // A call's set-up starts here for each side: the marks of the last one go.
      if (event.type === 'dial') clearSetupMarks();
      if (event.type === 'accept') {
        clearSetupMarks();
        markSetupStep('accept-received');
      }
      return inQueue(async () => {
        const { state, commands } = transition(record.call, event);
        // Sharing follows the call: a share waiting for the call starts when it connects, and ends with it.
        const follow = shareEventForCall(record.call, state);
        const shared = follow ? transitionShare(record.share, follow) : { state: record.share, commands: [] };
        if (state !== record.call || shared.state !== record.share) {
          const callOver = state.phase === 'idle';
          const finished = pendingFinishedCall(record.finished, record.call, state, Date.now());
          const quality = state.phase === 'active' ? record.quality : null;
          await commit({ call: state, mediaNotice: callOver ? null : record.mediaNotice, share: shared.state, finished, quality });
        }
        return { commands, shareCommands: shared.commands };
      });
    },

    dispatchShare(event) {
      return inQueue(async () => {
        const { state, commands } = transitionShare(record.share, event);
        if (state !== record.share) await commit({ ...record, share: state });
        return { commands: [], shareCommands: commands };
      });
    },

    setMediaNotice(notice) {
      return queue.run(() => commit({ ...record, mediaNotice: notice }));
    },

    setQuality(level) {
      return queue.run(() => (record.call.phase !== 'active' || record.quality === level ? undefined : commit({ ...record, quality: level })));
    },

    receiveSignal(callId, data) {
      const deliver = () => {
        const { call } = record;
        if (call.phase !== 'idle' && call.callId === callId) void deps.tellMedia({ target: 'offscreen', type: 'signal-in', data });
      };
      // Straight through when no event is being applied: the signal's call, if it is this side's, is known and its
      // media host has been handed its first command. Otherwise behind those events: a caller's early offer can
      // overtake its own ring while this side writes the ring down, and would find neither the call nor a prepared
      // peer connection. Handed over, not awaited: a document still starting must not hold the queue.
      if (applying === 0) {
        deliver();
        return Promise.resolve();
      }
      return queue.run(deliver);
    },
  };
  armDeadline();
  return controller;
}

function request<E extends RequestEvent>(link: SignalingLink | null, event: E, payload: RequestPayload<E>): Promise<ReplyTo<E>> {
  return link ? link.request(event, payload) : Promise.resolve(unreachable(t('serverNotConnected')));
}
