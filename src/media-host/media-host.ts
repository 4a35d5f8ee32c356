/**
 * The media host: where a call's capture and peer connection live, driven by
 * the call controller's media messages (`OffscreenMessage`). The extension's
 * is the offscreen document, which gets them from the worker over a port;
 * the guest page's is the page itself, which gets them by a call. Both hand
 * this the same messages, and it says which module handles each: the call
 * sessions (call-host.ts), where the call is heard (call-audio.ts), the
 * ringtone.
 */
import type { OffscreenMessage } from '../shared/runtime-messages';
import type { CallStreams } from '../shared/call-streams';
import type { Quality } from '../shared/call-quality';
import type { FileHandoff } from '../shared/file-handoff';
import { words } from '../shared/wording';
import { playCallAudio } from './call-audio';
import { hostCalls } from './call-host';
import type { CallSessionDeps } from './call-session';
import { ringtoneSwitch } from './ringtone';

export interface MediaHostDeps {
  notify: CallSessionDeps['notify'];
  receivedFiles: CallSessionDeps['receivedFiles'];
  /** A track came or went: whatever shows the streams looks again. */
  changed: () => void;
  /** The latest quality reading, for pages that show it; null when the call ends. */
  showQuality: (quality: Quality | null) => void;
  /** The tab behind a capture id, where the browser has tab capture (the extension's share-tab message); rejects with the reason in words. */
  captureTab?: (streamId: string) => Promise<MediaStream>;
}

export interface MediaHost {
  handle: (message: OffscreenMessage) => void;
  /** Shares a capture made elsewhere (a screen picked in the browser's own picker); throws when there is no call. */
  shareStream: (stream: MediaStream) => Promise<void>;
  offerFiles: FileHandoff['offerFiles'];
}

export function createMediaHost(streams: CallStreams, deps: MediaHostDeps): MediaHost {
  const audio = playCallAudio(streams);
  const ringtone = ringtoneSwitch();
  const calls = hostCalls(streams, {
    notify: deps.notify,
    changed() {
      deps.changed();
      // Their voice or their share's sound may just have arrived: it plays where the call is heard.
      void audio.refresh();
    },
    hearSharedTab: audio.hearSharedTab,
    speaker: audio.speaker,
    showQuality: deps.showQuality,
    receivedFiles: deps.receivedFiles,
  });

  async function shareTab(streamId: string): Promise<void> {
    const session = calls.session();
    if (!session || !deps.captureTab) return;
    let stream: MediaStream;
    try {
      stream = await deps.captureTab(streamId);
    } catch (error) {
      deps.notify({ target: 'background', type: 'share-failed', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (await session.shareStream(stream)) audio.hearSharedTab(new MediaStream(stream.getAudioTracks()));
  }

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
      case 'use-relay':
        return session?.useRelay(message.iceServers, message.renewal);
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
        return void shareTab(message.streamId);
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
      case 'retry-file': {
        // The row keeps its Retry button when this fails, so the person can try again.
        const reply = chatAndFiles?.retry(message.id);
        if (reply && !reply.ok) console.warn('[PeerDial] retry', { words: reply.words });
        return;
      }
      case 'file-saved':
        return chatAndFiles?.saved(message.id, message.error);
      case 'stop':
        calls.stop();
        return ringtone(false);
    }
  }

  return {
    handle,
    async shareStream(stream) {
      const session = calls.session();
      if (!session) throw new Error('There is no call to share your screen into.');
      await session.shareStream(stream);
    },
    offerFiles: (files) => calls.session()?.chatAndFiles()?.offerFiles(files) ?? { ok: false, words: words('filesNotConnected') },
  };
}
