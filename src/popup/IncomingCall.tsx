import type { Reply } from '../shared/runtime-messages';
import { sendCommand } from './use-background';
import { t } from '../shared/i18n';

export function IncomingCall({ onReply }: { onReply(reply: Reply): void }) {
  return (
    <div class="row incoming">
      <button type="button" class="accept" onClick={async () => onReply(await sendCommand({ type: 'accept' }))}>
        {t('accept')}
      </button>
      <button type="button" class="danger" onClick={async () => onReply(await sendCommand({ type: 'decline' }))}>
        {t('decline')}
      </button>
    </div>
  );
}
