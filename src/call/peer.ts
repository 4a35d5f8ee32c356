/**
 * One RTCPeerConnection with perfect negotiation (the pattern from the WebRTC
 * spec and MDN): either side may renegotiate at any time; when both offer at
 * once, the impolite side (the caller) wins and the polite side (the callee)
 * rolls back. It knows nothing of chrome.* or Socket.IO: it gets a `send`
 * function and is handed what arrives. What PeerDial sends otherwise than
 * as it comes is answer-policy.ts, between `send` and the signalling port.
 */
import type { SignalData } from '../shared/protocol';
import { withVideoStartBitrate } from './start-bitrate';

export interface PeerOptions {
  pc: RTCPeerConnection;
  polite: boolean;
  send: (data: SignalData) => void;
  /** Runs before an offer is answered, so tracks added here ride on the offered transceivers. */
  beforeAnswer?: () => Promise<void>;
  onError: (error: unknown) => void;
}

export interface Peer {
  receive: (data: SignalData) => Promise<void>;
  close: () => void;
}

export function createPeer(options: PeerOptions): Peer {
  const { pc, polite, send, onError } = options;
  let makingOffer = false;
  let ignoreOffer = false;
  /**
   * An answer is being applied: an offer arriving meanwhile (the callee's ICE restart right behind its answer) is no
   * collision, though the state is not yet stable. MDN's perfect negotiation has this flag; without it the impolite
   * side ignores that offer and the polite side waits for an answer that never comes.
   */
  let settingRemoteAnswer = false;
  /** Candidates that arrived before any description (one relayed at the instant the server handed over the held offer). */
  const early: RTCIceCandidateInit[] = [];
  /**
   * The last offer and answer applied. A description can come twice: the server hands a callee the offer while it
   * rings and again with the accept, and the signal relay sends again what it did not see confirmed before its link
   * went down (signal-relay.ts), some of which the peer may have had. Applied again, an offer would be a
   * renegotiation, and an answer would answer nothing (or a newer offer of ours).
   */
  const lastApplied: { offer?: string; answer?: string } = {};

  pc.onnegotiationneeded = async () => {
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      send({ kind: 'description', description: describe(pc.localDescription!) });
    } catch (error) {
      onError(error);
    } finally {
      makingOffer = false;
    }
  };

  pc.onicecandidate = ({ candidate }) => {
    if (!candidate?.candidate) return;
    const { sdpMid, sdpMLineIndex, usernameFragment } = candidate;
    send({ kind: 'candidate', candidate: { candidate: candidate.candidate, sdpMid, sdpMLineIndex, usernameFragment } });
  };

  async function receive(data: SignalData): Promise<void> {
    if (data.kind === 'candidate') {
      if (!pc.remoteDescription) {
        early.push(data.candidate);
        return;
      }
      try {
        await pc.addIceCandidate(data.candidate);
      } catch (error) {
        // Candidates for an offer we chose to ignore are expected to fail.
        if (!ignoreOffer) onError(error);
      }
      return;
    }
    const description = data.description;
    // Every new offer and answer has a new o= version: the same text again is a copy.
    if ((description.type === 'offer' || description.type === 'answer') && description.sdp === lastApplied[description.type]) return;
    const readyForOffer = !makingOffer && (pc.signalingState === 'stable' || settingRemoteAnswer);
    const offerCollision = description.type === 'offer' && !readyForOffer;
    ignoreOffer = !polite && offerCollision;
    if (ignoreOffer) return;
    // Noted before applying it, so a copy arriving meanwhile is already recognised.
    if (description.type === 'offer' || description.type === 'answer') lastApplied[description.type] = description.sdp;
    settingRemoteAnswer = description.type === 'answer';
    try {
      // Our own video's start: see start-bitrate.ts.
      await pc.setRemoteDescription({ type: description.type, sdp: withVideoStartBitrate(description.sdp) });
    } finally {
      settingRemoteAnswer = false;
    }
    for (const candidate of early.splice(0)) await pc.addIceCandidate(candidate).catch(onError);
    if (description.type === 'offer') {
      await options.beforeAnswer?.();
      await pc.setLocalDescription();
      send({ kind: 'description', description: describe(pc.localDescription!) });
    }
  }

  return {
    receive: (data) => receive(data).catch(onError),
    close() {
      pc.onnegotiationneeded = null;
      pc.onicecandidate = null;
      pc.close();
    },
  };
}

function describe(description: RTCSessionDescription): { type: RTCSdpType; sdp: string } {
  return { type: description.type, sdp: description.sdp };
}
