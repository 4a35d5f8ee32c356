import { describe, expect, it } from 'vitest';
import { deriveSafetyCode, displaySafetyCode, sdpFingerprints } from './safety-code';

const ALICE = '3F:1A:9C:00:7B:E2:44:D1:0A:9F:12:C3:88:5E:21:6B:90:AA:0D:4C:13:F7:62:58:99:E0:31:BB:CE:07:1D:42';
const BOB = 'A0:55:12:9E:CC:03:71:8B:2F:D4:E6:19:40:7A:B3:58:06:CF:91:24:EE:3D:68:0B:75:A2:C9:1F:84:36:DB:50';
const MALLORY = 'A0:55:12:9E:CC:03:71:8B:2F:D4:E6:19:40:7A:B3:58:06:CF:91:24:EE:3D:68:0B:75:A2:C9:1F:84:36:DB:51';

/** An SDP trimmed to what matters here, with Chromium's line endings and a fingerprint per media section. */
const sdp = (fingerprint: string) =>
  [
    'v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', `a=fingerprint:sha-256 ${fingerprint}`, 'a=setup:actpass', 'a=mid:0',
    'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0', `a=fingerprint:sha-256 ${fingerprint}`, 'a=setup:actpass', 'a=mid:1',
    '',
  ].join('\r\n');

describe('safety code', () => {
  it('is the same six digits on both sides: each has the other as remote', async () => {
    const alice = await deriveSafetyCode(sdp(ALICE), sdp(BOB));
    const bob = await deriveSafetyCode(sdp(BOB), sdp(ALICE));
    expect(alice).toMatch(/^\d{6}$/);
    expect(bob).toBe(alice);
  });

  it('differs when the server swapped in its own fingerprint on one side', async () => {
    const alice = await deriveSafetyCode(sdp(ALICE), sdp(MALLORY));
    const bob = await deriveSafetyCode(sdp(BOB), sdp(ALICE));
    expect(alice).not.toBe(bob);
  });

  it('differs for a different pair of certificates', async () => {
    const codes = new Set([
      await deriveSafetyCode(sdp(ALICE), sdp(BOB)),
      await deriveSafetyCode(sdp(ALICE), sdp(MALLORY)),
      await deriveSafetyCode(sdp(BOB), sdp(MALLORY)),
    ]);
    expect(codes.size).toBe(3);
  });

  it('does not depend on how the fingerprint hex is cased', async () => {
    expect(await deriveSafetyCode(sdp(ALICE.toLowerCase()), sdp(BOB))).toBe(await deriveSafetyCode(sdp(ALICE), sdp(BOB)));
  });

  it('reads one fingerprint per certificate, whatever the number of media sections', () => {
    expect(sdpFingerprints(sdp(ALICE))).toEqual([`sha-256 ${ALICE}`]);
    expect(sdpFingerprints('v=0\r\n')).toEqual([]);
  });

  it('refuses, in words, an SDP without a fingerprint', async () => {
    await expect(deriveSafetyCode('v=0\r\n', sdp(BOB))).rejects.toThrow(/no certificate fingerprint yet/);
  });

  it('is shown as two groups of three', () => {
    expect(displaySafetyCode('042917')).toBe('042 917');
  });
});
