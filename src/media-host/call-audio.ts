/**
 * Where the call is heard: from the offscreen document, not from the popup,
 * so closing the popup never silences the call.
 */
import type { CallStreams } from '../shared/call-streams';
import { createSpeaker, type Speaker } from './speaker';

export interface CallAudio {
  speaker: Speaker;
  /** A track came or went: the elements play the call's sound as it is now. */
  refresh: () => Promise<void>;
  /** Plays the shared tab's own sound back to the sharer (capture mutes the tab), or stops it with null. */
  hearSharedTab: (sound: MediaStream | null) => void;
}

export function playCallAudio(streams: CallStreams): CallAudio {
  // Their sound only: an element given their camera too would take every decoded frame for a picture this hidden
  // document never shows (Chromium's video frame compositor, on the set-up's busiest moment).
  const remoteSound = new MediaStream();
  const remoteShareSound = new MediaStream();
  const remoteAudio = playing(remoteSound);
  // Their shared tab's sound, in its own element: one element does not reliably mix two audio tracks.
  const remoteShareAudio = playing(remoteShareSound);
  // Capturing a tab silences it for the sharer; playing the capture back lets them keep hearing it.
  // (Not a shared screen's sound: the computer still plays that itself, and a replay would echo.)
  const sharedTabAudio = playing(null);
  const speaker = createSpeaker([remoteAudio, remoteShareAudio, sharedTabAudio], (error) => console.warn('[PeerDial] speaker', error));
  // In the document rather than detached, so inspecting the page (DevTools, a test) shows where the call is heard.
  document.body.append(remoteAudio, remoteShareAudio, sharedTabAudio);
  return {
    speaker,
    refresh() {
      follow(streams.remote, remoteSound);
      follow(streams.remoteShare, remoteShareSound);
      return speaker.refresh();
    },
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

/** `sound` holds the audio tracks of `from`, no more. */
function follow(from: MediaStream, sound: MediaStream): void {
  const tracks = from.getAudioTracks();
  for (const track of sound.getAudioTracks()) if (!tracks.includes(track)) sound.removeTrack(track);
  for (const track of tracks) if (!sound.getTrackById(track.id)) sound.addTrack(track);
}
