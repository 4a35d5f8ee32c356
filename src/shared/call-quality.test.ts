import { describe, expect, it } from 'vitest';
import { assessQuality, classifyQuality, describeDetails, describeQuality, type StatEntry, summarizeStats } from './call-quality';

/**
 * A getStats() sample shaped like Chromium's (fields trimmed to those read),
 * with the counters a real loopback call showed; `at` seconds, `lossPackets` cumulative.
 */
function sample(at: number, options: { rtt?: number; lost?: number; received?: number; bytesIn?: number; bytesOut?: number; relay?: boolean } = {}): StatEntry[] {
  const t = at * 1000;
  return [
    { id: 'T01', type: 'transport', timestamp: t, selectedCandidatePairId: 'CPa_b' },
    { id: 'CPa_b', type: 'candidate-pair', timestamp: t, state: 'succeeded', nominated: true, localCandidateId: 'Ia', remoteCandidateId: 'Ib', currentRoundTripTime: options.rtt ?? 0.004 },
    { id: 'CPx_y', type: 'candidate-pair', timestamp: t, state: 'failed', localCandidateId: 'Ix', remoteCandidateId: 'Iy', currentRoundTripTime: 2 },
    { id: 'Ia', type: 'local-candidate', timestamp: t, candidateType: options.relay ? 'relay' : 'host' },
    { id: 'Ib', type: 'remote-candidate', timestamp: t, candidateType: 'host' },
    { id: 'Ix', type: 'local-candidate', timestamp: t, candidateType: 'relay' },
    { id: 'Iy', type: 'remote-candidate', timestamp: t, candidateType: 'relay' },
    { id: 'COT01_96', type: 'codec', timestamp: t, mimeType: 'video/VP8' },
    { id: 'IT01A', type: 'inbound-rtp', kind: 'audio', timestamp: t, packetsReceived: 50 * at, packetsLost: 0, bytesReceived: 4_000 * at, jitter: 0.003 },
    {
      id: 'IT01V', type: 'inbound-rtp', kind: 'video', timestamp: t, codecId: 'COT01_96',
      packetsReceived: options.received ?? 100 * at, packetsLost: options.lost ?? 0, bytesReceived: options.bytesIn ?? 120_000 * at,
      jitter: 0.01, frameWidth: 640, frameHeight: 480, framesPerSecond: 30,
    },
    { id: 'OT01V', type: 'outbound-rtp', kind: 'video', timestamp: t, bytesSent: options.bytesOut ?? 125_000 * at, frameWidth: 640, frameHeight: 480, framesPerSecond: 29.7 },
  ];
}

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

  it('calls a starved video stream poor, but does not judge an audio-only call by video bitrate', () => {
    const starved = summarizeStats(sample(2, { bytesIn: 10_000 }), sample(1, { bytesIn: 0 }));
    // 4 kB of audio + 10 kB of video in a second = 112 kbit/s.
    expect(starved.bitrateInKbps).toBe(112);
    expect(classifyQuality(starved, true)).toBe('poor');
    expect(classifyQuality(starved, false)).toBe('good');
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
