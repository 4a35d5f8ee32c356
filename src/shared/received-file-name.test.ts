import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanReceivedFileName, fileTypeOf, MAX_FILE_NAME_LENGTH } from './received-file-name';

const clean = cleanReceivedFileName;

describe('a received file name, cleaned where it arrives', () => {
  it('keeps an ordinary name as it is, in any script', () => {
    expect(clean('Holiday photo 2026.jpg')).toBe('Holiday photo 2026.jpg');
    expect(clean('Отчёт за май.pdf')).toBe('Отчёт за май.pdf');
    expect(clean('תמונה.png')).toBe('תמונה.png');
    expect(clean('家族写真 😀.heic')).toBe('家族写真 😀.heic');
  });

  it('shows the extension the system will use: a right-to-left override cannot turn photo.exe into "photoexe.jpg"', () => {
    const name = clean('photo\u202Egpj.exe');
    expect(name).toBe('photogpj.exe');
    expect(fileTypeOf(name)).toEqual({ extension: 'EXE', runsCode: true });
  });

  it('drops every bidirectional control, embeddings and isolates as well as overrides', () => {
    for (const control of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C']) {
      expect(clean(`invoice${control}fdp.scr`)).toBe('invoicefdp.scr');
    }
  });

  it('drops zero-width and other invisible characters, so two names that look alike are alike', () => {
    for (const invisible of ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u180E', '\u034F', '\u115F', '\u3164', '\uFE0F', '\u{E0041}']) {
      expect(clean(`re${invisible}port.pdf`)).toBe('report.pdf');
    }
    // A lone surrogate or a noncharacter would reach the disk as something else, or not at all.
    expect(clean('a\uD800b\uFFFE\uFDD0.txt')).toBe('ab.txt');
  });

  it('turns controls, line breaks and runs of any space into one space, so no padding hides the extension', () => {
    expect(clean('photo.jpg\u3000\u3000\u2003\u2800            .exe')).toBe('photo.jpg .exe');
    expect(clean('line\nbreak\r\n\u2028tab\there\u0000nul\u001B[31m\u0085.txt')).toBe('line break tab here nul [31m .txt');
    expect(fileTypeOf(clean('photo.jpg                                   .exe')).extension).toBe('EXE');
  });

  it('cannot climb out of the Downloads folder', () => {
    expect(clean('../../.bashrc')).toBe('_.._.bashrc');
    expect(clean('/etc/passwd')).toBe('_etc_passwd');
    expect(clean('..\\..\\win.ini')).toBe('_.._win.ini');
    expect(clean('C:\\Windows\\evil.dll')).toBe('C__Windows_evil.dll');
  });

  it('mends what Windows or the downloads API refuses instead of failing the save', () => {
    expect(clean('a<b>c:d"e|f?g*h.txt')).toBe('a_b_c_d_e_f_g_h.txt');
    expect(clean('notes.txt:hidden.exe')).toBe('notes.txt_hidden.exe');
    expect(clean('  .hidden. ')).toBe('hidden');
    expect(clean('~$budget.xlsx')).toBe('$budget.xlsx');
    expect(clean('report.pdf~')).toBe('report.pdf');
    expect(clean('PROGRA~1.TXT')).toBe('PROGRA_1.TXT');
    for (const device of ['CON', 'con.txt', 'NUL.tar.gz', 'COM1.log', 'lpt9', 'COM¹', 'CLOCK$', 'CONIN$.txt']) expect(clean(device)).toBe(`_${device}`);
    expect(clean('Desktop.ini')).toBe('_Desktop.ini');
    expect(clean('console.txt')).toBe('console.txt');
    // A shortcut runs whatever it points at; Chromium will not save one, or a .local or a {CLSID}, under its own extension.
    expect(clean('photos.lnk')).toBe('photos.lnk.download');
    expect(clean('bank.URL')).toBe('bank.URL.download');
    expect(clean('explorer.scf')).toBe('explorer.scf.download');
    expect(clean('x.LOCAL')).toBe('x.LOCAL.download');
    expect(clean('folder.{20D04FE0-3AEA-1069-A2D8-08002B30309D}')).toBe('folder.{20D04FE0-3AEA-1069-A2D8-08002B30309D}.download');
  });

  it('gives a name left empty a sensible one', () => {
    for (const empty of ['', ' ', '.', '..', '\u202E', '\u200B\u200B', ' . ~ ']) expect(clean(empty)).toBe('received-file');
  });

  it('cuts a long name before its extension, never through a character', () => {
    const long = clean(`${'x'.repeat(400)}.pdf`);
    expect(long).toHaveLength(MAX_FILE_NAME_LENGTH);
    expect(long.endsWith('x.pdf')).toBe(true);
    const emoji = clean(`${'😀'.repeat(200)}.exe`);
    expect(emoji.endsWith('😀.exe')).toBe(true);
    expect(emoji).not.toMatch(/\p{Cs}/u);
    expect(emoji.length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
  });

  it('whatever the peer sends, the name is one the downloads API takes, and cleaning it again changes nothing', () => {
    // Any code point or lone surrogate, and often the characters the rules are about. (fast-check's own 'binary' unit
    // takes seconds to set up.)
    const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
    const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
    const tricky = fc.constantFrom('a', '.', ' ', '~', '/', '\\', ':', '\u202E', '\u200B', '\u0000', '\u3000', 'e', 'x', 'CON', 'lnk');
    const hostile = fc.string({ unit: fc.oneof(anyCodePoint, loneSurrogate, tricky), maxLength: 300 });
    fc.assert(
      fc.property(hostile, (raw) => {
        const name = clean(raw);
        expect(name.length).toBeGreaterThan(0);
        expect(name.length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
        expect(name).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}<>:"/\\|?*]/u);
        expect(name).not.toMatch(/^[\s.~]|[\s.~]$/u);
        expect(name).not.toMatch(/ {2}/);
        expect(clean(name)).toBe(name);
      }),
    );
  });
});

describe('the type of a received file', () => {
  it('is its last extension in capitals, whatever the sender claimed', () => {
    expect(fileTypeOf('holiday.jpg')).toEqual({ extension: 'JPG', runsCode: false });
    expect(fileTypeOf('archive.tar.gz')).toEqual({ extension: 'GZ', runsCode: false });
    expect(fileTypeOf('README')).toEqual({ extension: null, runsCode: false });
  });

  it('says so for a type that can run code, in any case', () => {
    for (const name of ['setup.exe', 'Setup.EXE', 'run.bat', 'x.cmd', 'x.scr', 'x.msi', 'x.ps1', 'x.vbs', 'x.js', 'x.hta', 'x.jar', 'x.apk', 'x.dmg', 'x.pkg', 'x.app', 'x.command', 'x.sh', 'x.AppImage', 'x.deb', 'x.rpm', 'x.iso', 'x.reg', 'x.settingcontent-ms']) {
      expect(fileTypeOf(name).runsCode, name).toBe(true);
    }
  });

  it('counts Office documents that carry macros, not the ordinary ones', () => {
    for (const name of ['budget.xlsm', 'letter.docm', 'talk.pptm', 'addin.xlam']) expect(fileTypeOf(name).runsCode, name).toBe(true);
    for (const name of ['budget.xlsx', 'letter.docx', 'talk.pptx']) expect(fileTypeOf(name).runsCode, name).toBe(false);
  });

  it('does not warn for what opens in a viewer: the warning has to mean something', () => {
    for (const name of ['a.pdf', 'a.png', 'a.txt', 'a.zip', 'a.html', 'a.svg', 'a.mp4', 'a.bin', 'a.csv']) expect(fileTypeOf(name).runsCode, name).toBe(false);
  });
});
