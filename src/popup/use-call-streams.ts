/**
 * The call's streams, borrowed from the offscreen document's window: the
 * popup renders the very tracks the offscreen document captures and receives,
 * with no second peer connection and no re-encoding.
 */
import { useEffect, useState } from 'preact/hooks';
import { extensionWindows } from '../chrome/extension-views';
import { type CallStreams, STREAMS_CHANNEL } from '../shared/call-streams';

interface Found {
  streams: CallStreams;
  owner: Window;
}

function findStreams(): Found | null {
  for (const view of extensionWindows()) {
    const streams = view.peerdialStreams;
    if (streams) return { streams, owner: view };
  }
  return null;
}

/** `revision` changes whenever the call may have new media (the background pushes a new view). */
export function useCallStreams(revision: unknown): { streams: CallStreams | null; version: number; owner: Window | null } {
  const [found, setFound] = useState(findStreams);
  const [version, setVersion] = useState(0);

  // The same document's streams keep their object: only another document's make a new one.
  const lookAgain = () => {
    const next = findStreams();
    setFound((current) => (current?.streams === next?.streams ? current : next));
  };

  useEffect(lookAgain, [revision]);

  useEffect(() => {
    const changed = () => {
      lookAgain();
      setVersion((n) => n + 1);
    };
    const channel = new BroadcastChannel(STREAMS_CHANNEL);
    channel.onmessage = changed;
    // A document or track that came between the first look and listening would otherwise wait for the next change.
    changed();
    return () => channel.close();
  }, []);

  return { streams: found?.streams ?? null, version, owner: found?.owner ?? null };
}
