/**
 * The codes a person has blocked: their rings find this person offline. Kept
 * by the extension (storage.local: the person's, across browser restarts) and
 * handed to the server with every registration, which holds it only while
 * the code is online. Pure: the worker stores what these return.
 */
import * as v from 'valibot';
import type { CallCode } from './call-code';
import { BlockList, MAX_BLOCKED_CODES } from './protocol';
import { t } from './wording';

export type BlockResult = { ok: true; blocked: string[] } | { ok: false; message: string };

/** Blocks a code; one already blocked stays as it is. Past the server's bound it is refused in words, and nothing changes. */
export function blockCode(blocked: readonly string[], code: CallCode): BlockResult {
  if (blocked.includes(code)) return { ok: true, blocked: [...blocked] };
  if (blocked.length >= MAX_BLOCKED_CODES) return { ok: false, message: t('blockListFull', MAX_BLOCKED_CODES) };
  return { ok: true, blocked: [...blocked, code] };
}

export function unblockCode(blocked: readonly string[], code: CallCode): string[] {
  return blocked.filter((item) => item !== code);
}

/** What storage holds, if it is a block list the server would take; anything else is none (and the caller says so). */
export function storedBlockList(stored: unknown): string[] | null {
  const parsed = v.safeParse(BlockList, stored);
  return parsed.success ? parsed.output : null;
}
