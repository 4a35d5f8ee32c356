/**
 * Unit tests run outside the browser, so `chrome.i18n` is missing there. This
 * gives them Chrome's behaviour over the real English catalog: a message by
 * key, `$1`…`$9` replaced by the substitutions, `$$` for a dollar sign, and ""
 * for an unknown key. Tests then read the same words a person sees.
 */
import { readFileSync } from 'node:fs';

const catalog = JSON.parse(readFileSync(new URL('../../public/_locales/en/messages.json', import.meta.url), 'utf8')) as Record<string, { message: string }>;

function getMessage(key: string, substitutions: string[] = []): string {
  const message = catalog[key]?.message;
  if (message === undefined) return '';
  return message.replace(/\$(\$|[1-9])/g, (_, which: string) => (which === '$' ? '$' : (substitutions[Number(which) - 1] ?? '')));
}

Object.assign(globalThis, { chrome: { ...(globalThis as { chrome?: object }).chrome, i18n: { getMessage } } });
