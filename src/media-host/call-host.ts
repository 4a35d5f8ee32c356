/**
 * The call sessions this document holds, one at a time: a callee's prepared
 * while it rings becomes the call on Accept; any other start or a stop ends
 * the one before. Quality is sampled while a call has a peer connection.
 */
import type { MediaFlags, Role } from '../shared/call-state';
import type { CallStreams } from '../shared/call-streams';
import type { DeviceChoice } from '../shared/devices';
import type { IceServer } from '../shared/protocol';
import type { Quality } from '../shared/call-quality';
import { watchQuality } from '../call/quality-watch';
import { type CallSession, type CallSessionDeps, startCallSession } from './call-session';

export interface CallHostDeps extends CallSessionDeps {
  /** The latest quality reading, for pages that show it; null when the call ends. */
  showQuality: (quality: Quality | null) => void;
}

export interface CallHost {
  /** The call now, if any. */
  session: () => CallSession | null;
  /** A ring: the callee's peer connection, answering while it rings. */
  prepare: (iceServers: IceServer[]) => void;
  start: (local: MediaFlags, devices: DeviceChoice) => void;
  connect: (role: Role, iceServers: IceServer[]) => void;
  stop: () => void;
}

export function hostCalls(streams: CallStreams, deps: CallHostDeps): CallHost {
  let session: CallSession | null = null;
  /** Stops the once-a-second quality sampling; set only while a call has a peer connection. */
  let stopQuality: (() => void) | null = null;

  function replace(): CallSession {
    session?.stop();
    session = startCallSession(streams, deps);
    return session;
  }

  return {
    session: () => session,
    prepare(iceServers) {
      replace().connect('callee', iceServers, { prepared: true });
    },
    start(local, devices) {
      // A callee's session prepared while it rang is this call's: its media starts now, on Accept (its camera may be on already).
      const current = session?.awaitingMedia() ? session : replace();
      current.startMedia(local, devices);
    },
    connect(role, iceServers) {
      session?.connect(role, iceServers);
      stopQuality?.();
      stopQuality = watchQuality(streams, {
        onReading: deps.showQuality,
        onLevel: (level) => deps.notify({ target: 'background', type: 'quality', level }),
      });
    },
    stop() {
      session?.stop();
      session = null;
      stopQuality?.();
      stopQuality = null;
    },
  };
}
