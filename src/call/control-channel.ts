/**
 * The call's small control channel: mute and share state, chat and the file
 * handshake travel on it as JSON frames (data-frames.ts), and each side says
 * it is alive every HEARTBEAT_MS so a silent path is noticed sooner than ICE
 * notices it (ice-recovery.ts). Negotiated with a fixed id on both sides: no
 * extra offer for the channel, and no race to create it.
 */
import { type ControlFrame, parseControlFrame } from './data-frames';
import { HEARTBEAT_MS } from './ice-recovery';

export interface ControlChannelDeps {
  /** The channel is open: tell the other side at once what it should know. */
  onOpen: () => void;
  /** Anything arrived from the other side, the heartbeat included. */
  heard: () => void;
  /** A valid frame other than the heartbeat. */
  onFrame: (frame: ControlFrame) => void;
  log: (what: string, detail: unknown) => void;
}

export interface ControlChannel {
  /** False when the channel is not open. */
  send: (frame: ControlFrame) => boolean;
  close: () => void;
}

export function openControlChannel(pc: RTCPeerConnection, deps: ControlChannelDeps): ControlChannel {
  const channel = pc.createDataChannel('control', { negotiated: true, id: 0 });
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  function send(frame: ControlFrame): boolean {
    if (channel.readyState !== 'open') return false;
    channel.send(JSON.stringify(frame));
    return true;
  }

  channel.onopen = () => {
    deps.onOpen();
    deps.heard();
    heartbeat = setInterval(() => send({ type: 'alive' }), HEARTBEAT_MS);
  };
  channel.onmessage = ({ data }) => {
    deps.heard();
    // The other side is someone else's browser: a bad frame is logged and dropped, never thrown.
    const parsed = parseControlFrame(data);
    if (!parsed.ok) return deps.log('data', { dropped: parsed.error });
    if (parsed.frame.type !== 'alive') deps.onFrame(parsed.frame);
  };

  return {
    send,
    close() {
      clearInterval(heartbeat);
      channel.close();
    },
  };
}
