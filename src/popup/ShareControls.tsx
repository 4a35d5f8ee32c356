/** Share this tab, share the screen, stop sharing, and what is shared now, in words. */
import type { Reply } from '../shared/runtime-messages';
import { describeShare, type ShareState } from '../shared/share-state';
import { currentTab } from './current-tab';
import { commandSender } from './use-background';
import { t } from '../shared/wording';

export function ShareControls({ share, onReply }: { share: ShareState; onReply: (reply: Reply) => void }) {
  const send = commandSender(onReply);

  async function shareThisTab() {
    const tab = await currentTab();
    if (!tab) return onReply({ ok: false, message: t('noTabToShare') });
    send({ type: 'share-tab', tab });
  }

  const sharing = describeShare(share);
  return (
    <div class="share">
      {sharing && <p class="sharing">{sharing}</p>}
      {share.problem && <p class="notice">{share.problem}</p>}
      <div class="row controls">
        <button type="button" onClick={() => void shareThisTab()}>
          {t('shareThisTab')}
        </button>
        <button type="button" onClick={() => send({ type: 'share-screen' })}>
          {t('shareScreen')}
        </button>
        {share.status !== 'off' && (
          <button type="button" onClick={() => send({ type: 'stop-share' })}>
            {t('stopSharing')}
          </button>
        )}
      </div>
    </div>
  );
}
