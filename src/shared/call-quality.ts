/**
 * Connection quality at a glance, from two getStats() samples taken about a
 * second apart. Pure: it reads the plain stat objects an RTCStatsReport holds
 * (`[...report.values()]`), so recorded samples test it without a browser.
 */
import { type MessageKey, t } from './wording';

/** The fields of RTCStats entries this module reads; everything else is ignored. */
export interface StatEntry {
  id: string;
  type: string;
  timestamp: number;
  kind?: string;
  /** The receiving track's id, on an inbound-rtp entry. */
  trackIdentifier?: string;
  state?: string;
  nominated?: boolean;
  selected?: boolean;
  selectedCandidatePairId?: string;
  localCandidateId?: string;
  remoteCandidateId?: string;
  candidateType?: string;
  currentRoundTripTime?: number;
  bytesSent?: number;
  bytesReceived?: number;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  frameWidth?: number;
  frameHeight?: number;
  framesPerSecond?: number;
  framesDecoded?: number;
  qpSum?: number;
  codecId?: string;
  mimeType?: string;
}

export type QualityLevel = 'good' | 'fair' | 'poor';

export interface QualityDetails {
  /** Round-trip time of the selected candidate pair, in milliseconds. */
  rttMs: number | null;
  /** Share of incoming packets lost since the previous sample, 0..1. */
  loss: number | null;
  /** Incoming jitter (audio if present, else video), in milliseconds. */
  jitterMs: number | null;
  bitrateInKbps: number | null;
  bitrateOutKbps: number | null;
  /**
   * Mean quantizer of the incoming video frames decoded since the previous
   * sample, on the codec's own scale: how coarsely the sender had to code
   * the picture to fit it through.
   */
  videoQp: number | null;
  videoIn: VideoFormat | null;
  videoOut: VideoFormat | null;
  /** Incoming video codec, e.g. "VP8". */
  codec: string | null;
  /** 'relayed' when either end of the selected pair is a TURN relay candidate. */
  path: 'direct' | 'relayed' | null;
}

export interface VideoFormat {
  width: number;
  height: number;
  fps: number | null;
}

export interface Quality {
  level: QualityLevel;
  details: QualityDetails;
}

// Thresholds follow the ITU-T G.114 guidance for conversation (under 150 ms
// one way feels natural, beyond 400 ms round trip people talk over each other)
// and what libwebrtc's own quality meters treat as noticeable loss.
const FAIR_RTT_MS = 300;
const POOR_RTT_MS = 600;
const FAIR_LOSS = 0.02; // 2 %: concealment starts to be audible
const POOR_LOSS = 0.08; // 8 %: words drop out, video freezes
/**
 * The picture is judged by how coarsely it had to be coded, not by its
 * bitrate: a still or plain picture is sharp at a few kbit/s (a flat-colour
 * camera arrived at 11 kbit/s, 30 fps, 320×240, mean QP 2, over a clean
 * loopback path), so a bitrate floor reads such a call as poor. A picture
 * starved of bits shows it in its quantizer: capped at 30 kbit/s, a moving
 * 640×480 camera arrived at QP 106 of VP8's 127, at 2-10 fps.
 *
 * The mean QP beyond which libwebrtc's own quality scaler calls a picture too
 * coarse and cuts its resolution (the sender then reports its quality limited
 * by bandwidth). Per codec, on the scale its bitstream carries; a codec not
 * listed is not judged by QP.
 */
const POOR_QP: Record<string, number> = {
  VP8: 95, // 0-127
  VP9: 205, // 0-255
  H264: 37, // 0-51
};

function byId(entries: readonly StatEntry[]): Map<string, StatEntry> {
  return new Map(entries.map((entry) => [entry.id, entry]));
}

function selectedPair(entries: readonly StatEntry[]): StatEntry | undefined {
  const transport = entries.find((entry) => entry.type === 'transport' && entry.selectedCandidatePairId);
  if (transport) return entries.find((entry) => entry.id === transport.selectedCandidatePairId);
  // Firefox marks the pair itself instead of naming it on the transport.
  return entries.find((entry) => entry.type === 'candidate-pair' && (entry.selected || (entry.nominated && entry.state === 'succeeded')));
}

/** What kind of candidate ('host', 'srflx', 'prflx', 'relay') our end of the path in use is, or null before there is one. */
export function selectedLocalCandidateType(entries: readonly StatEntry[]): string | null {
  const pair = selectedPair(entries);
  const local = pair?.localCandidateId ? entries.find((entry) => entry.id === pair.localCandidateId) : undefined;
  return local?.candidateType ?? null;
}

function sum(entries: readonly StatEntry[], field: 'bytesSent' | 'bytesReceived' | 'packetsReceived' | 'packetsLost'): number {
  return entries.reduce((total, entry) => total + (entry[field] ?? 0), 0);
}

function rate(now: readonly StatEntry[], before: readonly StatEntry[], field: 'bytesSent' | 'bytesReceived', type: string): number | null {
  const current = now.filter((entry) => entry.type === type);
  const previous = before.filter((entry) => entry.type === type);
  if (current.length === 0 || previous.length === 0) return null;
  const seconds = (Math.max(...current.map((e) => e.timestamp)) - Math.max(...previous.map((e) => e.timestamp))) / 1000;
  if (seconds <= 0) return null;
  return Math.max(0, ((sum(current, field) - sum(previous, field)) * 8) / 1000 / seconds);
}

function videoFormat(entry: StatEntry | undefined): VideoFormat | null {
  if (!entry?.frameWidth || !entry.frameHeight) return null;
  return { width: entry.frameWidth, height: entry.frameHeight, fps: entry.framesPerSecond ?? null };
}

/**
 * What the two samples say about the call; `before` may be empty for the first
 * sample. `cameraTrackId` names the other side's camera among the incoming
 * video: a shared tab or screen arrives as video too, and its picture says
 * nothing of the camera's.
 */
export function summarizeStats(now: readonly StatEntry[], before: readonly StatEntry[], cameraTrackId?: string): QualityDetails {
  const index = byId(now);
  const pair = selectedPair(now);
  const local = pair?.localCandidateId ? index.get(pair.localCandidateId) : undefined;
  const remote = pair?.remoteCandidateId ? index.get(pair.remoteCandidateId) : undefined;
  const path = local && remote ? (local.candidateType === 'relay' || remote.candidateType === 'relay' ? 'relayed' : 'direct') : null;

  const inbound = now.filter((entry) => entry.type === 'inbound-rtp');
  const inboundBefore = before.filter((entry) => entry.type === 'inbound-rtp');
  const received = sum(inbound, 'packetsReceived') - sum(inboundBefore, 'packetsReceived');
  const lost = sum(inbound, 'packetsLost') - sum(inboundBefore, 'packetsLost');
  const loss = inboundBefore.length > 0 && received + lost > 0 ? Math.max(0, lost) / (received + Math.max(0, lost)) : null;

  const audioIn = inbound.find((entry) => entry.kind === 'audio');
  const videoIn =
    inbound.find((entry) => entry.kind === 'video' && cameraTrackId !== undefined && entry.trackIdentifier === cameraTrackId) ??
    inbound.find((entry) => entry.kind === 'video');
  const videoOut = now.find((entry) => entry.type === 'outbound-rtp' && entry.kind === 'video');
  const jitter = audioIn?.jitter ?? videoIn?.jitter;
  const codec = videoIn?.codecId ? index.get(videoIn.codecId)?.mimeType?.split('/')[1] : undefined;
  // The same stream in the previous sample: counters are per stream, and a new stream starts from zero.
  const videoBefore = videoIn && inboundBefore.find((entry) => entry.id === videoIn.id);
  const decoded = videoIn && videoBefore ? (videoIn.framesDecoded ?? 0) - (videoBefore.framesDecoded ?? 0) : 0;
  const videoQp = decoded > 0 && videoIn?.qpSum !== undefined && videoBefore?.qpSum !== undefined ? (videoIn.qpSum - videoBefore.qpSum) / decoded : null;

  return {
    rttMs: pair?.currentRoundTripTime === undefined ? null : Math.round(pair.currentRoundTripTime * 1000),
    loss,
    jitterMs: jitter === undefined ? null : Math.round(jitter * 1000),
    bitrateInKbps: rate(now, before, 'bytesReceived', 'inbound-rtp'),
    bitrateOutKbps: rate(now, before, 'bytesSent', 'outbound-rtp'),
    videoQp,
    videoIn: videoFormat(videoIn),
    videoOut: videoFormat(videoOut),
    codec: codec ?? null,
    path,
  };
}

/**
 * Good, fair or poor: the worst of round-trip time, loss and (when video
 * arrives) how coarsely the picture had to be coded decides. Freezes are not
 * judged on their own: a clean loopback call (no loss, 7 ms round trip, QP 2)
 * froze for 0.5 s on a machine at a load average of 10 on two cores, the
 * viewer's own processor and not the path; a path that stalls the picture
 * shows it in loss, round trip or quantizer.
 */
export function classifyQuality(details: QualityDetails, receivingVideo: boolean): QualityLevel {
  const { rttMs, loss, videoQp, codec } = details;
  const poorQp = codec === null ? undefined : POOR_QP[codec.toUpperCase()];
  const coarse = receivingVideo && videoQp !== null && poorQp !== undefined && videoQp > poorQp;
  if ((rttMs !== null && rttMs >= POOR_RTT_MS) || (loss !== null && loss >= POOR_LOSS) || coarse) return 'poor';
  if ((rttMs !== null && rttMs >= FAIR_RTT_MS) || (loss !== null && loss >= FAIR_LOSS)) return 'fair';
  return 'good';
}

export function assessQuality(now: readonly StatEntry[], before: readonly StatEntry[], receivingVideo: boolean, cameraTrackId?: string): Quality {
  const details = summarizeStats(now, before, cameraTrackId);
  return { level: classifyQuality(details, receivingVideo), details };
}

const LEVEL_WORDS: Record<QualityLevel, MessageKey> = {
  good: 'qualityGood',
  fair: 'qualityFair',
  poor: 'qualityPoor',
};

export function describeQuality(level: QualityLevel): string {
  return t(LEVEL_WORDS[level]);
}

/** One line per detail, for the disclosure under the quality reading; unknown values say so. */
export function describeDetails(details: QualityDetails): Array<[label: string, value: string]> {
  const or = (value: number | null, unit: MessageKey) => (value === null ? '—' : t(unit, Math.round(value)));
  const format = (video: VideoFormat | null) =>
    video ? (video.fps === null ? `${video.width}×${video.height}` : t('qualityVideoFormat', video.width, video.height, Math.round(video.fps))) : '—';
  return [
    [t('qualityPath'), details.path === null ? '—' : details.path === 'direct' ? t('qualityPathDirect') : t('qualityPathRelayed')],
    [t('qualityRoundTrip'), or(details.rttMs, 'unitMs')],
    [t('qualityPacketLoss'), details.loss === null ? '—' : t('unitPercent', (details.loss * 100).toFixed(1))],
    [t('qualityJitter'), or(details.jitterMs, 'unitMs')],
    [t('qualityBitrateIn'), or(details.bitrateInKbps, 'unitKbps')],
    [t('qualityBitrateOut'), or(details.bitrateOutKbps, 'unitKbps')],
    [t('qualityVideoIn'), format(details.videoIn)],
    [t('qualityVideoOut'), format(details.videoOut)],
    [t('qualityCodec'), details.codec ?? '—'],
  ];
}
