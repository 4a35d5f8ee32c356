/**
 * What a call's peer connection did while it set up and recovered: its state
 * changes, and each description and candidate sent or received, named by
 * type and ICE ufrag (never their SDP, which holds addresses and keys). The
 * last few hundred lines are kept on the offscreen window, so a call that
 * did not connect can be read back in devtools, or by a test that failed.
 */
import type { SignalData } from '../shared/protocol';

/** A set-up with a few restarts is under a hundred lines; a long call's recoveries push out its oldest. */
export const TRACE_LINES = 300;

const EVENTS = ['negotiationneeded', 'signalingstatechange', 'icegatheringstatechange', 'iceconnectionstatechange', 'connectionstatechange'] as const;

export interface NegotiationTrace {
  signal: (direction: 'sent' | 'received', data: SignalData) => void;
  note: (what: string) => void;
}

/** Traces `pc` into `lines`, which it empties first: one call's trace at a time. */
export function traceNegotiation(pc: RTCPeerConnection, lines: string[]): NegotiationTrace {
  lines.length = 0;
  const start = performance.now();

  function note(what: string): void {
    lines.push(`${Math.round(performance.now() - start)} ms: ${what}`);
    if (lines.length > TRACE_LINES) lines.splice(0, lines.length - TRACE_LINES);
  }

  for (const event of EVENTS) {
    pc.addEventListener(event, () =>
      note(`${event} (signaling ${pc.signalingState}, gathering ${pc.iceGatheringState}, ice ${pc.iceConnectionState}, connection ${pc.connectionState})`),
    );
  }

  return {
    signal: (direction, data) => note(`${direction} ${describeSignal(data)}`),
    note,
  };
}

/** "offer, ufrag Ab3x" or "candidate relay udp": enough to follow a negotiation, nothing to reach anyone by. */
export function describeSignal(data: SignalData): string {
  if (data.kind === 'description') {
    const ufrag = /^a=ice-ufrag:(\S+)/m.exec(data.description.sdp)?.[1] ?? 'none';
    const candidates = data.description.sdp.match(/^a=candidate:/gm)?.length ?? 0;
    return `${data.description.type}, ufrag ${ufrag}, ${candidates} candidates`;
  }
  const fields = data.candidate.candidate.split(' ');
  const typ = fields.indexOf('typ');
  const type = (typ >= 0 && fields[typ + 1]) || 'unknown';
  const protocol = fields[2]?.toLowerCase();
  return `candidate ${protocol ? `${type} ${protocol}` : type}, ufrag ${data.candidate.usernameFragment ?? 'none'}`;
}
