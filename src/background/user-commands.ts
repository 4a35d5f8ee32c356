/** What a person asked for (popup, notification, keyboard command, context menu), checked and turned into call and share events. */
import { type CallCode, parseCallCode } from '../shared/call-code';
import { peerName } from '../shared/describe-call';
import type { Result } from '../shared/protocol';
import type { CallController } from '../call-control/call-controller';
import type { BlockListStore } from './block-list-store';
import type { CallHistoryStore } from './call-history-store';
import type { DeviceStore } from './device-store';
import type { OffscreenMessage, Reply, TabRef, UserCommand } from '../shared/runtime-messages';
import { t } from '../shared/wording';
import { dial, isCommonCommand, runCommonCommand } from '../call-control/call-commands';
import { callStage, type ShareSource } from '../shared/share-state';
import { parseServerUrl } from '../shared/server-url';

export interface UserCommandDeps {
  calls: CallController;
  myCode: () => string | null;
  newCode: () => Promise<void>;
  setServerUrl: (url: string) => Promise<void>;
  /** Chat and file commands go to the offscreen document, which owns the data channel. */
  notifyOffscreen: (message: OffscreenMessage) => Promise<void>;
  history: CallHistoryStore;
  blocked: BlockListStore;
  /** Hands the server the block list as it is now (see ServerConnection.sendBlocked). */
  sendBlocked: () => Promise<Result>;
  log: (message: string) => void;
  setOpenCallViewOnAccept: (on: boolean) => Promise<void>;
  setPreviewWhileRinging: (on: boolean) => Promise<void>;
  /** The view changed outside the call (history, nicknames, settings): show it. */
  publish: () => void;
  devices: DeviceStore;
}

const NO_MEDIA = { mic: false, camera: false };

export async function handleUserCommand(command: UserCommand, deps: UserCommandDeps): Promise<Reply> {
  const { calls } = deps;
  if (isCommonCommand(command)) return runCommonCommand(command, calls, deps.notifyOffscreen);
  switch (command.type) {
    case 'dial': {
      const peer = parseCallCode(command.code);
      if (!peer) return { ok: false, message: t('dialBadCode') };
      const dialled = await dial(calls, peer, deps.myCode(), { local: command.dataOnly ? NO_MEDIA : undefined });
      if (dialled.ok && command.shareTab) return share(calls, tabSource(command.shareTab));
      return dialled;
    }
    case 'new-code':
      if (calls.record().call.phase !== 'idle') return { ok: false, message: t('newCodeInCall') };
      await deps.newCode();
      return { ok: true };
    case 'set-server-url': {
      const parsed = parseServerUrl(command.url);
      if (!parsed.ok) return parsed;
      if (calls.record().call.phase !== 'idle') return { ok: false, message: t('serverUrlInCall') };
      await deps.setServerUrl(parsed.url);
      return { ok: true };
    }
    case 'share-tab':
      return share(calls, tabSource(command.tab));
    case 'share-screen':
      return share(calls, { kind: 'screen' });
    case 'stop-share':
      await calls.dispatchShare({ type: 'stop' });
      return { ok: true };
    case 'set-nickname': {
      const peer = parseCallCode(command.code);
      if (!peer) return { ok: false, message: t('nicknameNotACode') };
      const result = await deps.history.setNickname(peer, command.name);
      if (!result.ok) return result;
      deps.publish();
      return { ok: true };
    }
    case 'clear-history':
      await deps.history.clear();
      deps.publish();
      return { ok: true };
    case 'block':
    case 'unblock': {
      const code = parseCallCode(command.code);
      if (!code) return { ok: false, message: t('blockNotACode') };
      return command.type === 'block' ? block(code, deps) : unblock(code, deps);
    }
    case 'set-open-call-view':
      await deps.setOpenCallViewOnAccept(command.on);
      deps.publish();
      return { ok: true };
    case 'set-preview-while-ringing':
      await deps.setPreviewWhileRinging(command.on);
      deps.publish();
      return { ok: true };
    case 'set-device': {
      const chosen = await deps.devices.choose(command.kind, command.id);
      // Remembered either way; a call in progress switches now, without renegotiating.
      if (chosen.ok && calls.record().call.phase !== 'idle') {
        await deps.notifyOffscreen({ target: 'offscreen', type: 'set-devices', devices: deps.devices.choice() });
      }
      return chosen;
    }
  }
}

/**
 * Blocks a code here, where the list is kept, then tells the server; a server out of reach is told at the next
 * registration. Blocking the code that is ringing declines that ring too.
 */
async function block(code: CallCode, deps: UserCommandDeps): Promise<Reply> {
  const blocked = await deps.blocked.block(code);
  if (!blocked.ok) return blocked;
  await tellServer(deps);
  const { call } = deps.calls.record();
  const ringing = call.phase === 'ringing' && call.peer === code ? call : null;
  const who = peerName(ringing ?? { peer: code }, deps.history.state().nicknames);
  deps.publish();
  if (ringing) {
    await deps.calls.dispatch({ type: 'decline' });
    return { ok: true, message: t('blockedAndDeclined', who) };
  }
  return { ok: true, message: t('blockedCode', who) };
}

async function unblock(code: CallCode, deps: UserCommandDeps): Promise<Reply> {
  await deps.blocked.unblock(code);
  await tellServer(deps);
  deps.publish();
  return { ok: true, message: t('unblockedCode', peerName({ peer: code }, deps.history.state().nicknames)) };
}

async function tellServer(deps: UserCommandDeps): Promise<void> {
  const told = await deps.sendBlocked();
  if (!told.ok) deps.log(`The server has the old block list until this code registers again: ${told.message}`);
}

function tabSource(tab: TabRef): ShareSource {
  return { kind: 'tab', tabId: tab.id, title: tab.title };
}

/** Refused at once when there is no call; otherwise the outcome shows in the view as it happens. */
async function share(calls: CallController, source: ShareSource): Promise<Reply> {
  await calls.dispatchShare({ type: 'request', source, stage: callStage(calls.record().call) });
  const { share: state } = calls.record();
  return state.status === 'off' && state.problem ? { ok: false, message: state.problem } : { ok: true };
}
