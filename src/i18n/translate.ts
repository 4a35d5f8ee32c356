/**
 * Says a catalog key in the browser's language, for the extension's pages and
 * its worker (see ../shared/wording.ts for the keys).
 *
 * Called as `chrome.i18n` rather than through webextension-polyfill: the call
 * is synchronous and the polyfill passes it through unchanged, and modules
 * that word things must load in unit tests without the polyfill's check for
 * a browser extension.
 */
import type { MessageKey, Wording } from '../shared/wording';

/** The message in the browser's language, `$1`…`$9` replaced by `substitutions` in order. */
export function t(key: MessageKey, ...substitutions: Array<string | number>): string {
  // An empty answer means the key is in no catalog: show the key, which a bug report can name, not a blank.
  return chrome.i18n.getMessage(key, substitutions.map(String)) || key;
}

export function say(wording: Wording): string {
  return t(wording.key, ...wording.values);
}
