import { useState } from 'preact/hooks';
import type { Reply } from '../shared/runtime-messages';
import { CodeInput } from '../call-ui/CodeInput';
import { currentTab } from './current-tab';
import { sendCommand } from './use-background';
import { t } from '../shared/wording';

export function DialForm({ disabled, onReply }: { disabled: boolean; onReply: (reply: Reply) => void }) {
  const [code, setCode] = useState('');
  const cannotDial = disabled || code.trim() === '';

  async function call(event: Event) {
    event.preventDefault();
    onReply(await sendCommand({ type: 'dial', code }));
  }

  /** Calls, and shows this tab as soon as the other person is connected. */
  async function callAndShare() {
    const tab = await currentTab();
    if (!tab) return onReply({ ok: false, message: t('noTabToShare') });
    onReply(await sendCommand({ type: 'dial', code, shareTab: tab }));
  }

  /** A call without camera or microphone: chat and files only. */
  async function sendFile() {
    onReply(await sendCommand({ type: 'dial', code, dataOnly: true }));
  }

  return (
    <form class="dial" onSubmit={(event) => void call(event)}>
      <label for="call-code">{t('callCode')}</label>
      <div class="row">
        <CodeInput id="call-code" value={code} onInput={setCode} />
        <button type="submit" class="primary" disabled={cannotDial}>
          {t('call')}
        </button>
      </div>
      <div class="row">
        <button type="button" disabled={cannotDial} onClick={() => void callAndShare()}>
          {t('shareThisTab')}
        </button>
        <button type="button" disabled={cannotDial} onClick={() => void sendFile()}>
          {t('sendAFile')}
        </button>
      </div>
    </form>
  );
}
