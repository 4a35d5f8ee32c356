/**
 * Where our video's bandwidth estimate starts. Chromium starts it at
 * 300 kbps and paces what it sends at 2.5 times the estimate, so the first
 * keyframe (about 2.5 KB, four packets) leaves over 15-25 ms and the other
 * side cannot show the call's first frame until its last packet is in. At
 * 800 kbps (what Jitsi Meet deployments start at) the same frame leaves in a
 * few milliseconds and the first second looks sharper. The cost is on links
 * slower than the start: on a link held to 500 kbit/s the estimate was back
 * near the link's rate within 750 ms, but the queue it had built kept the
 * other side's jitter buffer at 50-80 ms for the first three seconds
 * (5-30 ms starting at 300). Most uplinks are faster than 800 kbit/s; the
 * first frame is what every call has.
 *
 * The only control Chromium has for it is the `x-google-start-bitrate`
 * parameter on the send codec, read from the remote description. Each side
 * adds it to what it applies as remote, so it decides its own sending and
 * nothing on the wire changes. Chromium restarts the estimate only when the
 * value changes, so applying the same value again on renegotiation costs
 * nothing.
 */

import { sdpSections } from './sdp-sections';

export const VIDEO_START_KBPS = 800;

/** Payload types that carry no picture of their own: retransmissions, redundancy, error correction. */
const NOT_A_PICTURE = new Set(['rtx', 'red', 'ulpfec', 'flexfec-03']);

const PARAMETER = 'x-google-start-bitrate';

/** The description with every video codec starting at `kbps`; other sections untouched. */
export function withVideoStartBitrate(sdp: string, kbps: number = VIDEO_START_KBPS): string {
  const { session, media } = sdpSections(sdp.split('\r\n'));
  return [...session, ...media.flatMap((section) => (section[0]!.startsWith('m=video') ? startVideoSection(section, kbps) : section))].join('\r\n');
}

/** Payload types are a media section's own: another section may use the same numbers for its codecs. */
function startVideoSection(lines: string[], kbps: number): string[] {
  const pictureCodecs = new Set<string>();
  for (const line of lines) {
    const rtpmap = /^a=rtpmap:(\d+) ([^/]+)\//.exec(line);
    if (rtpmap && !NOT_A_PICTURE.has(rtpmap[2]!.toLowerCase())) pictureCodecs.add(rtpmap[1]!);
  }
  const withFmtp = new Set<string>();
  const changed = lines.map((line) => {
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (!fmtp || !pictureCodecs.has(fmtp[1]!)) return line;
    withFmtp.add(fmtp[1]!);
    const kept = fmtp[2]!.split(';').filter((parameter) => parameter.trim() && !parameter.trim().startsWith(`${PARAMETER}=`));
    return `a=fmtp:${fmtp[1]} ${[...kept, `${PARAMETER}=${kbps}`].join(';')}`;
  });
  // A codec with no parameters has no fmtp line: it gets one right after its rtpmap.
  return changed.flatMap((line) => {
    const payload = /^a=rtpmap:(\d+) /.exec(line)?.[1];
    return payload && pictureCodecs.has(payload) && !withFmtp.has(payload) ? [line, `a=fmtp:${payload} ${PARAMETER}=${kbps}`] : [line];
  });
}
