/**
 * A call in progress: the other person large, yourself small, the timer and
 * the controls. While they share, what they share is large and their camera small.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CallState } from '../shared/call-state';
import { displayCode, formatDuration, type Nicknames, partyLabel, peerName } from '../shared/describe-call';
import type { Reply } from '../shared/runtime-messages';
import type { ShareState } from '../shared/share-state';
import { ShareControls } from './ShareControls';
import { StreamVideo } from './StreamVideo';
import { commandSender } from './use-background';
import { useCallStreams } from './use-call-streams';
import { t } from '../shared/wording';

type InCall = Extract<CallState, { phase: 'calling' | 'connecting' | 'active' }>;

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

interface Props {
  call: InCall;
  share: ShareState;
  nicknames: Nicknames;
  onReply: (reply: Reply) => void;
}

export function CallScreen({ call, share, nicknames, onReply }: Props) {
  const { streams, version } = useCallStreams(`${call.phase}/${share.status}`);
  const send = commandSender(onReply);
  const hasRemoteVideo = (streams?.remote.getVideoTracks().length ?? 0) > 0;
  const theyShare = (streams?.remoteShare.getVideoTracks().length ?? 0) > 0;
  const remote = call.phase === 'active' ? call.remote : null;
  const who = peerName(call, nicknames);
  const label = partyLabel(call, nicknames);

  return (
    <section class="call" data-streams={version}>
      {/* Shown while it rings too: you see yourself, and their video's player is ready before their first frame. */}
      <div class={theyShare ? 'stage sharing' : 'stage'}>
        {theyShare && <StreamVideo stream={streams!.remoteShare} label={t('videoShared')} className="shared" />}
        {(hasRemoteVideo || !theyShare) && (
          <StreamVideo stream={hasRemoteVideo ? streams!.remote : null} label={t('videoRemote')} className="remote" />
        )}
        {(call.phase === 'calling' || (!hasRemoteVideo && !theyShare)) && (
          <div class="placeholder">
            {label.kind === 'guest' ? (
              // The mark on a line of its own: a long name must not push it out of the picture.
              <span class="guest">
                {t('guestName', label.name)}
                <span class="unverified">{t('nameUnverifiedCode', displayCode(call.peer))}</span>
              </span>
            ) : (
              who
            )}
          </div>
        )}
        <StreamVideo stream={streams?.local ?? null} label={t('videoSelf')} className="self" />
        <div class="indicators">
          {call.phase === 'active' && <CallTimer since={call.connectedAt} />}
          {remote && !remote.mic && <span class="indicator">{t('peerMuted', who)}</span>}
          {remote && !remote.camera && <span class="indicator">{t('peerCameraOff', who)}</span>}
        </div>
      </div>
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
