import { useState } from 'preact/hooks';
import { displayCode } from '../shared/describe-call';
import type { Reply } from '../shared/runtime-messages';
import { sendCommand } from './use-background';
import { t } from '../shared/wording';

/** How long "Copied" stays: long enough to read, short enough not to linger. */
const COPIED_FEEDBACK_MS = 1500;

export function OwnCode({ code, onReply }: { code: string | null; onReply: (reply: Reply) => void }) {
  const [copied, setCopied] = useState(false);
  const shown = code ? displayCode(code) : '…';

  async function copy() {
    await navigator.clipboard.writeText(shown);
    setCopied(true);
    setTimeout(() => setCopied(false), COPIED_FEEDBACK_MS);
  }

  async function newCode() {
    const sure = confirm(t('newCodeConfirm'));
    if (sure) onReply(await sendCommand({ type: 'new-code' }));
  }

  return (
    <section class="own-code">
      <label for="own-code">{t('yourCode')}</label>
      <input id="own-code" class="code" readOnly value={shown} onFocus={(event) => event.currentTarget.select()} />
      <div class="row">
        <button type="button" onClick={() => void copy()} disabled={!code}>
          {t('copy')}
        </button>
        <span class="copied" aria-live="polite">{copied ? t('copied') : ''}</span>
        <button type="button" class="quiet" onClick={() => void newCode()}>
          {t('newCode')}
        </button>
      </div>
    </section>
  );
}
