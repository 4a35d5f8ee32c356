import { useEffect, useState } from 'preact/hooks';
import { parseCallCode } from '../shared/call-code';
import { displayCode } from '../shared/describe-call';
import { inviteLink } from '../shared/invite-link';
import type { Reply } from '../shared/runtime-messages';
import { sendCommand } from './use-background';
import { t } from '../shared/wording';

/** How long "Copied" stays: long enough to read, short enough not to linger. */
const COPIED_FEEDBACK_MS = 1500;

interface Props {
  code: string | null;
  /** The server this extension uses now: the invite link opens the guest page there. */
  serverUrl: string;
  onReply: (reply: Reply) => void;
}

export function OwnCode({ code, serverUrl, onReply }: Props) {
  const [copied, setCopied] = useState(false);
  const shown = code ? displayCode(code) : '…';

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), COPIED_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy(text: string) {
    await navigator.clipboard.writeText(text);
    setCopied(true);
  }

  function copyLink() {
    // Made at the click from the code and server as they are now: a new code or another server gives a new link.
    const parsed = code ? parseCallCode(code) : null;
    const link = parsed ? inviteLink(serverUrl, parsed) : null;
    if (link === null) {
      onReply({ ok: false, message: t('inviteLinkUnavailable', serverUrl) });
      return;
    }
    onReply({ ok: true });
    void copy(link);
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
        <button type="button" onClick={() => void copy(shown)} disabled={!code}>
          {t('copy')}
        </button>
        <button type="button" onClick={copyLink} disabled={!code}>
          {t('copyInviteLink')}
        </button>
        <span class="copied" aria-live="polite">{copied ? t('copied') : ''}</span>
        <button type="button" class="quiet" onClick={() => void newCode()}>
          {t('newCode')}
        </button>
      </div>
    </section>
  );
}
