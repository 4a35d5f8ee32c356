/** Hands picked or dropped files to the offscreen document's window directly (see src/shared/file-handoff.ts). */
import { extensionWindows } from '../chrome/extension-views';
import { say, t } from '../shared/wording';
import type { Reply } from '../shared/runtime-messages';

export function offerFiles(files: readonly File[]): Reply {
  for (const view of extensionWindows()) {
    const handoff = view.peerdialFiles;
    if (!handoff) continue;
    const reply = handoff.offerFiles(files);
    return reply.ok ? reply : { ok: false, message: say(reply.words) };
  }
  return { ok: false, message: t('filesNotConnected') };
}
