/**
 * In-page timing hooks for the benchmarks. Installed with page.evaluate, they
 * record wall-clock times (performance.timeOrigin + now, comparable across
 * browser processes on one machine) of what a person would notice: a click,
 * a status line changing, the first frame of a remote video on screen.
 */
export interface PageTimes {
  click?: Record<string, number>;
  status?: Record<string, number>;
  firstFrame?: number;
  /** The first frame's path to the screen: its last packet received, then handed to the compositor (rVFC metadata). */
  firstFrameReceived?: number;
  firstFrameSubmitted?: number;
}

declare global {
  interface Window {
    benchTimes?: PageTimes;
  }
}

/** tsx (esbuild) wraps named inner functions in a `__name` helper; a page that runs them needs one too. */
export const PAGE_PRELUDE = 'globalThis.__name ??= (fn) => fn';

/** Records the first remote frame actually presented (requestVideoFrameCallback), button clicks, and status lines. */
export function installHooks({ videoLabel, statusPatterns }: { videoLabel: string; statusPatterns: string[] }): void {
  const wall = (now: number) => performance.timeOrigin + now;
  const clicks: Record<string, number> = {};
  const times: PageTimes = { click: clicks, status: {} };
  window.benchTimes = times;
  const armed = new WeakMap<HTMLVideoElement, MediaProvider | null>();

  document.addEventListener(
    'click',
    (event) => {
      const button = (event.target as Element).closest('button');
      if (button) clicks[button.textContent.trim()] ??= wall(performance.now());
    },
    true,
  );

  const check = () => {
    const status = document.querySelector('[role=status]')?.textContent ?? '';
    for (const pattern of statusPatterns) if (new RegExp(pattern).test(status)) times.status![pattern] ??= wall(performance.now());
    const video = document.querySelector<HTMLVideoElement>(`video[aria-label="${videoLabel}"]`);
    if (!video || !video.srcObject || armed.get(video) === video.srcObject || times.firstFrame) return;
    armed.set(video, video.srcObject);
    video.requestVideoFrameCallback((now, frame) => {
      if (times.firstFrame) return;
      times.firstFrame = wall(now);
      if (frame.receiveTime !== undefined) times.firstFrameReceived = wall(frame.receiveTime);
      times.firstFrameSubmitted = wall(frame.presentationTime);
    });
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  // srcObject is a property, not an attribute: watch the events its change fires too.
  document.addEventListener('loadstart', check, true);
  check();
}

/** The first frame's way to the screen as set-up steps, named for the breakdown table. */
export function frameMarks(times: PageTimes): Record<string, number> {
  const marks: Record<string, number> = {};
  if (times.firstFrameReceived !== undefined) marks['frame-received'] = times.firstFrameReceived;
  if (times.firstFrameSubmitted !== undefined) marks['frame-submitted'] = times.firstFrameSubmitted;
  return marks;
}
