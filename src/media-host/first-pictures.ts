/**
 * When the first picture has moved each way on a call's connection: our
 * camera's first frame sent, the other side's first frame decoded. Read from
 * the camera transceiver's own counters (its sender's and its receiver's
 * getStats, not the whole connection's), a few times a second, for a moment
 * at the start of a call.
 */

export interface FirstPicturesOptions {
  /** Whether the other side's camera is coming (what it last announced); a picture that is not coming is not waited for. */
  theirCamera: () => boolean;
  /** Give up waiting after this long. */
  limitMs: number;
  pollMs: number;
  /** The call ended: stop looking. */
  stopped: () => boolean;
}

export async function firstPicturesMoved(pc: RTCPeerConnection, options: FirstPicturesOptions): Promise<void> {
  const deadline = performance.now() + options.limitMs;
  // The first video transceiver is the camera's: a share's come later, by renegotiation.
  const camera = pc.getTransceivers().find((transceiver) => transceiver.receiver.track.kind === 'video');
  if (!camera) return;
  let sent = false;
  let decoded = false;
  while (!options.stopped() && performance.now() < deadline) {
    sent ||= !camera.sender.track || (await counted(camera.sender, 'outbound-rtp', 'framesSent'));
    decoded ||= !options.theirCamera() || (await counted(camera.receiver, 'inbound-rtp', 'framesDecoded'));
    if (sent && decoded) return;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

async function counted(end: RTCRtpSender | RTCRtpReceiver, type: RTCStatsType, counter: 'framesSent' | 'framesDecoded'): Promise<boolean> {
  const report = await end.getStats().catch(() => null);
  if (!report) return true;
  for (const stats of report.values() as Iterable<Record<string, unknown>>) if (stats.type === type && Number(stats[counter]) > 0) return true;
  return false;
}
