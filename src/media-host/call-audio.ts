/**
 * Where the call is heard: from the offscreen document, not from the popup,
 * so closing the popup never silences the call.
 */
import type { CallStreams } from '../shared/call-streams';
import { createSpeaker, type Speaker } from './speaker';

export interface CallAudio {
  speaker: Speaker;
  /** Plays the shared tab's own sound back to the sharer (capture mutes the tab), or stops it with null. */
  hearSharedTab: (sound: MediaStream | null) => void;
}

export function playCallAudio(streams: CallStreams): CallAudio {
  const remoteAudio = playing(streams.remote);
  // Their shared tab's sound, in its own element: one element does not reliably mix two audio tracks.
  const remoteShareAudio = playing(streams.remoteShare);
  // Capturing a tab silences it for the sharer; playing the capture back lets them keep hearing it.
  // (Not a shared screen's sound: the computer still plays that itself, and a replay would echo.)
  const sharedTabAudio = playing(null);
  const speaker = createSpeaker([remoteAudio, remoteShareAudio, sharedTabAudio], (error) => console.warn('[PeerDial] speaker', error));
  // In the document rather than detached, so inspecting the page (DevTools, a test) shows where the call is heard.
  document.body.append(remoteAudio, remoteShareAudio, sharedTabAudio);
  return {
    speaker,
    hearSharedTab(sound) {
      sharedTabAudio.srcObject = sound;
      void speaker.refresh();
    },
  };
}

function playing(stream: MediaStream | null): HTMLAudioElement {
  const audio = new Audio();
  audio.autoplay = true;
  audio.srcObject = stream;
  return audio;
}
