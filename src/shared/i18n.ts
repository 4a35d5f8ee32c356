/**
 * Every sentence a person reads comes from `_locales/<language>/messages.json`
 * through Chrome's i18n, so a translation is a new folder, not a code change.
 * `MessageKey` is read from the English catalog: a key missing there breaks
 * the build, not the screen.
 *
 * Called as `chrome.i18n` rather than through webextension-polyfill: the
 * polyfill passes this synchronous call through unchanged, and pure modules in
 * src/shared/ must load in unit tests without the polyfill's browser check.
 */
import type english from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof english;

/** The message in the browser's language, `$1`…`$9` replaced by `substitutions` in order. */
export function t(key: MessageKey, ...substitutions: Array<string | number>): string {
  // An empty answer means the key is in no catalog: show the key, which a bug report can name, not a blank.
  return chrome.i18n.getMessage(key, substitutions.map(String)) || key;
}

/**
 * Words chosen where there is no catalog (the offscreen document has only
 * chrome.runtime): the key and its values travel, and a page or the worker says them.
 */
export interface Wording {
  key: MessageKey;
  values: string[];
}

export function words(key: MessageKey, ...values: Array<string | number>): Wording {
  return { key, values: values.map(String) };
}

export function say(wording: Wording): string {
  return t(wording.key, ...wording.values);
}
