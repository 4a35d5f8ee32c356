/**
 * A received file's name comes from the other person, and it does two things:
 * it is shown to the receiver, who decides from it whether to open the file,
 * and it names a file on their disk (the downloads API, or a Save link's
 * `download` attribute), where the operating system picks the program that
 * opens it from the extension. So it is cleaned once, where it arrives, until
 * what is shown is what is saved:
 *
 * - invisible characters go: bidirectional controls (U+202E turns
 *   `photo\u202Egpj.exe` into "photoexe.jpg" on screen), zero-width and other
 *   default-ignorable characters, lone surrogates, noncharacters;
 * - control characters and every kind of space or line break become one
 *   space, so no run of blanks pushes the real extension out of sight;
 * - what a file system or Chromium's downloads API refuses is mended, not
 *   refused (the bytes are already verified): path separators and reserved
 *   characters become "_", dots, spaces and "~" leave the ends, a Windows
 *   device name gains a "_", an extension Windows treats as part of its shell
 *   gains ".download", an empty name becomes "received-file", a long one is
 *   cut before its extension.
 *
 * Then the extension, the text after the last dot, is the file's real type,
 * and `fileTypeOf` says whether it is a type that can run code.
 */

/** Common file systems stop at 255 (ext4 and APFS count bytes; Chromium shortens a longer name when it saves). */
export const MAX_FILE_NAME_LENGTH = 255;
/** An extension longer than this is kept only if it fits: real ones are short, and a cut name must keep the one the system goes by. */
const MAX_KEPT_EXTENSION_LENGTH = 16;
const FALLBACK = 'received-file';

/** Never drawn, yet they change what is drawn: Cf covers the bidi and zero-width controls, Default_Ignorable the fillers and selectors. */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\p{Cs}]/gu;
/** Controls, every separator and the blank braille cell (a favourite for padding), collapsed into one space. */
const BLANKS = /[\p{Cc}\p{White_Space}\u2800]+/gu;
/** Path separators, and what Windows (and so Chromium's downloads API, on every system) refuses in a name. */
const RESERVED = /[<>:"/\\|?*]/g;
/** Windows drops dots and spaces at the end; Chromium refuses them, a leading dot (a hidden file), and "~" at either end. */
const LOOSE_ENDS = /^[ .~]+|[ .~]+$/g;
/** DOS devices, with or without an extension ("con.txt" is the console too), and Windows's own (base::IsReservedNameOnWindows). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|clock\$|conin\$|conout\$)(\..*)?$/i;
const WINDOWS_SHELL_FILES = new Set(['desktop.ini', 'thumbs.db']);
/**
 * Extensions Chromium's downloads API refuses ("Invalid filename", on every system; Chromium 156 checked): shortcuts
 * (.lnk, .url) run whatever they point at, a shell command file (.scf) acts when its folder is opened, .local
 * changes which DLLs a program loads, a {CLSID} hides the real type.
 */
const SHELL_EXTENSION = /^(lnk|url|scf|local|\{.*\})$/i;
/** A name the 8.3 form could take ("PROGRA~1"): Windows may read it as another file's short name, so Chromium refuses its "~". */
const SHORT_NAME = /^(?=[^.]{1,8}(\.[^.]{0,3})?$).*~/;

export function cleanReceivedFileName(raw: string): string {
  let name = raw.replace(INVISIBLE, '').normalize('NFC').replace(BLANKS, ' ').replace(RESERVED, '_').replace(LOOSE_ENDS, '');
  if (SHORT_NAME.test(name)) name = name.replaceAll('~', '_');
  if (name === '') return FALLBACK;
  if (WINDOWS_DEVICE.test(name) || WINDOWS_SHELL_FILES.has(name.toLowerCase())) name = `_${name}`;
  if (SHELL_EXTENSION.test(extensionOf(name) ?? '')) name = `${name}.download`;
  return shortened(name);
}

/** Cut before the extension, and never through a character (a split surrogate pair would be a new, broken one). */
function shortened(name: string): string {
  if (name.length <= MAX_FILE_NAME_LENGTH) return name;
  const extension = extensionOf(name);
  const suffix = extension !== null && extension.length < MAX_KEPT_EXTENSION_LENGTH ? `.${extension}` : '';
  let stem = '';
  for (const character of name.slice(0, name.length - suffix.length)) {
    if (stem.length + character.length + suffix.length > MAX_FILE_NAME_LENGTH) break;
    stem += character;
  }
  return stem.replace(LOOSE_ENDS, '') + suffix;
}

/** The text after the last dot, as the operating system reads it; null for a name without one. */
function extensionOf(name: string): string | null {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1) : null;
}

/**
 * Types that run code when opened with a double click, on a system as it
 * comes (or with what most people have installed). The rule for the list:
 * opening the file may do anything the person can do, so the warning is
 * worth its noise. A type that opens in a viewer or a sandbox (pdf, html,
 * svg, zip, plain documents) is not here, even if a viewer has had bugs:
 * warning on everything would teach people to ignore the warning.
 */
const RUNS_CODE: ReadonlySet<string> = new Set([
  // Windows programs and installers, including Store and ClickOnce packages.
  ...['exe', 'com', 'scr', 'pif', 'cpl', 'msi', 'msp', 'mst', 'msix', 'msixbundle', 'appx', 'appxbundle', 'application', 'appref-ms', 'xbap', 'gadget'],
  // Windows scripts and what Windows runs through a host: batch, PowerShell, Windows Script Host, HTML applications,
  // management consoles, registry files, help files (compiled HTML runs script), setup information, Python's launcher.
  ...['bat', 'cmd', 'ps1', 'psm1', 'vb', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'wsc', 'sct', 'hta', 'msc', 'reg', 'chm', 'inf', 'ins', 'isp', 'py', 'pyw'],
  // A settings shortcut runs the command it names. (Other shortcuts never get here: .lnk, .url and .scf are saved
  // with ".download" after them, see SHELL_EXTENSION.)
  ...['settingcontent-ms'],
  // Disk images: a double click mounts them (Windows and macOS alike), and the programs inside run from there.
  ...['iso', 'img', 'vhd', 'vhdx', 'dmg'],
  // macOS apps, installers, and what Terminal runs when opened.
  ...['app', 'pkg', 'mpkg', 'command', 'tool', 'terminal'],
  // Linux programs, packages and launchers.
  ...['sh', 'bash', 'run', 'appimage', 'deb', 'rpm', 'snap', 'flatpakref', 'desktop'],
  // Java and Android.
  ...['jar', 'jnlp', 'apk', 'xapk', 'apks'],
  // Office documents whose type says they carry macros, add-ins (an Excel .xll is a DLL), and Access databases
  // compiled with their code. The older .doc and .xls may carry macros too, but most of them do not, and Office
  // asks before it runs any: a warning on every one would be noise.
  ...['docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'xlsb', 'xll', 'pptm', 'potm', 'ppam', 'ppsm', 'sldm', 'accde', 'mde', 'ade', 'adp'],
]);

export interface FileType {
  /** In capitals, as the receiver is shown it ("EXE"); null for a name without one. */
  extension: string | null;
  runsCode: boolean;
}

/** The type of an already cleaned name, read from its extension: the sender's claimed MIME type does not decide what opens it. */
export function fileTypeOf(name: string): FileType {
  const extension = extensionOf(name);
  if (extension === null) return { extension: null, runsCode: false };
  return { extension: extension.toUpperCase(), runsCode: RUNS_CODE.has(extension.toLowerCase()) };
}
