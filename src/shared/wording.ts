/**
 * What a person is told. Every sentence comes from
 * `_locales/<language>/messages.json`, so a translation is a new folder, not a
 * code change. `MessageKey` is read from the English catalog: a key missing
 * there breaks the build, not the screen.
 *
 * Where the words are looked up is the host's to say (`useCatalog`): the
 * extension's pages and worker use the browser's i18n (src/i18n/), unit tests
 * the English catalog, and a context without a catalog (the offscreen
 * document) sends a `Wording` for another to say.
 */
import type english from '../../public/_locales/en/messages.json';

export type MessageKey = keyof typeof english;

export interface Wording {
  key: MessageKey;
  values: string[];
}

/** A message by key with `$1`…`$9` replaced by the substitutions; "" for a key no catalog has. */
export type Catalog = (key: MessageKey, substitutions: string[]) => string;

let catalog: Catalog = () => '';

/** Called once by each host's entry, before anything is said. */
export function useCatalog(next: Catalog): void {
  catalog = next;
}

/** The message in the host's language, `$1`…`$9` replaced by `substitutions` in order. */
export function t(key: MessageKey, ...substitutions: Array<string | number>): string {
  // An empty answer means the key is in no catalog: show the key, which a bug report can name, not a blank.
  return catalog(key, substitutions.map(String)) || key;
}

export function words(key: MessageKey, ...values: Array<string | number>): Wording {
  return { key, values: values.map(String) };
}

export function say(wording: Wording): string {
  return t(wording.key, ...wording.values);
}
