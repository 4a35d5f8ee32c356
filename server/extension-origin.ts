/**
 * The extension's own origin, derived the way Chrome derives an extension id
 * from the manifest's `key`: SHA-256 of the DER public key, its first 128
 * bits as 32 hex digits, each digit 0-f written as a letter a-p. The server
 * then allows its own extension by default, with nothing to keep in sync.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const MANIFEST = resolve(import.meta.dirname, '../manifest.json');

export function extensionIdFromKey(base64Key: string): string {
  const digest = createHash('sha256').update(Buffer.from(base64Key, 'base64')).digest('hex').slice(0, 32);
  return [...digest].map((digit) => String.fromCharCode('a'.charCodeAt(0) + parseInt(digit, 16))).join('');
}

/** `chrome-extension://<id>` for the manifest beside the server, or undefined when it has no key. */
export function ownExtensionOrigin(manifestPath = MANIFEST): string | undefined {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { key?: unknown };
  return typeof manifest.key === 'string' ? `chrome-extension://${extensionIdFromKey(manifest.key)}` : undefined;
}
