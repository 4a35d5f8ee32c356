/**
 * The offscreen document: hosts the call engine with capture, the ringtone
 * and where the call is heard, so a call outlives the popup and the service
 * worker. Only chrome.runtime exists here; everything it knows comes from the
 * worker by message, and this file says which module handles each.
 */
import type { OffscreenMessage } from '../shared/runtime-messages';
import { words } from '../shared/wording';
import { type CallStreams, QUALITY_SAMPLED, STREAMS_CHANNEL } from '../shared/call-streams';
import type { Quality } from '../shared/call-quality';
import { playCallAudio } from './call-audio';
import { hostCalls } from './call-host';
import { clearReceivedFiles } from './received-files';
import { ringtoneSwitch } from './ringtone';
import { holdWorkerPort } from './worker-port';

const streams: CallStreams = {
  local: new MediaStream(),
  remote: new MediaStream(),
  localShare: new MediaStream(),
  remoteShare: new MediaStream(),
  pc: null,
};
// Visible pages borrow the streams from this window and hear of changes on a channel (src/shared/call-streams.ts).
window.peerdialStreams = streams;
const streamsChannel = new BroadcastChannel(STREAMS_CHANNEL);
streamsChannel.postMessage('loaded');

const audio = playCallAudio(streams);
const ringtone = ringtoneSwitch();
const worker = holdWorkerPort(handle);
const calls = hostCalls(streams, {
  notify: worker.notify,
  changed() {
    streamsChannel.postMessage('changed');
    // Their voice or their share's sound may just have arrived: it plays where the call is heard.
    void audio.speaker.refresh();
  },
  hearSharedTab: audio.hearSharedTab,
  speaker: audio.speaker,
  // The latest reading stays on this window for the side panel to borrow, as it borrows the streams.
  showQuality(quality: Quality | null) {
    window.peerdialQuality = quality;
    window.dispatchEvent(new Event(QUALITY_SAMPLED));
  },
});

// The screen picker page captures the screen itself (its capture id works nowhere else) and hands the stream over here.
window.peerdialShareStream = async (stream) => {
  const session = calls.session();
  if (!session) throw new Error('There is no call to share your screen into.');
  await session.shareStream(stream);
};
// The popup hands picked files straight to this window (see src/shared/file-handoff.ts).
window.peerdialFiles = {
  offerFiles: (files) => calls.session()?.chatAndFiles()?.offerFiles(files) ?? { ok: false, words: words('filesNotConnected') },
};
// A document closed mid-transfer leaves its half-received files; the next one starts clean.
void clearReceivedFiles();

function handle(message: OffscreenMessage): void {
  const session = calls.session();
  const chatAndFiles = session?.chatAndFiles();
  switch (message.type) {
    case 'prepare':
      return calls.prepare(message.iceServers);
    case 'start':
      return calls.start(message.local, message.devices);
    case 'connect':
      return calls.connect(message.role, message.iceServers);
    case 'release':
      return session?.release();
    case 'preview':
      return session?.preview(message.on, message.devices);
    case 'signal-in':
      return session?.receive(message.data);
    case 'set-local-media':
      return void session?.setLocalMedia(message.local);
    case 'set-devices':
      return void session?.setDevices(message.devices);
    case 'retry-media':
      return void session?.retryMedia();
    case 'share-tab':
      return void session?.shareTab(message.streamId);
    case 'stop-share':
      return void session?.stopShare();
    case 'ringtone':
      return ringtone(message.on);
    case 'chat': {
      const reply = chatAndFiles?.sendChat(message.text) ?? { ok: false, message: 'The chat opens once the call is connected.' };
      if (!reply.ok) console.warn('[PeerDial] chat', { message: reply.message });
      return;
    }
    case 'answer-file':
      return void chatAndFiles?.answer(message.id, message.accept);
    case 'cancel-file':
      return chatAndFiles?.cancel(message.id);
    case 'file-saved':
      return chatAndFiles?.saved(message.id, message.error);
    case 'stop':
      calls.stop();
      return ringtone(false);
  }
}
