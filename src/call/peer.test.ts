import { describe, expect, it } from 'vitest';
import type { SignalData } from '../shared/protocol';
import { createPeer } from './peer';

/** The parts of a peer connection negotiation touches, with a browser's state rules for descriptions. */
class FakeConnection {
  signalingState: RTCSignalingState = 'stable';
  localDescription: RTCSessionDescription | null = null;
  remoteDescription: RTCSessionDescription | null = null;
  remote: string[] = [];
  candidates: RTCIceCandidateInit[] = [];
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((event: { candidate: RTCIceCandidate | null }) => void) | null = null;
  private version = 0;

  setRemoteDescription({ type, sdp }: RTCSessionDescriptionInit): Promise<void> {
    if (type === 'answer' && this.signalingState !== 'have-local-offer') {
      return Promise.reject(new DOMException(`Failed to set remote answer sdp: Called in wrong state: ${this.signalingState}`, 'InvalidStateError'));
    }
    this.remote.push(sdp!);
    this.remoteDescription = { type, sdp } as RTCSessionDescription;
    this.signalingState = type === 'offer' ? 'have-remote-offer' : 'stable';
    return Promise.resolve();
  }

  setLocalDescription(): Promise<void> {
    const type = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer';
    this.localDescription = { type, sdp: `v=0 local ${++this.version}` } as RTCSessionDescription;
    this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
    return Promise.resolve();
  }

  addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    this.candidates.push(candidate);
    return Promise.resolve();
  }

  close(): void {}
}

const description = (type: 'offer' | 'answer', sdp: string): SignalData => ({ kind: 'description', description: { type, sdp } });

function setUp(polite: boolean) {
  const pc = new FakeConnection();
  const sent: SignalData[] = [];
  const errors: unknown[] = [];
  const peer = createPeer({ pc: pc as unknown as RTCPeerConnection, polite, send: (data) => sent.push(data), onError: (error) => errors.push(error) });
  return { pc, sent, errors, peer };
}

describe('perfect negotiation', () => {
  it('answers an offer that comes twice once: the copy is no renegotiation', async () => {
    const { pc, sent, errors, peer } = setUp(true);
    await peer.receive(description('offer', 'v=0 offer 1'));
    await peer.receive(description('offer', 'v=0 offer 1'));
    expect(pc.remote).toEqual(['v=0 offer 1']);
    expect(sent).toEqual([description('answer', 'v=0 local 1')]);
    expect(errors).toEqual([]);
  });

  it('applies an answer that comes twice once: the copy answers nothing, and must not answer a newer offer', async () => {
    const { pc, errors, peer } = setUp(false);
    pc.onnegotiationneeded!();
    await Promise.resolve();
    await peer.receive(description('answer', 'v=0 answer 1'));
    // The copy arrives once the relay sends again what it could not see confirmed: here, while a new offer waits.
    pc.onnegotiationneeded!();
    await Promise.resolve();
    await peer.receive(description('answer', 'v=0 answer 1'));
    expect(pc.remote).toEqual(['v=0 answer 1']);
    expect(pc.signalingState).toBe('have-local-offer');
    await peer.receive(description('answer', 'v=0 answer 2'));
    expect(pc.remote).toEqual(['v=0 answer 1', 'v=0 answer 2']);
    expect(errors).toEqual([]);
  });
});
