/** Hands picked or dropped files to the offscreen document's window directly (see src/shared/file-handoff.ts). */
import type { Reply } from '../shared/runtime-messages';

export function offerFiles(files: readonly File[]): Reply {
  for (const view of chrome.extension.getViews()) {
    const handoff = (view as Window).peerdialFiles;
    if (handoff) return handoff.offerFiles(files);
  }
  return { ok: false, message: 'Files can be sent once the call is connected.' };
}
