/**
 * Which module handles which runtime message, from the pages and the
 * offscreen document. A message for another context is not ours: it is
 * ignored. A reply goes back as the listener's promise, errors as data.
 */
import * as v from 'valibot';
import { describeShortfall } from '../shared/describe-media';
import { BackgroundMessage, type OffscreenMessage, type Reply, type UserCommand } from '../shared/runtime-messages';
import { describeCaptureError } from '../shared/share-state';
import { say, t } from '../shared/wording';
import type { CallController } from '../call-control/call-controller';
import { applyMediaReport } from '../call-control/media-reports';
import type { ChatAndFilesStore } from './chat-and-files';
import type { DeviceStore } from './device-store';
import { openPermissionPage } from './permission-page';
import { saveToDownloads } from './save-file';
import { whyShareEnded } from './share-commands';
import type { SignalRelay } from '../call-control/signal-relay';

export interface MessageRouterDeps {
  calls: CallController;
  relay: SignalRelay;
  chat: ChatAndFilesStore;
  devices: DeviceStore;
  command: (command: UserCommand) => Promise<Reply>;
  notifyOffscreen: (message: OffscreenMessage) => Promise<void>;
  /** Whether a page shows the chat now. */
  popupOpen: () => boolean;
  publish: () => void;
  showBadge: () => Promise<void>;
  log: (message: string, error?: unknown) => void;
}

export type Route = (message: BackgroundMessage) => Promise<Reply | undefined>;

/** The worker's message, or null for what is not one (a message for another context, or a malformed one, logged). */
export function parseBackgroundMessage(raw: unknown, log: (message: string, error?: unknown) => void): BackgroundMessage | null {
  const parsed = v.safeParse(BackgroundMessage, raw);
  if (parsed.success) return parsed.output;
  // Messages for other contexts pass through here too; only complain about our own malformed ones.
  if ((raw as { target?: unknown } | null)?.target === 'background') log('Malformed message', v.flatten(parsed.issues));
  return null;
}

export function createMessageRouter(deps: MessageRouterDeps): Route {
  const { calls, devices } = deps;
  const inCall = () => calls.record().call.phase !== 'idle';

  return async (message) => {
    if (await applyMediaReport(message, calls, deps.relay)) return;
    const now = Date.now();
    switch (message.type) {
      case 'user':
        return deps.command(message.command);
      case 'media-shortfall':
        await calls.setMediaNotice(describeShortfall(message.reason, message.got));
        if (message.reason === 'permission') await openPermissionPage();
        return;
      case 'permission-granted':
        await calls.setMediaNotice(null);
        await deps.notifyOffscreen({ target: 'offscreen', type: 'retry-media' });
        return;
      case 'chat-and-files':
        if (!inCall()) return;
        await deps.chat.update(message.state);
        if (deps.popupOpen()) await deps.chat.seen(now);
        deps.publish();
        await deps.showBadge();
        return;
      case 'save-file':
        // Not awaited: the offscreen document's message is answered now, the verdict follows by message.
        void saveToDownloads(message.url, message.name).then((error) => {
          if (error) deps.log(`A received file could not be saved: ${error}`);
          return deps.notifyOffscreen({ target: 'offscreen', type: 'file-saved', id: message.id, error });
        });
        return;
      case 'share-failed':
        await calls.dispatchShare({ type: 'failed', message: describeCaptureError(message.message) });
        return;
      case 'share-ended': {
        const { share } = calls.record();
        const tabId = share.status !== 'off' && share.source.kind === 'tab' ? share.source.tabId : null;
        await calls.dispatchShare({ type: 'ended', reason: await whyShareEnded(tabId) });
        return;
      }
      case 'screen-cancelled':
        await calls.dispatchShare({ type: 'failed', message: t('shareScreenCancelled') });
        return;
      case 'screen-closed':
        await calls.dispatchShare({ type: 'ended', reason: 'window-closed' });
        return;
      case 'devices':
        // A report still on its way when the call ended would show a finished call's devices.
        if (inCall()) await devices.found(message.lists, message.inUse);
        return;
      case 'device-notice':
        if (inCall()) await devices.tell(say(message.wording));
        return;
    }
  };
}
