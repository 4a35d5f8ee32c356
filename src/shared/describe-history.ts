/** A line of the "Recent calls" list in words: who, which way, how long, and whether it was missed. */
import type { HistoryEntry } from './call-history';
import { formatDuration, type Nicknames, peerName } from './describe-call';

export interface DescribedCall {
  /** Their nickname, or their formatted code. */
  name: string;
  /** "Missed call", "Outgoing call, 1:02", "Incoming call, not connected". */
  summary: string;
  /** When it began, in the person's own locale: the time today, else the day and time. */
  when: string;
}

export function describeHistoryEntry(entry: HistoryEntry, nicknames: Nicknames, now: number, locale?: string): DescribedCall {
  const way = entry.direction === 'outgoing' ? 'Outgoing call' : 'Incoming call';
  const summary = entry.missed ? 'Missed call' : entry.duration > 0 ? `${way}, ${formatDuration(entry.duration)}` : `${way}, not connected`;
  return { name: peerName(entry.peer, nicknames), summary, when: describeWhen(entry.at, now, locale) };
}

function describeWhen(at: number, now: number, locale: string | undefined): string {
  const date = new Date(at);
  const time = date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === new Date(now).toDateString()) return time;
  return `${date.toLocaleDateString(locale, { day: 'numeric', month: 'short' })}, ${time}`;
}
