/**
 * The offscreen document: the extension's media host (src/media-host/), so a
 * call outlives the popup and the service worker. Only chrome.runtime exists
 * here; everything it knows comes from the worker by message, and the pages
 * that show the call borrow its streams from this window.
 */
import { type CallStreams, QUALITY_SAMPLED, STREAMS_CHANNEL } from '../shared/call-streams';
import type { Quality } from '../shared/call-quality';
import { captureFailure, captureShare } from '../chrome/share-capture';
import { createMediaHost } from '../media-host/media-host';
import { clearReceivedFiles, receivedFilesOnDisk } from '../media-host/received-files';
import { holdWorkerPort } from './worker-port';

const streams: CallStreams = {
  local: new MediaStream(),
  remote: new MediaStream(),
  localShare: new MediaStream(),
  remoteShare: new MediaStream(),
  pc: null,
  trace: [],
  fileBytesSent: 0,
};
// Visible pages borrow the streams from this window and hear of changes on a channel (src/shared/call-streams.ts).
window.peerdialStreams = streams;
const streamsChannel = new BroadcastChannel(STREAMS_CHANNEL);
streamsChannel.postMessage('loaded');

const worker = holdWorkerPort((message) => host.handle(message));
const host = createMediaHost(streams, {
  notify: worker.notify,
  // Verified files are saved to Downloads by the worker, from an object URL of their copy here.
  receivedFiles: receivedFilesOnDisk((file) => worker.notify({ target: 'background', type: 'save-file', ...file })),
  changed: () => streamsChannel.postMessage('changed'),
  // The latest reading stays on this window for the side panel to borrow, as it borrows the streams.
  showQuality(quality: Quality | null) {
    window.peerdialQuality = quality;
    window.dispatchEvent(new Event(QUALITY_SAMPLED));
  },
  captureTab: (streamId) =>
    captureShare('tab', streamId, true).catch((error: unknown) => {
      throw new Error(captureFailure(error));
    }),
});

// The screen picker page captures the screen itself (its capture id works nowhere else) and hands the stream over here.
window.peerdialShareStream = host.shareStream;
// The popup hands picked files straight to this window (see src/shared/file-handoff.ts).
window.peerdialFiles = { offerFiles: host.offerFiles };
// A document closed mid-transfer leaves its half-received files; the next one starts clean.
void clearReceivedFiles();
