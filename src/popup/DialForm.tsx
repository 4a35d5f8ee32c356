import { useState } from 'preact/hooks';
import type { Reply } from '../shared/runtime-messages';
import { currentTab, NO_TAB } from './current-tab';
import { sendCommand } from './use-background';

export function DialForm({ disabled, onReply }: { disabled: boolean; onReply(reply: Reply): void }) {
  const [code, setCode] = useState('');
  const cannotDial = disabled || code.trim() === '';

  async function call(event: Event) {
    event.preventDefault();
    onReply(await sendCommand({ type: 'dial', code }));
  }

  /** Calls, and shows this tab as soon as the other person is connected. */
  async function callAndShare() {
    const tab = await currentTab();
    if (!tab) return onReply({ ok: false, message: NO_TAB });
    onReply(await sendCommand({ type: 'dial', code, shareTab: tab }));
  }

  /** A call without camera or microphone: chat and files only. */
  async function sendFile() {
    onReply(await sendCommand({ type: 'dial', code, dataOnly: true }));
  }

  return (
    <form class="dial" onSubmit={call}>
      <label for="call-code">Call code</label>
      <div class="row">
        <input
          id="call-code"
          value={code}
          onInput={(event) => setCode(event.currentTarget.value)}
          placeholder="XXXX-XXXX-XXXX"
          autocomplete="off"
          spellcheck={false}
          autoFocus
        />
        <button type="submit" class="primary" disabled={cannotDial}>
          Call
        </button>
      </div>
      <div class="row">
        <button type="button" disabled={cannotDial} onClick={callAndShare}>
          Share this tab
        </button>
        <button type="button" disabled={cannotDial} onClick={sendFile}>
          Send a file
        </button>
      </div>
    </form>
  );
}
