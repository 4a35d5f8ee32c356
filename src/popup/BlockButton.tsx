/**
 * Block, or Unblock for a code blocked already: a blocked code's rings find
 * you offline. The worker keeps the list and says in words what it did.
 */
import type { Reply } from '../shared/runtime-messages';
import { t } from '../shared/wording';
import { sendCommand } from './use-background';

/** `name`: the code as the person knows it (nickname, guest name or code), for the accessible name. */
export function BlockButton({ code, name, blocked, onReply }: { code: string; name: string; blocked: boolean; onReply: (reply: Reply) => void }) {
  const type = blocked ? 'unblock' : 'block';
  return (
    <button type="button" class="quiet" aria-label={t(blocked ? 'unblockName' : 'blockName', name)} onClick={() => void sendCommand({ type, code }).then(onReply)}>
      {t(type)}
    </button>
  );
}
