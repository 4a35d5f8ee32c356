import { describe, expect, it } from 'vitest';
import type { SignalData } from '../shared/protocol';
import { createAnswerPolicy } from './answer-policy';

/** The parts of a peer connection the policy reads, moved by hand. */
class FakeConnection extends EventTarget {
  iceGatheringState: RTCIceGatheringState = 'gathering';
  signalingState: RTCSignalingState = 'stable';
  localDescription: RTCSessionDescription | null = null;
  applied: RTCSessionDescriptionInit[] = [];

  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.applied.push(description);
    return Promise.resolve();
  }

  describe(type: RTCSdpType, sdp: string): SignalData {
    this.localDescription = { type, sdp } as RTCSessionDescription;
    return { kind: 'description', description: { type, sdp } };
  }

  finishGathering(): void {
    this.iceGatheringState = 'complete';
    this.dispatchEvent(new Event('icegatheringstatechange'));
  }
}

const candidate = (n: number): SignalData => ({ kind: 'candidate', candidate: { candidate: `candidate:${n} 1 udp 1 192.0.2.${n} 5000 typ host`, sdpMid: '0', sdpMLineIndex: 0 } });

function setUp(options: { provisional?: boolean; holdAnswer?: boolean } = {}) {
  const pc = new FakeConnection();
  const sent: SignalData[] = [];
  const errors: unknown[] = [];
  const policy = createAnswerPolicy(pc, {
    provisional: options.provisional ?? false,
    holdAnswer: options.holdAnswer ?? false,
    send: (data) => sent.push(data),
    onError: (error) => errors.push(error),
  });
  return { pc, sent, errors, policy };
}

describe("a callee's answer prepared while it rings", () => {
  it('waits for gathering to complete, then goes once as the description listing every candidate, candidates not sent on their own', () => {
    const { pc, sent, policy } = setUp({ holdAnswer: true });
    policy.send(pc.describe('answer', 'v=0 first'));
    policy.send(candidate(1));
    policy.send(candidate(2));
    expect(sent).toEqual([]);
    pc.describe('answer', 'v=0 with both candidates');
    pc.finishGathering();
    expect(sent).toEqual([{ kind: 'description', description: { type: 'answer', sdp: 'v=0 with both candidates' } }]);
  });

  it('goes at once with what there is when the accept is going, and later candidates trickle after it', () => {
    const { pc, sent, policy } = setUp({ holdAnswer: true });
    policy.send(pc.describe('answer', 'v=0 one candidate'));
    policy.send(candidate(1));
    policy.release();
    policy.send(candidate(2));
    expect(sent).toEqual([{ kind: 'description', description: { type: 'answer', sdp: 'v=0 one candidate' } }, candidate(2)]);
    pc.finishGathering();
    expect(sent).toHaveLength(2);
  });

  it('is not held when gathering is already complete, nor after the accept has gone', () => {
    const { pc, sent, policy } = setUp({ holdAnswer: true });
    pc.iceGatheringState = 'complete';
    policy.send(pc.describe('answer', 'v=0 complete'));
    policy.release();
    pc.iceGatheringState = 'gathering';
    policy.send(pc.describe('answer', 'v=0 renegotiated'));
    expect(sent.map((data) => data.kind === 'description' && data.description.sdp)).toEqual(['v=0 complete', 'v=0 renegotiated']);
  });

  it('release with nothing held sends nothing', () => {
    const { sent, policy } = setUp({ holdAnswer: true });
    policy.release();
    expect(sent).toEqual([]);
  });
});

describe("the caller's provisional answer", () => {
  const offer = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'a=sendrecv', 'a=rtpmap:111 opus/48000/2', ''].join('\r\n');

  it('is applied to its own first offer while that offer waits, and the offer still goes', async () => {
    const { pc, sent, policy } = setUp({ provisional: true });
    pc.signalingState = 'have-local-offer';
    policy.send(pc.describe('offer', offer));
    policy.send(pc.describe('offer', offer.replace('o=- 1 2', 'o=- 1 3')));
    await Promise.resolve();
    expect(pc.applied).toHaveLength(1);
    expect(pc.applied[0]!.type).toBe('pranswer');
    expect(sent).toHaveLength(2);
  });

  it('is not applied once the real answer is in, and never by a callee', async () => {
    const late = setUp({ provisional: true });
    late.pc.signalingState = 'stable';
    late.policy.send(late.pc.describe('offer', offer));
    const callee = setUp({ holdAnswer: true });
    callee.pc.signalingState = 'have-local-offer';
    callee.policy.send(callee.pc.describe('offer', offer));
    await Promise.resolve();
    expect([late.pc.applied, callee.pc.applied]).toEqual([[], []]);
  });
});
