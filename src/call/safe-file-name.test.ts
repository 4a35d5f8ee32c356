import { describe, expect, it } from 'vitest';
import { safeFileName } from './safe-file-name';

describe('names of received files', () => {
  it('keeps an ordinary name as it is', () => {
    expect(safeFileName('Holiday photo 2026.jpg')).toBe('Holiday photo 2026.jpg');
  });

  it('cannot climb out of the Downloads folder', () => {
    expect(safeFileName('../../.bashrc')).toBe('_.._.bashrc');
    expect(safeFileName('/etc/passwd')).toBe('_etc_passwd');
    expect(safeFileName('..\\..\\win.ini')).toBe('_.._win.ini');
    expect(safeFileName('..')).toBe('received-file');
  });

  it('replaces reserved and control characters and avoids Windows device names', () => {
    expect(safeFileName('a<b>c:d"e|f?g*h\u0000i')).toBe('a_b_c_d_e_f_g_h_i');
    expect(safeFileName('CON.txt')).toBe('_CON.txt');
    expect(safeFileName('  .hidden. ')).toBe('hidden');
  });

  it('cuts a long name but keeps its extension', () => {
    const safe = safeFileName(`${'x'.repeat(400)}.pdf`);
    expect(safe).toHaveLength(255);
    expect(safe.endsWith('.pdf')).toBe(true);
  });
});
