/**
 * How the call's components (chat, files) carry out what a person asks: the
 * host page says. The popup sends commands to the service worker and hands
 * files to the offscreen document; the guest page runs both in the page.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Reply, UserCommand } from '../shared/runtime-messages';

export interface CallCommands {
  /** Never rejects: a failure is a reply in words. */
  send: (command: UserCommand) => Promise<Reply>;
  /** Offers picked or dropped files to the other person; each waits for their Accept. */
  offerFiles: (files: readonly File[]) => Reply;
}

export const CallCommandsContext = createContext<CallCommands | null>(null);

export function useCallCommands(): CallCommands {
  const commands = useContext(CallCommandsContext);
  if (!commands) throw new Error('A call component is mounted without CallCommandsContext.');
  return commands;
}

/** Sends what the person asked for and hands the reply on, for event handlers, which do not wait. */
export function useCommandSender(onReply: (reply: Reply) => void): (command: UserCommand) => void {
  const { send } = useCallCommands();
  return (command) => void send(command).then(onReply);
}
