/**
 * A page in a guest's browser, driven the same way whichever engine runs it:
 * Firefox through puppeteer-core (firefox.ts) or a plain Chromium through
 * Playwright (chromium-guest.ts). Elements are found by role and accessible
 * name, as a person finds them, so one guest call test serves both engines.
 */
import type { Page } from 'playwright-core';
import { eventually, waitForStatus } from './probes';
import { FRAME_GRID, readVideoFrame, type VideoFrame } from './video-colour';

export interface GuestPage {
  readonly engine: 'firefox' | 'chromium';
  goto: (url: string) => Promise<void>;
  click: (role: string, name: string) => Promise<void>;
  fill: (role: string, name: string, text: string) => Promise<void>;
  /** Whether an element with this role and accessible name is on the page now. */
  has: (role: string, name: string) => Promise<boolean>;
  /** The text of every element with this role (such as "status" or "alert"), in page order. */
  texts: (role: string) => Promise<string[]>;
  /** The text inside the element with this role and accessible name, or null when there is none. */
  text: (role: string, name: string) => Promise<string | null>;
  /** The text inside the element labelled `label`, whatever its role: ARIA gives some roles (strong, for one) no name. */
  labelled: (label: string) => Promise<string | null>;
  /** Clicks the link or button with this role and name, and returns the bytes of the file the browser downloads. */
  download: (role: string, name: string) => Promise<Buffer>;
  /** Picks files in the file input with this accessible name, as the file chooser would. */
  chooseFiles: (name: string, paths: string[]) => Promise<void>;
  /** Runs a self-contained function in the page and returns its JSON value. */
  evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) => Promise<R>;
  close: () => Promise<void>;
}

/** A guest's browser, whichever engine: a fresh page per call. */
export interface GuestBrowser {
  newPage: () => Promise<GuestPage>;
  /** The process ids of this browser: its main process and everything it started. */
  processes: () => Promise<number[]>;
  close: () => Promise<void>;
}

export interface GuestBrowserOptions {
  /**
   * The browser's own fake camera and microphone, granted without a prompt (the default). Without them it has no
   * device at all, as a machine without a camera has none, and a call from it carries no media.
   */
  fakeMedia?: boolean;
  /**
   * Pages in the browser's own profile on disk, as a person's browser opens a link, instead of a fresh context
   * each. Chromium's fresh contexts are off the record, and there an origin's private file system lives in memory
   * behind the browser process: a received file costs several times the CPU and its whole size in memory. Tests
   * want the fresh contexts (two guests in one browser never share storage); a transfer bench wants this.
   */
  ownProfile?: boolean;
}

/** The guest opens an invite link, gives a name, and presses Call. */
export async function guestDials(guest: GuestPage, link: string, name: string): Promise<void> {
  await guest.goto(link);
  await guest.fill('textbox', 'Your name (optional)', name);
  await guest.click('button', 'Call');
}

/** The host's popup rings; the host accepts; both sides say they are in the call. */
export async function hostAcceptsGuest(hostPopup: Page, guest: GuestPage, timeoutMs: number): Promise<void> {
  await waitForStatus(hostPopup, /^Incoming call/, timeoutMs);
  await hostPopup.getByRole('button', { name: 'Accept' }).click();
  await Promise.all([waitForStatus(hostPopup, /^In call with/, timeoutMs), waitForText(guest, 'status', /^In call with/, timeoutMs)]);
}

/** Waits until an element with this role says something matching the pattern, and returns what it said. */
export async function waitForText(page: GuestPage, role: string, pattern: RegExp, timeoutMs?: number): Promise<string> {
  const texts = await eventually(() => page.texts(role), (seen) => seen.some((text) => pattern.test(text)), `${page.engine}: a ${role} saying ${pattern}`, timeoutMs);
  return texts.find((text) => pattern.test(text))!;
}

/** Waits until the element with this role and name says something matching the pattern, and returns all it says. */
export async function waitForTextIn(page: GuestPage, role: string, name: string, pattern: RegExp, timeoutMs?: number): Promise<string> {
  const text = await eventually(() => page.text(role, name), (seen) => seen !== null && pattern.test(seen), `${page.engine}: ${role} "${name}" saying ${pattern}`, timeoutMs);
  return text!;
}

/** The frame the video with this label shows now, sampled at `points`; null before the first frame. */
export function videoFrame(page: GuestPage, label: string, points: [number, number][] = FRAME_GRID): Promise<VideoFrame | null> {
  return page.evaluate(readVideoFrame, { label, points });
}

/** Waits for a frame of this video that passes `accept`. */
export async function waitForFrame(page: GuestPage, label: string, accept: (frame: VideoFrame) => boolean, what: string, options: { points?: [number, number][]; timeoutMs?: number } = {}): Promise<VideoFrame> {
  const frame = await eventually(() => videoFrame(page, label, options.points), (seen) => seen !== null && accept(seen), `${page.engine}: ${what}`, options.timeoutMs);
  return frame!;
}
