import { useEffect } from 'preact/hooks';
import { type Reply, RING_PREVIEW_PORT } from '../shared/runtime-messages';
import { BlockButton } from './BlockButton';
import { openCallView, useWindowId } from './call-view-panel';
import { StreamVideo } from '../call-ui/StreamVideo';
import { holdPort, sendCommand } from './use-background';
import { useCallStreams } from './use-call-streams';
import { t } from '../shared/wording';

/** Holds the port that keeps the camera preview running while this screen is open (closing the popup breaks it). */
function useRingPreview(on: boolean): void {
  useEffect(() => (on ? holdPort(RING_PREVIEW_PORT) : undefined), [on]);
}

interface Props {
  callId: string;
  /** The caller's code, and how to name them (nickname, guest name or code). */
  peer: string;
  name: string;
  openViewOnAccept: boolean;
  /** The caller is named by the name it gave itself on the guest page, which nothing checks. */
  guestNamed: boolean;
  /** The setting: show my camera while it rings. */
  preview: boolean;
  /** The offscreen document has been told to: its streams exist, and the camera is coming. */
  previewing: boolean;
  onReply: (reply: Reply) => void;
}

export function IncomingCall({ callId, peer, name, guestNamed, openViewOnAccept, preview, previewing, onReply }: Props) {
  const windowId = useWindowId();
  useRingPreview(preview);
  const { streams } = useCallStreams(`${callId}/${previewing}`);
  const camera = preview && (streams?.local.getVideoTracks().length ?? 0) > 0;
  const accept = async () => {
    // Before the await: the side panel opens only within the click's gesture.
    if (openViewOnAccept) openCallView(windowId, (message) => onReply({ ok: false, message }));
    onReply(await sendCommand({ type: 'accept' }));
  };
  return (
    <>
      {guestNamed && <p class="notice">{t('guestNameNotice')}</p>}
      <div class="row incoming">
        <button type="button" class="accept" onClick={() => void accept()}>
          {t('accept')}
        </button>
        <button type="button" class="danger" onClick={() => void sendCommand({ type: 'decline' }).then(onReply)}>
          {t('decline')}
        </button>
      </div>
      {/* Apart from Accept and Decline, and quiet: a step further than declining, taken on purpose. Declines too. */}
      <div class="row block">
        <BlockButton code={peer} name={name} blocked={false} onReply={onReply} />
      </div>
      {/* Below the buttons: a preview that starts while the person reaches for Accept must not move it from under the pointer. */}
      {camera && (
        <figure class="preview">
          <StreamVideo stream={streams!.local} label={t('videoSelf')} className="self-preview" />
          <figcaption>{t('previewOnlyYou')}</figcaption>
        </figure>
      )}
    </>
  );
}
