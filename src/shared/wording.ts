/**
 * What a person is told, as a catalog key and its values. Every sentence
 * comes from `_locales/<language>/messages.json`, so a translation is a new
 * folder, not a code change. `MessageKey` is read from the English catalog:
 * a key missing there breaks the build, not the screen.
 *
 * Contexts without the browser's i18n (the offscreen document has only
 * chrome.runtime) send the key and its values; a page or the worker says them.
 */
import type english from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof english;

export interface Wording {
  key: MessageKey;
  values: string[];
}

export function words(key: MessageKey, ...values: Array<string | number>): Wording {
  return { key, values: values.map(String) };
}
