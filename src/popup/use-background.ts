/**
 * The popup's line to the background: a port over which the background pushes
 * the whole view on every change (the popup keeps no copy of the call), and a
 * way to send what the user asked for.
 */
import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { POPUP_PORT, type PopupMessage, type Reply, type UserCommand, type View } from '../shared/runtime-messages';
import { t } from '../shared/i18n';

/** A stopped worker breaks the port; connecting again starts a fresh one, which pushes the true state. */
const RECONNECT_DELAY_MS = 100;

export function useView(): View | null {
  const [view, setView] = useState<View | null>(null);
  useEffect(() => {
    let port: browser.Runtime.Port;
    let closed = false;
    const open = () => {
      // Opening the port also wakes a stopped worker.
      port = browser.runtime.connect({ name: POPUP_PORT });
      port.onMessage.addListener((message: unknown) => {
        const { type, view: next } = message as PopupMessage;
        if (type === 'view') setView(next);
      });
      port.onDisconnect.addListener(() => {
        if (!closed) setTimeout(open, RECONNECT_DELAY_MS);
      });
    };
    open();
    return () => {
      closed = true;
      port.disconnect();
    };
  }, []);
  return view;
}

export async function sendCommand(command: UserCommand): Promise<Reply> {
  try {
    const reply = (await browser.runtime.sendMessage({ target: 'background', type: 'user', command })) as Reply | undefined;
    return reply ?? { ok: false, message: t('workerNoAnswer') };
  } catch (error) {
    return { ok: false, message: t('workerError', String(error)) };
  }
}
