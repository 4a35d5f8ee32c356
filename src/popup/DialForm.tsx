import { useState } from 'preact/hooks';
import type { Reply } from '../shared/runtime-messages';
import { sendCommand } from './use-background';

export function DialForm({ disabled, onReply }: { disabled: boolean; onReply(reply: Reply): void }) {
  const [code, setCode] = useState('');

  async function call(event: Event) {
    event.preventDefault();
    onReply(await sendCommand({ type: 'dial', code }));
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
        <button type="submit" class="primary" disabled={disabled || code.trim() === ''}>
          Call
        </button>
        <button type="button" disabled={disabled || code.trim() === ''} onClick={sendFile}>
          Send a file
        </button>
      </div>
    </form>
  );
}
