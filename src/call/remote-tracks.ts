/**
 * Sorts what the other side sends into their camera and microphone
 * (`streams.remote`) and what they share (`streams.remoteShare`), by the stream
 * id they announce over the control channel. Tracks and announcements arrive
 * in either order, so every change re-sorts everything.
 */
import type { CallStreams } from '../shared/call-streams';
import { announce, noAnnouncements, placeRemoteTrack, type ShareAnnouncements } from './share-media';

export interface RemoteTracks {
  add: (track: MediaStreamTrack, streamId: string | null) => void;
  announce: (stream: string | null) => void;
}

export function sortRemoteTracks(streams: CallStreams, changed: () => void): RemoteTracks {
  const tracks = new Map<MediaStreamTrack, string | null>();
  let known: ShareAnnouncements = noAnnouncements();

  function sort(): void {
    for (const [track, streamId] of tracks) {
      const place = track.readyState === 'ended' ? 'hidden' : placeRemoteTrack(streamId, known);
      for (const [target, stream] of [['camera', streams.remote], ['share', streams.remoteShare]] as const) {
        const belongs = place === target;
        const has = stream.getTrackById(track.id) !== null;
        if (belongs && !has) stream.addTrack(track);
        if (!belongs && has) stream.removeTrack(track);
      }
      if (track.readyState === 'ended') tracks.delete(track);
    }
    changed();
  }

  return {
    add(track, streamId) {
      tracks.set(track, streamId);
      track.addEventListener('ended', sort);
      sort();
    },
    announce(stream) {
      known = announce(known, stream);
      sort();
    },
  };
}
