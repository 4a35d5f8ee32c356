/**
 * Unit tests run outside the browser, with no i18n of its own. This gives
 * them the browser's behaviour over the real English catalog: a message by
 * key, `$1`…`$9` replaced by the substitutions, `$$` for a dollar sign, and ""
 * for an unknown key. Tests then read the same words a person sees.
 */
import { readFileSync } from 'node:fs';
import { useCatalog } from '../../src/shared/wording';

const english = JSON.parse(readFileSync(new URL('../../public/_locales/en/messages.json', import.meta.url), 'utf8')) as Record<string, { message: string }>;

useCatalog((key, substitutions) => {
  const message = english[key]?.message;
  if (message === undefined) return '';
  return message.replace(/\$(\$|[1-9])/g, (_, which: string) => (which === '$' ? '$' : (substitutions[Number(which) - 1] ?? '')));
});
