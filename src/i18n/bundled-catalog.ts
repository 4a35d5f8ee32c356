/**
 * The English catalog, bundled, with the browser i18n's rules: `$1`…`$9`
 * replaced by the substitutions, `$$` for a dollar sign, "" for an unknown key.
 * For hosts with no `chrome.i18n` of their own: the guest page, and unit tests,
 * which then read the same words a person sees.
 */
import english from '../../public/_locales/en/messages.json';
import type { Catalog } from '../shared/wording';

const messages: Record<string, { message: string } | undefined> = english;

export const englishCatalog: Catalog = (key, substitutions) => {
  const message = messages[key]?.message;
  if (message === undefined) return '';
  return message.replace(/\$(\$|[1-9])/g, (_, which: string) => (which === '$' ? '$' : (substitutions[Number(which) - 1] ?? '')));
};
