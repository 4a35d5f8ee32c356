import { describe, expect, it } from 'vitest';
import { assessQuality, classifyQuality, describeDetails, describeQuality, type StatEntry, summarizeStats } from './call-quality';

interface SampleOptions {
  rtt?: number;
  lost?: number;
  received?: number;
  bytesIn?: number;
  bytesOut?: number;
  relay?: boolean;
  /** Fields of the incoming camera stream's inbound-rtp entry, as recorded. */
  video?: Partial<StatEntry>;
  /** Fields of the incoming audio's inbound-rtp entry, as recorded. */
  audio?: Partial<StatEntry>;
  videoMime?: string;
}

/**
 * A getStats() sample shaped like Chromium's (fields trimmed to those read),
 * with the counters a real loopback call showed; `at` seconds, `lossPackets` cumulative.
 */
function sample(at: number, options: SampleOptions = {}): StatEntry[] {
  const t = at * 1000;
  return [
    { id: 'T01', type: 'transport', timestamp: t, selectedCandidatePairId: 'CPa_b' },
    { id: 'CPa_b', type: 'candidate-pair', timestamp: t, state: 'succeeded', nominated: true, localCandidateId: 'Ia', remoteCandidateId: 'Ib', currentRoundTripTime: options.rtt ?? 0.004 },
    { id: 'CPx_y', type: 'candidate-pair', timestamp: t, state: 'failed', localCandidateId: 'Ix', remoteCandidateId: 'Iy', currentRoundTripTime: 2 },
    { id: 'Ia', type: 'local-candidate', timestamp: t, candidateType: options.relay ? 'relay' : 'host' },
    { id: 'Ib', type: 'remote-candidate', timestamp: t, candidateType: 'host' },
    { id: 'Ix', type: 'local-candidate', timestamp: t, candidateType: 'relay' },
    { id: 'Iy', type: 'remote-candidate', timestamp: t, candidateType: 'relay' },
    { id: 'CIT01_96', type: 'codec', timestamp: t, mimeType: options.videoMime ?? 'video/VP8' },
    { id: 'IT01A', type: 'inbound-rtp', kind: 'audio', timestamp: t, packetsReceived: 50 * at, packetsLost: 0, bytesReceived: 4_000 * at, jitter: 0.003, ...options.audio },
    {
      id: 'IT01V', type: 'inbound-rtp', kind: 'video', timestamp: t, codecId: 'CIT01_96',
      packetsReceived: options.received ?? 100 * at, packetsLost: options.lost ?? 0, bytesReceived: options.bytesIn ?? 120_000 * at,
      jitter: 0.01, frameWidth: 640, frameHeight: 480, framesPerSecond: 30,
      // A moving camera with bits to spare: libvpx codes it at VP8's finest quantizer.
      framesDecoded: 30 * at, qpSum: 2 * 30 * at,
      ...options.video,
    },
    { id: 'OT01V', type: 'outbound-rtp', kind: 'video', timestamp: t, bytesSent: options.bytesOut ?? 125_000 * at, frameWidth: 640, frameHeight: 480, framesPerSecond: 29.7 },
  ];
}

/**
 * Alice's side of two recorded loopback calls (Chromium 156, VP8, one
 * browser per party), a second apart: `t` seconds after dialling.
 */
const RECORDED = {
  /** Bob's fake camera plays a flat-colour y4m: one still colour at 320×240, 30 fps. The old reading here: Poor. */
  flatCamera: {
    first: sample(11.2, { rtt: 0.001, audio: { bytesReceived: 27_432, packetsReceived: 412 }, video: { bytesReceived: 20_203, packetsReceived: 292, frameWidth: 320, frameHeight: 240, qpSum: 746, framesDecoded: 238 } }),
    next: sample(12.232, { rtt: 0.001, audio: { bytesReceived: 31_006, packetsReceived: 464 }, video: { bytesReceived: 21_656, packetsReceived: 323, frameWidth: 320, frameHeight: 240, qpSum: 808, framesDecoded: 269 } }),
  },
  /** Bob's moving test pattern (640×480, 20 fps), his video sender capped at 30 kbit/s from 12 s on. */
  starved: {
    // Seven seconds under the cap, adapted: 480×360 at 4 fps, every frame at QP 106 of 127.
    adapted: sample(20.0, { rtt: 0.001, video: { bytesReceived: 645_251, packetsReceived: 689, frameWidth: 480, frameHeight: 360, framesPerSecond: 4, qpSum: 3619, framesDecoded: 225 }, audio: { bytesReceived: 57_466, packetsReceived: 891 } }),
    adaptedNext: sample(21.054, { rtt: 0.003, video: { bytesReceived: 648_541, packetsReceived: 693, frameWidth: 480, frameHeight: 360, framesPerSecond: 4, qpSum: 4043, framesDecoded: 229 }, audio: { bytesReceived: 60_237, packetsReceived: 943 } }),
  },
};

describe('connection quality', () => {
  it('reads a healthy loopback call as good, direct, with its figures', () => {
    const quality = assessQuality(sample(11), sample(10), true);
    expect(quality.level).toBe('good');
    expect(quality.details).toEqual({
      rttMs: 4,
      loss: 0,
      jitterMs: 3,
      bitrateInKbps: (124_000 * 8) / 1000,
      bitrateOutKbps: 1000,
      videoQp: 2,
      videoIn: { width: 640, height: 480, fps: 30 },
      videoOut: { width: 640, height: 480, fps: 29.7 },
      codec: 'VP8',
      path: 'direct',
    });
  });

  it('names the path relayed when the selected pair runs through a TURN relay, not when only a failed pair did', () => {
    expect(summarizeStats(sample(2, { relay: true }), sample(1)).path).toBe('relayed');
    expect(summarizeStats(sample(2), sample(1)).path).toBe('direct');
  });

  it('counts loss between the two samples, not since the call began', () => {
    // 1000 received + 0 lost by t=10; 100 more received and 10 more lost by t=11.
    const before = sample(10, { received: 1000, lost: 0 });
    const now = sample(11, { received: 1100, lost: 10 });
    const details = summarizeStats(now, before);
    // 10 lost of (50 audio + 100 video + 10) packets sent in that second.
    expect(details.loss).toBeCloseTo(10 / 160, 5);
    expect(classifyQuality(details, true)).toBe('fair');
  });

  it('falls to fair with a slow round trip and to poor with a very slow one or heavy loss', () => {
    expect(assessQuality(sample(2, { rtt: 0.35 }), sample(1), true).level).toBe('fair');
    expect(assessQuality(sample(2, { rtt: 0.7 }), sample(1), true).level).toBe('poor');
    expect(assessQuality(sample(2, { received: 200, lost: 30 }), sample(1, { received: 100, lost: 0 }), true).level).toBe('poor');
  });

  it('reads a flat-colour camera over a clean path as good, though its still picture needs only about 11 kbit/s', () => {
    const quality = assessQuality(RECORDED.flatCamera.next, RECORDED.flatCamera.first, true);
    // Audio and video together stayed under 50 kbit/s: a bitrate floor read this call as poor.
    expect(quality.details.bitrateInKbps).toBeLessThan(50);
    expect(quality.details).toMatchObject({ rttMs: 1, loss: 0, videoQp: 2, videoIn: { width: 320, height: 240, fps: 30 } });
    expect(quality.level).toBe('good');
  });

  it('reads a picture starved of bits as poor by its coarse quantizer, with no loss and a quick round trip', () => {
    const { adapted, adaptedNext } = RECORDED.starved;
    const details = summarizeStats(adaptedNext, adapted);
    expect(details).toMatchObject({ loss: 0, videoQp: 106, videoIn: { width: 480, height: 360, fps: 4 } });
    expect(classifyQuality(details, true)).toBe('poor');
    // With the camera off (or an audio-only call) there is no picture to judge.
    expect(classifyQuality(details, false)).toBe('good');
  });

  it("judges the other side's camera, not a shared screen arriving beside it", () => {
    const { adapted, adaptedNext } = RECORDED.starved;
    const { first, next } = RECORDED.flatCamera;
    // The starved picture is now their share (a second incoming video), the flat camera is their camera.
    const asShare = (entries: StatEntry[]) =>
      entries.filter((entry) => entry.type === 'inbound-rtp' && entry.kind === 'video').map((entry) => ({ ...entry, id: `share-${entry.id}`, trackIdentifier: 'share-track' }));
    const asCamera = (entries: StatEntry[]) => entries.map((entry) => (entry.type === 'inbound-rtp' && entry.kind === 'video' ? { ...entry, trackIdentifier: 'camera-track' } : entry));
    const before = [...asShare(adapted), ...asCamera(first)];
    const now = [...asShare(adaptedNext), ...asCamera(next)];
    expect(assessQuality(now, before, true, 'camera-track')).toMatchObject({ level: 'good', details: { videoQp: 2 } });
    expect(assessQuality(now, before, true, 'share-track').level).toBe('poor');
  });

  it('judges the quantizer on the scale of the codec that carried the picture, and not for a codec it has no limit for', () => {
    const { adapted, adaptedNext } = RECORDED.starved;
    const carriedBy = (mime: string, entries: StatEntry[]) => entries.map((entry) => (entry.type === 'codec' ? { ...entry, mimeType: mime } : entry));
    const levelWith = (mime: string) => assessQuality(carriedBy(mime, adaptedNext), carriedBy(mime, adapted), true).level;
    // QP 106 is past the limit on H.264's 0-51 scale, well within VP9's 0-255.
    expect(levelWith('video/H264')).toBe('poor');
    expect(levelWith('video/VP9')).toBe('good');
    expect(levelWith('video/AV1')).toBe('good');
  });

  it('does not count a new incoming stream against the counters of the one it replaced', () => {
    const { adapted, adaptedNext } = RECORDED.starved;
    const renamed = adaptedNext.map((entry) => (entry.id === 'IT01V' ? { ...entry, id: 'IT01V2', qpSum: 6, framesDecoded: 3 } : entry));
    expect(summarizeStats(renamed, adapted).videoQp).toBeNull();
  });

  it('the first sample has no rates or loss yet and still gives a reading', () => {
    const quality = assessQuality(sample(1), [], true);
    expect(quality.details.bitrateInKbps).toBeNull();
    expect(quality.details.loss).toBeNull();
    expect(quality.level).toBe('good');
  });

  it('with no connected pair yet says nothing about the path', () => {
    const early = sample(1).filter((entry) => entry.type !== 'transport' && entry.type !== 'candidate-pair');
    expect(summarizeStats(early, []).path).toBeNull();
    expect(summarizeStats(early, []).rttMs).toBeNull();
  });

  it('puts the reading and the details in words', () => {
    expect(describeQuality('poor')).toBe('Poor connection');
    const lines = Object.fromEntries(describeDetails(summarizeStats(sample(11), sample(10))));
    expect(lines).toMatchObject({ Path: 'direct', 'Round trip': '4 ms', 'Packet loss': '0.0 %', 'Video in': '640×480 at 30 fps', Codec: 'VP8', 'Bitrate out': '1000 kbit/s' });
    expect(Object.fromEntries(describeDetails(summarizeStats([], []))).Path).toBe('—');
  });
});
