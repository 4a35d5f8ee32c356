/**
 * Keeps a call's media path alive: reports when it breaks and comes back,
 * and restarts ICE while it is down. Only the caller restarts, so the two
 * sides do not send crossing restart offers; the callee answers the caller's.
 */

/** Chrome often recovers a 'disconnected' pair by itself within a second or two; a restart sooner wastes a round trip. */
export const DISCONNECTED_GRACE_MS = 2_000;
/** While the path stays down (a relay still restarting, a network still switching), try again this often. */
export const RESTART_RETRY_MS = 5_000;

export type PathState = 'connected' | 'lost';

export interface IceRecoveryOptions {
  /** Whether this side starts the ICE restarts. */
  restarts: boolean;
  onPathChange(state: PathState): void;
}

export function watchIceRecovery(pc: RTCPeerConnection, options: IceRecoveryOptions): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lost = false;

  function scheduleRestart(delay: number): void {
    clearTimeout(timer);
    if (!options.restarts) return;
    timer = setTimeout(() => {
      if (pc.connectionState === 'connected' || pc.connectionState === 'closed') return;
      pc.restartIce();
      scheduleRestart(RESTART_RETRY_MS);
    }, delay);
  }

  function onChange(): void {
    switch (pc.connectionState) {
      case 'connected':
        clearTimeout(timer);
        lost = false;
        options.onPathChange('connected');
        return;
      case 'disconnected':
      case 'failed':
        if (!lost) {
          lost = true;
          options.onPathChange('lost');
        }
        scheduleRestart(pc.connectionState === 'failed' ? 0 : DISCONNECTED_GRACE_MS);
        return;
      default:
        return;
    }
  }

  pc.addEventListener('connectionstatechange', onChange);
  return () => {
    clearTimeout(timer);
    pc.removeEventListener('connectionstatechange', onChange);
  };
}
