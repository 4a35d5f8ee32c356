/**
 * Splits a chat message into plain text and web links. The popup renders the
 * pieces as text nodes and <a> elements, never as HTML, so a message cannot
 * inject markup; only http and https links become clickable (no javascript:,
 * data: or chrome: URLs).
 */
export type ChatPiece = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/** A URL runs to the next space; trailing punctuation belongs to the sentence, not the link. */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

export function splitLinks(text: string): ChatPiece[] {
  const pieces: ChatPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(TRAILING_PUNCTUATION, '');
    const href = safeHref(raw);
    if (!href) continue;
    const start = match.index;
    if (start > last) pieces.push({ kind: 'text', text: text.slice(last, start) });
    pieces.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
  return pieces;
}

function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
