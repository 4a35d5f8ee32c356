/**
 * Keeps a call's media path alive: reports when it breaks and comes back,
 * and restarts ICE while it is down. Only the caller restarts, so the two
 * sides do not send crossing restart offers; the callee answers the caller's.
 *
 * Two signs of a broken path: ICE's own state, and silence from the peer's
 * heartbeat. ICE takes several seconds to notice a peer that went silent;
 * the heartbeat notices in under 3.
 *
 * A set-up can stall too, with nothing failing: a callee's restart for a
 * relay it was granted after gathering can cross another offer and be
 * lost, leaving no side with a candidate to check. ICE never reports
 * 'failed' then; it waits. So a path not up SETUP_STALL_MS after the answer
 * came is restarted as a broken one is, and the callee regathers with the
 * servers it has now.
 */

/** Chrome often recovers a 'disconnected' pair by itself within a second or two; a restart sooner wastes a round trip. */
export const DISCONNECTED_GRACE_MS = 2_000;
/** While the path stays down (a relay still restarting, a network still switching), try again this often. */
export const RESTART_RETRY_MS = 5_000;

/** Well past a set-up's answer-to-connected here (under a second) and across NATs (a few). */
export const SETUP_STALL_MS = 5_000;
/** How often each side says it is alive over the control channel. */
export const HEARTBEAT_MS = 1_000;
/** Two and a half missed heartbeats: one late timer is not a broken path. */
export const SILENCE_MS = 2_500;

export type PathState = 'connected' | 'lost';

export interface IceRecovery {
  /** Anything arrived from the peer over the path. */
  heard: () => void;
  /** The answer to our first offer came: the path should be up soon. */
  answered: () => void;
  stop: () => void;
}

export interface IceRecoveryOptions {
  /** Whether this side starts the ICE restarts. */
  restarts: boolean;
  onPathChange: (state: PathState) => void;
  /** A restart is being made, and why. */
  onRestart?: (why: string) => void;
}

export function watchIceRecovery(pc: RTCPeerConnection, options: IceRecoveryOptions): IceRecovery {
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let silenceTimer: ReturnType<typeof setTimeout> | undefined;
  let iceDown = false;
  let silent = false;
  /** From the first answer until the path is first up. */
  let settingUp = false;
  let reported: PathState | null = null;

  function report(): void {
    const state: PathState = iceDown || silent ? 'lost' : 'connected';
    if (state === reported || (reported === null && state === 'lost')) return;
    reported = state;
    options.onPathChange(state);
  }

  function scheduleRestart(delay: number): void {
    clearTimeout(restartTimer);
    if (!options.restarts) return;
    restartTimer = setTimeout(() => {
      if (pc.connectionState === 'closed' || (!iceDown && !silent && !settingUp)) return;
      options.onRestart?.(settingUp ? 'set-up stalled' : iceDown ? `path ${pc.connectionState}` : 'peer silent');
      pc.restartIce();
      scheduleRestart(RESTART_RETRY_MS);
    }, delay);
  }

  function onIceChange(): void {
    switch (pc.connectionState) {
      case 'connected':
        iceDown = false;
        settingUp = false;
        if (!silent) clearTimeout(restartTimer);
        report();
        return;
      case 'disconnected':
      case 'failed':
        iceDown = true;
        report();
        scheduleRestart(pc.connectionState === 'failed' ? 0 : DISCONNECTED_GRACE_MS);
        return;
      default:
        return;
    }
  }

  pc.addEventListener('connectionstatechange', onIceChange);
  return {
    answered() {
      if (settingUp || reported !== null) return;
      settingUp = true;
      scheduleRestart(SETUP_STALL_MS);
    },
    heard() {
      clearTimeout(silenceTimer);
      silenceTimer = setTimeout(() => {
        silent = true;
        report();
        scheduleRestart(0);
      }, SILENCE_MS);
      if (silent) {
        silent = false;
        report();
      }
    },
    stop() {
      clearTimeout(restartTimer);
      clearTimeout(silenceTimer);
      pc.removeEventListener('connectionstatechange', onIceChange);
    },
  };
}
