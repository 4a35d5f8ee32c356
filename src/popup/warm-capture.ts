/**
 * Keeps the browser's video capture service running while the popup is open,
 * so that Call opens the camera at once. Chromium runs that service as a
 * process of its own, starts it for the first capture or device list, and
 * stops it a few seconds after the last one: every call started it afresh.
 * On one loaded core starting it took a second or more, all of it after Call
 * with the other side already ringing, and a caller whose camera came after
 * the Accept saw the other side's picture about a second later too
 * (bench/README.md, "One core: the camera service"). Listing the devices
 * every few seconds keeps it up: nothing is captured, no camera light, no
 * prompt. Closing the popup ends it; the service stops a few seconds later.
 */

/** Below the few seconds Chromium keeps an unused service (its processes outlived their last use by about five). */
const KEEP_WARM_MS = 3000;

export function keepCaptureWarm(): void {
  const list = () => void navigator.mediaDevices.enumerateDevices().catch(() => undefined);
  list();
  setInterval(list, KEEP_WARM_MS);
}
