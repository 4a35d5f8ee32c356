import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { announce, noAnnouncements, placeRemoteTrack, ShareAnnouncement, shareMaxBitrate } from './share-media';

const CAMERA = '6d1e7c1a-0b8c-4a4e-9a43-3f2b3e4f5a6b';
const SHARE = '{a4b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d}';

describe('the shared video bitrate', () => {
  it('gives 1920x1080 about 3 Mbit/s, enough for sharp text after a scroll', () => {
    expect(shareMaxBitrate({ width: 1920, height: 1080 })).toBe(3_110_400);
  });

  it('scales with the number of pixels', () => {
    expect(shareMaxBitrate({ width: 1280, height: 720 })).toBe(1_382_400);
  });

  it('never starves a small window nor floods the uplink with a huge screen', () => {
    expect(shareMaxBitrate({ width: 320, height: 240 })).toBe(1_000_000);
    expect(shareMaxBitrate({ width: 7680, height: 4320 })).toBe(8_000_000);
  });

  it('assumes 1920x1080 until the capture reports its size', () => {
    expect(shareMaxBitrate({})).toBe(shareMaxBitrate({ width: 1920, height: 1080 }));
    expect(shareMaxBitrate({ width: 0, height: 0 })).toBe(shareMaxBitrate({ width: 1920, height: 1080 }));
  });
});

describe('telling the other side which stream is shared', () => {
  it('accepts a stream id or null', () => {
    expect(v.is(ShareAnnouncement, { type: 'share', stream: SHARE })).toBe(true);
    expect(v.is(ShareAnnouncement, { type: 'share', stream: CAMERA })).toBe(true);
    expect(v.is(ShareAnnouncement, { type: 'share', stream: null })).toBe(true);
  });

  it('refuses anything that is not a plain stream id', () => {
    expect(v.is(ShareAnnouncement, { type: 'share', stream: '<img src=x>' })).toBe(false);
    expect(v.is(ShareAnnouncement, { type: 'share', stream: 'x'.repeat(65) })).toBe(false);
    expect(v.is(ShareAnnouncement, { type: 'share', stream: '' })).toBe(false);
    expect(v.is(ShareAnnouncement, { type: 'share' })).toBe(false);
    expect(v.is(ShareAnnouncement, { type: 'share', stream: SHARE, extra: 1 })).toBe(false);
  });
});

describe('which incoming track is the share', () => {
  it('before any announcement every track is the camera and microphone', () => {
    expect(placeRemoteTrack(CAMERA, noAnnouncements())).toBe('camera');
    expect(placeRemoteTrack(SHARE, noAnnouncements())).toBe('camera');
    expect(placeRemoteTrack(null, noAnnouncements())).toBe('camera');
  });

  it('the announced stream is the share; the rest stay the camera', () => {
    const known = announce(noAnnouncements(), SHARE);
    expect(placeRemoteTrack(SHARE, known)).toBe('share');
    expect(placeRemoteTrack(CAMERA, known)).toBe('camera');
    expect(placeRemoteTrack(null, known)).toBe('camera');
  });

  it('after sharing stops, the old share stream is hidden rather than shown as a second camera', () => {
    const stopped = announce(announce(noAnnouncements(), SHARE), null);
    expect(placeRemoteTrack(SHARE, stopped)).toBe('hidden');
    expect(placeRemoteTrack(CAMERA, stopped)).toBe('camera');
  });

  it('sharing again on the same stream shows it again', () => {
    const again = announce(announce(announce(noAnnouncements(), SHARE), null), SHARE);
    expect(placeRemoteTrack(SHARE, again)).toBe('share');
  });
});
