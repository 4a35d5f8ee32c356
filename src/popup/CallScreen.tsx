/**
 * A call in progress: the other person large, yourself small, the timer and
 * the controls. While they share, what they share is large and their camera small.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CallState } from '../shared/call-state';
import { displayCode, formatDuration } from '../shared/describe-call';
import type { Reply } from '../shared/runtime-messages';
import type { ShareState } from '../shared/share-state';
import { ShareControls } from './ShareControls';
import { sendCommand } from './use-background';
import { useCallStreams } from './use-call-streams';
import { t } from '../shared/i18n';

type InCall = Extract<CallState, { phase: 'calling' | 'connecting' | 'active' }>;

/** Always muted: the offscreen document plays the call's sound, whether or not the popup is open. */
function StreamVideo({ stream, label, className }: { stream: MediaStream | null; label: string; className: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (video && video.srcObject !== stream) video.srcObject = stream;
  }, [stream]);
  return <video ref={ref} class={className} aria-label={label} autoPlay playsInline muted />;
}

function CallTimer({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span class="timer" role="timer" aria-label={t('callDuration')}>
      {formatDuration((now - since) / 1000)}
    </span>
  );
}

export function CallScreen({ call, share, onReply }: { call: InCall; share: ShareState; onReply(reply: Reply): void }) {
  const { streams, version } = useCallStreams(`${call.phase}/${share.status}`);
  const send = async (command: Parameters<typeof sendCommand>[0]) => onReply(await sendCommand(command));
  const hasRemoteVideo = (streams?.remote.getVideoTracks().length ?? 0) > 0;
  const theyShare = (streams?.remoteShare.getVideoTracks().length ?? 0) > 0;
  const remote = call.phase === 'active' ? call.remote : null;

  return (
    <section class="call" data-streams={version}>
      {call.phase !== 'calling' && (
        <div class={theyShare ? 'stage sharing' : 'stage'}>
          {theyShare && <StreamVideo stream={streams!.remoteShare} label={t('videoShared')} className="shared" />}
          {(hasRemoteVideo || !theyShare) && (
            <StreamVideo stream={hasRemoteVideo ? streams!.remote : null} label={t('videoRemote')} className="remote" />
          )}
          {!hasRemoteVideo && !theyShare && <div class="placeholder">{displayCode(call.peer)}</div>}
          <StreamVideo stream={streams?.local ?? null} label={t('videoSelf')} className="self" />
          <div class="indicators">
            {call.phase === 'active' && <CallTimer since={call.connectedAt} />}
            {remote && !remote.mic && <span class="indicator">{t('peerMuted', displayCode(call.peer))}</span>}
            {remote && !remote.camera && <span class="indicator">{t('peerCameraOff', displayCode(call.peer))}</span>}
          </div>
        </div>
      )}
      <div class="row controls">
        {call.phase !== 'calling' && (
          <>
            <button type="button" onClick={() => send({ type: 'set-mic', on: !call.local.mic })}>
              {call.local.mic ? t('mute') : t('unmute')}
            </button>
            <button type="button" onClick={() => send({ type: 'set-camera', on: !call.local.camera })}>
              {call.local.camera ? t('cameraOff') : t('cameraOn')}
            </button>
          </>
        )}
        <button type="button" class="danger" onClick={() => send({ type: 'hangup' })}>
          {call.phase === 'calling' ? t('cancel') : t('hangUp')}
        </button>
      </div>
      <ShareControls share={share} onReply={onReply} />
    </section>
  );
}
