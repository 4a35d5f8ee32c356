import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type MessageKey, say, t, words } from './wording';

const ROOT = new URL('../../', import.meta.url).pathname;
const english = JSON.parse(readFileSync(join(ROOT, 'public/_locales/en/messages.json'), 'utf8')) as Record<string, { message: string; description: string }>;

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? htmlFiles(join(dir, entry.name)) : entry.name.endsWith('.html') ? [join(dir, entry.name)] : [],
  );
}

describe('the message catalog', () => {
  it('puts the values in their places', () => {
    expect(t('callEndedAfter', 'K7QM-4ZP2-XWA9', '2:14')).toBe('Call with K7QM-4ZP2-XWA9 ended after 2:14.');
    expect(say(words('timeLeftHours', 1, 5))).toBe('1 h 5 min left');
  });

  it('shows an unknown key as itself, not a blank', () => {
    expect(t('noSuchMessage' as MessageKey)).toBe('noSuchMessage');
  });

  it('numbers every message’s values from $1 without gaps, as Chrome substitutes them', () => {
    for (const [key, { message }] of Object.entries(english)) {
      const used = [...new Set([...message.matchAll(/\$([1-9])/g)].map((match) => Number(match[1])))].sort();
      expect(used, key).toEqual(used.map((_, index) => index + 1));
      expect(message, key).not.toMatch(/\$[A-Za-z_]/);
    }
  });

  it('has every key the static pages name in data-i18n', () => {
    for (const file of htmlFiles(join(ROOT, 'src'))) {
      const html = readFileSync(file, 'utf8');
      for (const [, key] of html.matchAll(/data-i18n(?:-title)?="([^"]+)"/g)) expect(english, `${file}: ${key}`).toHaveProperty(key!);
    }
  });

  it('has every key the manifest names', () => {
    const manifest = readFileSync(join(ROOT, 'manifest.json'), 'utf8');
    for (const [, key] of manifest.matchAll(/__MSG_(\w+)__/g)) expect(english).toHaveProperty(key!);
  });
});
