/**
 * Where PeerDial departs from sending each signal as the peer makes it. It
 * stands between the peer's `send` and the signalling port:
 *
 * - The caller applies a provisional answer to its own first offer at once,
 *   so its sending side is ready before the real answer comes
 *   (provisional-answer.ts).
 * - A callee that prepares while it rings holds its answer until ICE
 *   gathering completes (there is time while it rings) and then sends it as
 *   one description listing every candidate: the caller can check all pairs
 *   the moment it applies it, instead of learning them one relayed message at
 *   a time after the accept. Candidates gathered meanwhile are in that
 *   description, so they are not sent on their own. Accepted before
 *   gathering finished (`release()`), the answer goes with what there is, and
 *   later candidates trickle after it.
 */
import type { SignalData } from '../shared/protocol';
import { markSetupStep } from '../shared/setup-marks';
import { provisionalAnswer } from './provisional-answer';
import { withVideoStartBitrate } from './start-bitrate';

/** What the policy reads of the peer connection, and the one thing it does to it (the provisional answer). */
export type AnswerPolicyConnection = Pick<RTCPeerConnection, 'iceGatheringState' | 'localDescription' | 'signalingState' | 'setRemoteDescription' | 'addEventListener'>;

export interface AnswerPolicyOptions {
  /** The caller: its first offer gets a provisional answer. */
  provisional: boolean;
  /** A callee preparing while it rings: its answer waits for gathering to complete, or for `release()`. */
  holdAnswer: boolean;
  /** The signalling port. */
  send: (data: SignalData) => void;
  onError: (error: unknown) => void;
}

export interface AnswerPolicy {
  /** What the peer sends comes here. */
  send: (data: SignalData) => void;
  /** The accept is going: a held answer goes now, and nothing is held from here on. */
  release: () => void;
}

const isAnswer = (data: SignalData) => data.kind === 'description' && data.description.type === 'answer';

export function createAnswerPolicy(pc: AnswerPolicyConnection, options: AnswerPolicyOptions): AnswerPolicy {
  let provisionalPending = options.provisional;
  let holding = options.holdAnswer;
  /** An answer is made and waits; candidates meanwhile are in its description. */
  let answerWaits = false;

  async function answerProvisionally(offerSdp: string): Promise<void> {
    const sdp = provisionalAnswer(offerSdp);
    // Only while our offer still waits: the real answer may be in already.
    if (!sdp || pc.signalingState !== 'have-local-offer') return;
    await pc.setRemoteDescription({ type: 'pranswer', sdp: withVideoStartBitrate(sdp) }).catch(options.onError);
  }

  function transmit(data: SignalData): void {
    if (isAnswer(data)) markSetupStep('answer-sent');
    options.send(data);
  }

  function send(data: SignalData): void {
    if (provisionalPending && data.kind === 'description' && data.description.type === 'offer') {
      provisionalPending = false;
      void answerProvisionally(data.description.sdp);
    }
    if (isAnswer(data)) markSetupStep('answer-created');
    if (holding && isAnswer(data) && pc.iceGatheringState !== 'complete') {
      answerWaits = true;
      return;
    }
    if (answerWaits && data.kind === 'candidate') return;
    transmit(data);
  }

  /** Sends the waiting answer as the description stands now, with the candidates gathered so far. */
  function sendWaitingAnswer(): void {
    const description = pc.localDescription;
    if (!answerWaits || !description) return;
    answerWaits = false;
    send({ kind: 'description', description: { type: description.type, sdp: description.sdp } });
  }

  pc.addEventListener('icegatheringstatechange', () => {
    if (pc.iceGatheringState === 'complete') sendWaitingAnswer();
  });

  return {
    send,
    release() {
      holding = false;
      sendWaitingAnswer();
    },
  };
}
