/**
 * The worker's copy of the call's chat and transfers, as the offscreen
 * document last published it, plus when the chat was last on screen (for the
 * unread count on the badge). Kept in storage.session, like the call, so a
 * worker stopped by Chrome and started again still shows the popup the chat.
 */
import browser from 'webextension-polyfill';
import { type ChatAndFiles, EMPTY_CHAT_AND_FILES, unreadCount } from '../shared/chat-and-files';

const KEY = 'chatAndFiles';

interface Stored {
  state: ChatAndFiles;
  /** When a popup last showed the chat: their messages after this are unread. */
  seenAt: number;
}

export interface ChatAndFilesStore {
  state: () => ChatAndFiles;
  unread: () => number;
  update: (state: ChatAndFiles) => Promise<void>;
  /** A popup is showing the chat now. */
  seen: (now: number) => Promise<void>;
  /** The call is over: its history goes with it. */
  clear: () => Promise<void>;
}

export async function loadChatAndFiles(): Promise<ChatAndFilesStore> {
  const stored = await browser.storage.session.get(KEY);
  let current: Stored = (stored[KEY] as Stored | undefined) ?? { state: EMPTY_CHAT_AND_FILES, seenAt: 0 };
  const save = (next: Stored) => {
    current = next;
    return browser.storage.session.set({ [KEY]: current });
  };
  return {
    state: () => current.state,
    unread: () => unreadCount(current.state, current.seenAt),
    update: (state) => save({ ...current, state }),
    seen: (now) => save({ ...current, seenAt: now }),
    clear: () => save({ state: EMPTY_CHAT_AND_FILES, seenAt: 0 }),
  };
}
