/**
 * Picture-in-picture and full screen for what the other side sends: the
 * picture floats over any tab, or fills the screen. The video element is the
 * call screen's own, so nothing is decoded twice.
 */
import { t } from '../shared/wording';

/** The large picture on the stage: what they share while they share, else their camera. */
function stageVideo(): HTMLVideoElement | null {
  return document.querySelector<HTMLVideoElement>('.stage video.shared') ?? document.querySelector<HTMLVideoElement>('.stage video.remote');
}

export function BigPicture({ onProblem }: { onProblem: (message: string) => void }) {
  const run = (mode: 'pip' | 'fullscreen', action: (video: HTMLVideoElement) => Promise<unknown>) => () => {
    const video = stageVideo();
    if (!video?.srcObject) return onProblem(t('pictureNone'));
    action(video).catch((error: unknown) =>
      onProblem(t(mode === 'pip' ? 'pictureInPictureFailed' : 'fullScreenFailed', error instanceof Error ? error.message : String(error))),
    );
  };
  return (
    <div class="row controls">
      {document.pictureInPictureEnabled && (
        <button type="button" class="quiet" onClick={run('pip', (video) => video.requestPictureInPicture())}>
          {t('pictureInPicture')}
        </button>
      )}
      <button type="button" class="quiet" onClick={run('fullscreen', (video) => video.requestFullscreen())}>
        {t('fullScreen')}
      </button>
    </div>
  );
}
