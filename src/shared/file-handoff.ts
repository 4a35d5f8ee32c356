/**
 * How files picked in the popup reach the offscreen document: directly, as
 * File objects through chrome.extension.getViews(), never through runtime
 * messages (which are JSON: a file would be copied whole into memory, or
 * could not pass at all). The offscreen document reads them a chunk at a time.
 */
import type { Wording } from './wording';

/** The offscreen document has no i18n: a refusal comes back as words for the popup to say. */
export type HandoffReply = { ok: true } | { ok: false; words: Wording };

export interface FileHandoff {
  /** Offers the files to the other person; each waits for their Accept. */
  offerFiles: (files: readonly File[]) => HandoffReply;
}

declare global {
  interface Window {
    peerdialFiles?: FileHandoff;
  }
}
