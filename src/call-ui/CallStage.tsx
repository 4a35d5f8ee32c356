/**
 * The call's pictures: the other person large, yourself small, the timer and
 * what they have turned off. While they share, what they share is large and
 * their camera small. Shown while it rings too: you see yourself, and their
 * video's player is ready before their first frame.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CallState } from '../shared/call-state';
import type { CallStreams } from '../shared/call-streams';
import { displayCode, formatDuration, type Nicknames, partyLabel, peerName } from '../shared/describe-call';
import { t } from '../shared/wording';
import { StreamVideo } from './StreamVideo';

export type InCall = Extract<CallState, { phase: 'calling' | 'connecting' | 'active' }>;

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

/** `nicknames`: the names this person gave codes, which win over a guest's own. */
export function CallStage({ call, streams, nicknames = {} }: { call: InCall; streams: CallStreams | null; nicknames?: Nicknames }) {
  const who = peerName(call, nicknames);
  const label = partyLabel(call, nicknames);
  const hasRemoteVideo = (streams?.remote.getVideoTracks().length ?? 0) > 0;
  const theyShare = (streams?.remoteShare.getVideoTracks().length ?? 0) > 0;
  const remote = call.phase === 'active' ? call.remote : null;
  return (
    <div class={theyShare ? 'stage sharing' : 'stage'}>
      {theyShare && <StreamVideo stream={streams!.remoteShare} label={t('videoShared')} className="shared" />}
      {(hasRemoteVideo || !theyShare) && <StreamVideo stream={hasRemoteVideo ? streams!.remote : null} label={t('videoRemote')} className="remote" />}
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
  );
}
