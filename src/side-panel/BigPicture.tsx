/**
 * Picture-in-picture and full screen for what the other side sends: the
 * picture floats over any tab, or fills the screen. The video element is the
 * call screen's own, so nothing is decoded twice.
 */

/** The large picture on the stage: what they share while they share, else their camera. */
function stageVideo(): HTMLVideoElement | null {
  return document.querySelector<HTMLVideoElement>('.stage video.shared') ?? document.querySelector<HTMLVideoElement>('.stage video.remote');
}

export function BigPicture({ onProblem }: { onProblem(message: string): void }) {
  const run = (what: string, action: (video: HTMLVideoElement) => Promise<unknown>) => () => {
    const video = stageVideo();
    if (!video?.srcObject) return onProblem(`There is no picture to show ${what} yet.`);
    action(video).catch((error: unknown) => onProblem(`Could not show the picture ${what}: ${error instanceof Error ? error.message : String(error)}`));
  };
  return (
    <div class="row controls">
      {document.pictureInPictureEnabled && (
        <button type="button" class="quiet" onClick={run('in its own window', (video) => video.requestPictureInPicture())}>
          Picture in picture
        </button>
      )}
      <button type="button" class="quiet" onClick={run('full screen', (video) => video.requestFullscreen())}>
        Full screen
      </button>
    </div>
  );
}
