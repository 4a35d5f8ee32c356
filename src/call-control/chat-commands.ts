/**
 * Chat and file commands, checked against the call and handed to the media
 * host, which owns the data channel. The same for every client.
 */
import type { CallState } from '../shared/call-state';
import type { OffscreenMessage, Reply, UserCommand } from '../shared/runtime-messages';
import { t } from '../shared/wording';

export type ChatOrFileCommand = Extract<UserCommand, { type: 'chat' | 'accept-file' | 'decline-file' | 'cancel-file' }>;

export async function chatOrFileCommand(
  command: ChatOrFileCommand,
  call: CallState,
  tellMedia: (message: OffscreenMessage) => Promise<void>,
): Promise<Reply> {
  if (call.phase !== 'active') return { ok: false, message: t('chatNotConnected') };
  if (command.type === 'chat' && command.text.trim() === '') return { ok: false, message: t('chatEmpty') };
  await tellMedia(mediaMessage(command));
  return { ok: true };
}

function mediaMessage(command: ChatOrFileCommand): OffscreenMessage {
  switch (command.type) {
    case 'chat':
      return { target: 'offscreen', type: 'chat', text: command.text };
    case 'accept-file':
    case 'decline-file':
      return { target: 'offscreen', type: 'answer-file', id: command.id, accept: command.type === 'accept-file' };
    case 'cancel-file':
      return { target: 'offscreen', type: 'cancel-file', id: command.id };
  }
}
