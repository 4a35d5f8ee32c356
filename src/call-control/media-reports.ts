/**
 * What the media host reports that every client takes the same way: its
 * signals go to the relay, the media path and the other side's mute and
 * camera go into the call state, a share that started and the quality level
 * into the record. The rest (files, devices, a shortfall, a share's end) each
 * client says in its own way.
 */
import type { BackgroundMessage } from '../shared/runtime-messages';
import type { CallController } from './call-controller';
import type { SignalRelay } from './signal-relay';

/** Handles the report and returns true, or returns false for one the client handles itself. */
export async function applyMediaReport(message: BackgroundMessage, calls: CallController, relay: SignalRelay): Promise<boolean> {
  switch (message.type) {
    case 'signal-out':
      relay.send(message.data);
      return true;
    case 'media-connection':
      await calls.dispatch({ type: message.state === 'connected' ? 'media-connected' : 'media-lost', now: Date.now() });
      return true;
    case 'remote-media':
      await calls.dispatch({ type: 'remote-media', media: message.media });
      return true;
    case 'share-started':
      await calls.dispatchShare({ type: 'started' });
      return true;
    case 'quality':
      await calls.setQuality(message.level);
      return true;
    default:
      return false;
  }
}
