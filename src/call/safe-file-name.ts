/**
 * A received file's name comes from the other person: before it reaches the
 * downloads API it loses anything that could leave the Downloads folder or
 * confuse a file system (path separators, "..", control and reserved
 * characters, Windows device names, trailing dots and spaces).
 */
import { MAX_FILE_NAME_LENGTH } from './data-frames';

const RESERVED = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
const FALLBACK = 'received-file';

export function safeFileName(name: string): string {
  let safe = name.normalize('NFC').replace(RESERVED, '_').replace(/^[\s.]+|[\s.]+$/g, '');
  if (WINDOWS_DEVICE.test(safe)) safe = `_${safe}`;
  if (safe === '') return FALLBACK;
  if (safe.length <= MAX_FILE_NAME_LENGTH) return safe;
  // Keep the extension: it is what opens the file with the right program.
  const dot = safe.lastIndexOf('.');
  const extension = dot > 0 && safe.length - dot <= 16 ? safe.slice(dot) : '';
  return safe.slice(0, MAX_FILE_NAME_LENGTH - extension.length) + extension;
}
