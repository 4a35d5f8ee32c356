/**
 * The popup's line to the background: a port over which the background pushes
 * the whole view on every change (the popup keeps no copy of the call), and a
 * way to send what the user asked for.
 */
import { useEffect, useState } from 'preact/hooks';
import * as v from 'valibot';
import browser from 'webextension-polyfill';
import { type BackgroundMessage, POPUP_PORT, PopupMessage, Reply, type UserCommand, type View } from '../shared/runtime-messages';
import { t } from '../shared/wording';

/** A stopped worker breaks the port; connecting again starts a fresh one, which pushes the true state. */
const RECONNECT_DELAY_MS = 100;

/** Keeps a port to the worker open until the returned function is called; a stopped worker breaks it, and it connects again. */
export function holdPort(name: string, onMessage?: (message: unknown) => void): () => void {
  let port: browser.Runtime.Port;
  let closed = false;
  const open = () => {
    // Opening the port also wakes a stopped worker, and tells a fresh one who is listening.
    port = browser.runtime.connect({ name });
    if (onMessage) port.onMessage.addListener(onMessage);
    port.onDisconnect.addListener(() => {
      if (!closed) setTimeout(open, RECONNECT_DELAY_MS);
    });
  };
  open();
  return () => {
    closed = true;
    port.disconnect();
  };
}

export function useView(): View | null {
  const [view, setView] = useState<View | null>(null);
  useEffect(
    () =>
      holdPort(POPUP_PORT, (message) => {
        // Parsed like every other message between contexts: a worker and popup out of step show an error, not a wrong screen.
        const parsed = v.safeParse(PopupMessage, message);
        if (parsed.success) setView(parsed.output.view);
        else console.error('[PeerDial] malformed view from the worker', v.flatten(parsed.issues));
      }),
    [],
  );
  return view;
}

/** Sends what the person asked for and hands the reply on, for event handlers, which do not wait (sendCommand never rejects). */
export function commandSender(onReply: (reply: Reply) => void): (command: UserCommand) => void {
  return (command) => void sendCommand(command).then(onReply);
}

export async function sendCommand(command: UserCommand): Promise<Reply> {
  try {
    const reply = v.safeParse(Reply, await browser.runtime.sendMessage({ target: 'background', type: 'user', command } satisfies BackgroundMessage));
    return reply.success ? reply.output : { ok: false, message: t('workerNoAnswer') };
  } catch (error) {
    return { ok: false, message: t('workerError', String(error)) };
  }
}
