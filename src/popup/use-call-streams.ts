/**
 * The call's streams, borrowed from the offscreen document's window: the
 * popup renders the very tracks the offscreen document captures and receives,
 * with no second peer connection and no re-encoding.
 */
import { useEffect, useState } from 'preact/hooks';
import { type CallStreams, STREAMS_CHANGED } from '../shared/call-streams';

function findStreams(): { streams: CallStreams; owner: Window } | null {
  for (const view of chrome.extension.getViews()) {
    const streams = (view as Window).peerdialStreams;
    if (streams) return { streams, owner: view as Window };
  }
  return null;
}

/** `revision` changes whenever the call may have new media (the background pushes a new view). */
export function useCallStreams(revision: unknown): { streams: CallStreams | null; version: number; owner: Window | null } {
  const [found, setFound] = useState(findStreams);
  const [version, setVersion] = useState(0);

  useEffect(() => setFound(findStreams()), [revision]);

  useEffect(() => {
    if (!found) return;
    const bump = () => setVersion((n) => n + 1);
    found.owner.addEventListener(STREAMS_CHANGED, bump);
    // A track that came between finding the streams and listening would otherwise wait for the next change.
    bump();
    return () => found.owner.removeEventListener(STREAMS_CHANGED, bump);
  }, [found]);

  return { streams: found?.streams ?? null, version, owner: found?.owner ?? null };
}
