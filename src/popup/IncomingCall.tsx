import type { Reply } from '../shared/runtime-messages';
import { openCallView, useWindowId } from './call-view-panel';
import { sendCommand } from './use-background';
import { t } from '../shared/i18n';

export function IncomingCall({ openViewOnAccept, onReply }: { openViewOnAccept: boolean; onReply(reply: Reply): void }) {
  const windowId = useWindowId();
  const accept = async () => {
    // Before the await: the side panel opens only within the click's gesture.
    if (openViewOnAccept) openCallView(windowId, (message) => onReply({ ok: false, message }));
    onReply(await sendCommand({ type: 'accept' }));
  };
  return (
    <div class="row incoming">
      <button type="button" class="accept" onClick={accept}>
        {t('accept')}
      </button>
      <button type="button" class="danger" onClick={async () => onReply(await sendCommand({ type: 'decline' }))}>
        {t('decline')}
      </button>
    </div>
  );
}
