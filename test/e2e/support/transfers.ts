/** A file transfer as a person sees it in the popup, and the bytes on disk at either end. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Page } from 'playwright-core';
import { eventually } from './probes';

export type TransferDirection = 'Sending' | 'Receiving';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One transfer's row, by its accessible name. */
export const transferRow = (page: Page, direction: TransferDirection, name: string) => page.getByRole('listitem', { name: `${direction} ${name}` });

export function waitForTransferText(page: Page, direction: TransferDirection, name: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  return eventually(() => transferRow(page, direction, name).innerText().catch(() => ''), (text) => pattern.test(text), `${direction} ${name}: ${pattern}`, timeoutMs);
}
