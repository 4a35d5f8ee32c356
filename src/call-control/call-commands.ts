/**
 * What a person asks of the call that every client does alike: dial (with
 * its checks), answer, hang up, mute, camera, chat and files. Chat and file
 * commands go to the media host, which owns the data channel.
 */
import type { CallCode } from '../shared/call-code';
import type { MediaFlags } from '../shared/call-state';
import type { OffscreenMessage, Reply, UserCommand } from '../shared/runtime-messages';
import { t } from '../shared/wording';
import type { CallController } from './call-controller';

const COMMON = ['accept', 'decline', 'hangup', 'set-mic', 'set-camera', 'dismiss', 'chat', 'accept-file', 'decline-file', 'cancel-file', 'retry-file'] as const;
export type CommonCommand = Extract<UserCommand, { type: (typeof COMMON)[number] }>;

export function isCommonCommand(command: UserCommand): command is CommonCommand {
  return (COMMON as readonly string[]).includes(command.type);
}

/** Rings `peer`, unless it is this client's own code or a call is on already; `name` is a guest's, for the other side to see. */
export async function dial(calls: CallController, peer: CallCode, myCode: string | null, options: { local?: MediaFlags; name?: string } = {}): Promise<Reply> {
  if (peer === myCode) return { ok: false, message: t('callRefusedOwnCode') };
  if (calls.record().call.phase !== 'idle') return { ok: false, message: t('dialInCall') };
  await calls.dispatch({ type: 'dial', peer, now: Date.now(), local: options.local, name: options.name });
  return { ok: true };
}

export async function runCommonCommand(
  command: CommonCommand,
  calls: CallController,
  tellMedia: (message: OffscreenMessage) => Promise<void>,
): Promise<Reply> {
  const now = Date.now();
  switch (command.type) {
    case 'accept':
      await calls.dispatch({ type: 'accept', now });
      return { ok: true };
    case 'decline':
      await calls.dispatch({ type: 'decline' });
      return { ok: true };
    case 'hangup':
      await calls.dispatch({ type: 'hangup', now });
      return { ok: true };
    case 'set-mic':
      await calls.dispatch({ type: 'set-mic', on: command.on });
      return { ok: true };
    case 'set-camera':
      await calls.dispatch({ type: 'set-camera', on: command.on });
      return { ok: true };
    case 'dismiss':
      await calls.dispatch({ type: 'dismiss' });
      return { ok: true };
    case 'chat':
    case 'accept-file':
    case 'decline-file':
    case 'cancel-file':
    case 'retry-file': {
      if (calls.record().call.phase !== 'active') return { ok: false, message: t('chatNotConnected') };
      if (command.type === 'chat' && command.text.trim() === '') return { ok: false, message: t('chatEmpty') };
      await tellMedia(mediaMessage(command));
      return { ok: true };
    }
  }
}

function mediaMessage(command: Extract<CommonCommand, { type: 'chat' | 'accept-file' | 'decline-file' | 'cancel-file' | 'retry-file' }>): OffscreenMessage {
  switch (command.type) {
    case 'chat':
      return { target: 'offscreen', type: 'chat', text: command.text };
    case 'accept-file':
    case 'decline-file':
      return { target: 'offscreen', type: 'answer-file', id: command.id, accept: command.type === 'accept-file' };
    case 'cancel-file':
      return { target: 'offscreen', type: 'cancel-file', id: command.id };
    case 'retry-file':
      return { target: 'offscreen', type: 'retry-file', id: command.id };
  }
}
