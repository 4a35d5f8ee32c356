/**
 * How files picked in the popup reach the offscreen document: directly, as
 * File objects through chrome.extension.getViews(), never through runtime
 * messages (which are JSON: a file would be copied whole into memory, or
 * could not pass at all). The offscreen document reads them a chunk at a time.
 */
import type { Reply } from './runtime-messages';

export interface FileHandoff {
  /** Offers the files to the other person; each waits for their Accept. */
  offerFiles(files: readonly File[]): Reply;
}

declare global {
  interface Window {
    peerdialFiles?: FileHandoff;
  }
}
