/** Codes and addresses reach the log only as tags: one value, one tag, for as long as the process's key lives. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createTagger } from './logger';

describe('log tags', () => {
  it('are the same for the same value under one key, and differ between values and between keys', () => {
    const tag = createTagger(Buffer.alloc(32, 1));
    expect(tag('B7KQ-4M2X-9TZP')).toBe(tag('B7KQ-4M2X-9TZP'));
    expect(tag('B7KQ-4M2X-9TZP')).not.toBe(tag('B7KQ-4M2X-9TZQ'));
    expect(createTagger(Buffer.alloc(32, 2))('B7KQ-4M2X-9TZP')).not.toBe(tag('B7KQ-4M2X-9TZP'));
  });

  it('replace every code and address field a line carries, at any level', () => {
    const lines: string[] = [];
    const log = createLogger('trace', new Writable({ write: (chunk: Buffer, _encoding, done) => void (lines.push(chunk.toString()), done()) }));
    log.debug({ event: 'x', code: 'B7KQ-4M2X-9TZP', caller: 'CALLER-CODE', callee: 'CALLEE-CODE', address: '203.0.113.7', callId: 'call-1' }, 'line');
    const written = lines.join('');
    for (const value of ['B7KQ-4M2X-9TZP', 'CALLER-CODE', 'CALLEE-CODE', '203.0.113.7']) expect(written).not.toContain(value);
    expect(JSON.parse(written)).toMatchObject({ event: 'x', callId: 'call-1', code: expect.stringMatching(/^[\w-]{12}$/) });
  });
});
