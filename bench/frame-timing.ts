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
  const times: PageTimes = { click: {}, status: {} };
  window.benchTimes = times;
  const armed = new WeakMap<HTMLVideoElement, MediaProvider | null>();

  document.addEventListener(
    'click',
    (event) => {
      const button = (event.target as Element).closest('button');
      if (button) times.click![button.textContent!.trim()] ??= wall(performance.now());
    },
    true,
  );

  const check = () => {
    const status = document.querySelector('[role=status]')?.textContent ?? '';
    for (const pattern of statusPatterns) if (new RegExp(pattern).test(status)) times.status![pattern] ??= wall(performance.now());
    const video = document.querySelector<HTMLVideoElement>(`video[aria-label="${videoLabel}"]`);
    if (!video || !video.srcObject || armed.get(video) === video.srcObject || times.firstFrame) return;
    armed.set(video, video.srcObject);
    video.requestVideoFrameCallback((now) => (times.firstFrame ??= wall(now)));
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  // srcObject is a property, not an attribute: watch the events its change fires too.
  document.addEventListener('loadstart', check, true);
  check();
}
