/**
 * Saves a received, verified file to the user's Downloads folder. The
 * offscreen document cannot use chrome.downloads (only chrome.runtime exists
 * there), so it hands the worker a blob: URL of its disk-backed copy; the
 * downloads API copies from that URL, and never holds the whole file in memory.
 */
import browser from 'webextension-polyfill';

export async function saveToDownloads(url: string, filename: string): Promise<string | null> {
  let downloadId: number;
  try {
    downloadId = await browser.downloads.download({ url, filename, conflictAction: 'uniquify', saveAs: false });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return new Promise((resolve) => {
    const listener = (delta: browser.Downloads.OnChangedDownloadDeltaType) => {
      if (delta.id !== downloadId || !delta.state) return;
      if (delta.state.current === 'in_progress') return;
      browser.downloads.onChanged.removeListener(listener);
      resolve(delta.state.current === 'complete' ? null : `the download was interrupted (${delta.error?.current ?? 'unknown reason'}).`);
    };
    browser.downloads.onChanged.addListener(listener);
    // It may have finished before the listener was there.
    void browser.downloads.search({ id: downloadId }).then(([item]) => {
      if (item?.state === 'complete') listener({ id: downloadId, state: { current: 'complete' } });
      if (item?.state === 'interrupted') listener({ id: downloadId, state: { current: 'interrupted' }, error: { current: item.error ?? 'unknown' } });
    });
  });
}
