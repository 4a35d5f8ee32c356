import { describe, expect, it } from 'vitest';
import { splitLinks } from './chat-links';

describe('links in chat', () => {
  it('makes http and https links clickable and keeps the sentence around them as text', () => {
    expect(splitLinks('Look: https://example.com/a?b=1, then http://x.org.')).toEqual([
      { kind: 'text', text: 'Look: ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ', then ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('leaves markup and other schemes as plain text', () => {
    const text = '<img src=x onerror=alert(1)> javascript:alert(1) data:text/html,hi chrome://settings';
    expect(splitLinks(text)).toEqual([{ kind: 'text', text }]);
  });

  it('returns plain text unchanged and nothing for nothing', () => {
    expect(splitLinks('no links here')).toEqual([{ kind: 'text', text: 'no links here' }]);
    expect(splitLinks('')).toEqual([]);
  });
});
