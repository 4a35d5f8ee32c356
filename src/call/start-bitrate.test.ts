import { describe, expect, it } from 'vitest';
import { VIDEO_START_KBPS, withVideoStartBitrate } from './start-bitrate';

/** An answer shaped as Chromium 156 writes one (codecs trimmed), with a video codec that has parameters and one that has none. */
const ANSWER = [
  'v=0',
  'o=- 42 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 96',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  // The same number as a video codec below: payload types belong to their section.
  'a=rtpmap:96 telephone-event/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 45 63 35',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:45 AV1/90000',
  'a=fmtp:45 level-idx=5;profile=0;tier=0',
  'a=rtpmap:63 red/90000',
  'a=fmtp:63 96/96',
  'a=rtpmap:35 ulpfec/90000',
  '',
].join('\r\n');

const lines = (sdp: string) => sdp.split('\r\n');

describe('withVideoStartBitrate', () => {
  const started = withVideoStartBitrate(ANSWER);

  it('starts every picture codec at the start bitrate, in its own fmtp line', () => {
    expect(lines(started)).toContain(`a=fmtp:45 level-idx=5;profile=0;tier=0;x-google-start-bitrate=${VIDEO_START_KBPS}`);
    // VP8 had no parameters: its line comes right after its rtpmap, where Chromium writes one.
    const vp8 = lines(started).indexOf('a=rtpmap:96 VP8/90000');
    expect(lines(started)[vp8 + 1]).toBe(`a=fmtp:96 x-google-start-bitrate=${VIDEO_START_KBPS}`);
  });

  it('leaves retransmission, redundancy, error correction and every other section as they were', () => {
    expect(lines(started)).toContain('a=fmtp:97 apt=96');
    expect(lines(started)).toContain('a=fmtp:63 96/96');
    expect(started).not.toMatch(/a=fmtp:35 /);
    const audio = (sdp: string) => sdp.slice(0, sdp.indexOf('m=video'));
    expect(audio(started)).toBe(audio(ANSWER));
    const withoutStart = lines(started)
      .filter((line) => !/^a=fmtp:\d+ x-google-start-bitrate=\d+$/.test(line))
      .map((line) => line.replace(/;x-google-start-bitrate=\d+$/, ''));
    expect(withoutStart).toEqual(lines(ANSWER));
  });

  it('replaces a start bitrate the description already had, so applying it twice changes nothing', () => {
    expect(withVideoStartBitrate(started)).toBe(started);
    const other = withVideoStartBitrate(started, 1500);
    expect(other).toContain('a=fmtp:45 level-idx=5;profile=0;tier=0;x-google-start-bitrate=1500');
    expect(other).not.toContain(`x-google-start-bitrate=${VIDEO_START_KBPS}`);
  });

  it('returns a description with no video as it came', () => {
    const audioOnly = ANSWER.slice(0, ANSWER.indexOf('m=video'));
    expect(withVideoStartBitrate(audioOnly)).toBe(audioOnly);
  });
});
