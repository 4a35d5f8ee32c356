/**
 * The offscreen document: owns capture, the peer connection and the ringtone,
 * so a call outlives the popup and the service worker. Only chrome.runtime
 * exists here; everything it knows comes from the worker by message.
 */
import browser from 'webextension-polyfill';
import * as v from 'valibot';
import { type BackgroundMessage, OFFSCREEN_PORT, OffscreenMessage } from '../shared/runtime-messages';
import { words } from '../shared/wording';
import { type CallStreams, QUALITY_SAMPLED, STREAMS_CHANNEL } from '../shared/call-streams';
import type { Quality } from '../shared/call-quality';
import { type CallSession, startCallSession } from './call-session';
import { watchQuality } from '../call/quality-watch';
import { clearReceivedFiles } from './received-files';
import { startRingtone } from './ringtone';
import { createSpeaker } from './speaker';

const streams: CallStreams = {
  local: new MediaStream(),
  remote: new MediaStream(),
  localShare: new MediaStream(),
  remoteShare: new MediaStream(),
  pc: null,
};
window.peerdialStreams = streams;
const streamsChannel = new BroadcastChannel(STREAMS_CHANNEL);
streamsChannel.postMessage('loaded');

// The other person is heard from here, not from the popup, so closing the popup never silences the call.
const remoteAudio = new Audio();
remoteAudio.autoplay = true;
remoteAudio.srcObject = streams.remote;
// Their shared tab's sound, in its own element: one element does not reliably mix two audio tracks.
const remoteShareAudio = new Audio();
remoteShareAudio.autoplay = true;
remoteShareAudio.srcObject = streams.remoteShare;
// Capturing a tab silences it for the sharer; playing the capture back lets them keep hearing it.
// (Not a shared screen's sound: the computer still plays that itself, and a replay would echo.)
const sharedTabAudio = new Audio();
sharedTabAudio.autoplay = true;
const speaker = createSpeaker([remoteAudio, remoteShareAudio, sharedTabAudio], (error) => console.warn('[PeerDial] speaker', error));
function hearSharedTab(sound: MediaStream | null): void {
  sharedTabAudio.srcObject = sound;
  void speaker.refresh();
}
// In the document rather than detached, so inspecting the page (DevTools, a test) shows where the call is heard.
document.body.append(remoteAudio, remoteShareAudio, sharedTabAudio);

let session: CallSession | null = null;
/** Stops the once-a-second quality sampling; set only while a call has a peer connection. */
let stopQuality: (() => void) | null = null;

// The screen picker page captures the screen itself (its capture id works nowhere else) and hands the stream over here.
window.peerdialShareStream = async (stream) => {
  if (!session) throw new Error('There is no call to share your screen into.');
  await session.shareStream(stream);
};
let stopRingtone: (() => void) | null = null;

// The popup hands picked files straight to this window (see src/shared/file-handoff.ts).
window.peerdialFiles = {
  offerFiles: (files) => session?.chatAndFiles()?.offerFiles(files) ?? { ok: false, words: words('filesNotConnected') },
};
// A document closed mid-transfer leaves its half-received files; the next one starts clean.
void clearReceivedFiles();

/** The port to the worker while it is connected (see holdWorkerPort). */
let workerPort: browser.Runtime.Port | null = null;

/**
 * Down the port the document holds, as the worker's messages come up it:
 * sendMessage opens a new channel through the browser process for every
 * message (a candidate, a quality reading each second) and offers it to every
 * extension page. sendMessage is left for when the port is down, since it
 * wakes a stopped worker.
 */
function notify(message: BackgroundMessage): void {
  try {
    if (workerPort) return workerPort.postMessage(message);
  } catch {
    // The worker stopped and the port's disconnect has not reached us yet.
    workerPort = null;
  }
  browser.runtime.sendMessage(message).catch((error: unknown) => console.warn('[PeerDial] worker unreachable', error));
}

function streamsChanged(): void {
  streamsChannel.postMessage('changed');
  // Their voice or their share's sound may just have arrived: it plays where the call is heard.
  void speaker.refresh();
}

/** The latest reading stays on this window for the side panel to borrow, as it borrows the streams. */
function showQuality(quality: Quality | null): void {
  window.peerdialQuality = quality;
  window.dispatchEvent(new Event(QUALITY_SAMPLED));
}

function newSession(): CallSession {
  return startCallSession(streams, { notify, changed: streamsChanged, hearSharedTab, speaker });
}

function handle(message: OffscreenMessage): void {
  switch (message.type) {
    case 'prepare':
      session?.stop();
      session = newSession();
      session.connect('callee', message.iceServers, { prepared: true });
      return;
    case 'start':
      // A callee's session prepared while it rang is this call's: its media starts now, on Accept (its camera may be on already).
      if (!session?.awaitingMedia()) {
        session?.stop();
        session = newSession();
      }
      session.startMedia(message.local, message.devices);
      return;
    case 'connect':
      session?.connect(message.role, message.iceServers);
      stopQuality?.();
      stopQuality = watchQuality(streams, { onReading: showQuality, onLevel: (level) => notify({ target: 'background', type: 'quality', level }) });
      return;
    case 'release':
      session?.release();
      return;
    case 'preview':
      session?.preview(message.on, message.devices);
      return;
    case 'signal-in':
      session?.receive(message.data);
      return;
    case 'set-local-media':
      void session?.setLocalMedia(message.local);
      return;
    case 'set-devices':
      void session?.setDevices(message.devices);
      return;
    case 'retry-media':
      void session?.retryMedia();
      return;
    case 'share-tab':
      void session?.shareTab(message.streamId);
      return;
    case 'stop-share':
      void session?.stopShare();
      return;
    case 'ringtone':
      stopRingtone?.();
      stopRingtone = message.on ? startRingtone() : null;
      return;
    case 'chat': {
      const reply = session?.chatAndFiles()?.sendChat(message.text) ?? { ok: false, message: 'The chat opens once the call is connected.' };
      if (!reply.ok) console.warn('[PeerDial] chat', { message: reply.message });
      return;
    }
    case 'answer-file':
      void session?.chatAndFiles()?.answer(message.id, message.accept);
      return;
    case 'cancel-file':
      session?.chatAndFiles()?.cancel(message.id);
      return;
    case 'file-saved':
      session?.chatAndFiles()?.saved(message.id, message.error);
      return;
    case 'stop':
      session?.stop();
      session = null;
      stopQuality?.();
      stopQuality = null;
      stopRingtone?.();
      stopRingtone = null;
      return;
  }
}

/** Long enough not to spin if the extension is going away; short enough that a stopped worker is back at once. */
const WORKER_PORT_RETRY_MS = 250;

/**
 * The worker's line to this document. Connecting it, once the listener is in
 * place, is how the worker knows the document is ready. Chrome stops an idle
 * worker even mid-call; the port breaks then, and connecting again starts a
 * fresh worker, which reconnects to the server so the call can renegotiate
 * and new calls can ring.
 */
function holdWorkerPort(): void {
  const port = browser.runtime.connect({ name: OFFSCREEN_PORT });
  workerPort = port;
  port.onMessage.addListener((raw: unknown) => {
    const parsed = v.safeParse(OffscreenMessage, raw);
    if (parsed.success) handle(parsed.output);
    else console.warn('[PeerDial] malformed message from the worker', v.flatten(parsed.issues));
  });
  port.onDisconnect.addListener(() => {
    if (workerPort === port) workerPort = null;
    setTimeout(holdWorkerPort, WORKER_PORT_RETRY_MS);
  });
}

holdWorkerPort();
