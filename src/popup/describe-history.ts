/** A line of the "Recent calls" list in words: who, which way, how long, and whether it was missed. */
import type { HistoryEntry } from '../shared/call-history';
import { displayCode, formatDuration, type Nicknames, partyLabel, peerName } from '../shared/describe-call';
import { t } from '../shared/wording';

export interface DescribedCall {
  /** Their nickname, a guest's own name marked unverified with the code, or their formatted code. */
  name: string;
  /**
   * A guest named by its own name, in two parts: "Guest: Ann", and that
   * nobody checked it with the code, shown apart so a long name cannot push
   * the mark out of sight.
   */
  guest: { name: string; unverified: string } | null;
  /** "Missed call", "Missed call while you were in another call", "Outgoing call, 1:02", "Incoming call, not connected", "Outgoing call, failed: could not connect". */
  summary: string;
  /** When it began, in the person's own locale: the time today, else the day and time. */
  when: string;
}

export function describeHistoryEntry(entry: HistoryEntry, nicknames: Nicknames, now: number, locale?: string): DescribedCall {
  const way = t(entry.direction === 'outgoing' ? 'historyOutgoing' : 'historyIncoming');
  const summary = entry.whileBusy
    ? t('historyMissedWhileBusy')
    : entry.missed
      ? t('historyMissed')
      : entry.failed
        ? t('historyFailed', way)
        : entry.duration > 0
          ? t('historyDuration', way, formatDuration(entry.duration))
          : t('historyNotConnected', way);
  const label = partyLabel(entry, nicknames);
  const guest = label.kind === 'guest' ? { name: t('guestName', label.name), unverified: t('nameUnverifiedCode', displayCode(entry.peer)) } : null;
  return { name: peerName(entry, nicknames), guest, summary, when: describeWhen(entry.at, now, locale) };
}

/** Building a formatter costs far more than using one (toLocaleTimeString builds one per call): one pair per locale, for the whole list. */
const formatters = new Map<string, { time: Intl.DateTimeFormat; day: Intl.DateTimeFormat }>();

function formattersFor(locale: string | undefined) {
  const key = locale ?? '';
  let found = formatters.get(key);
  if (!found) {
    found = {
      time: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }),
      day: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }),
    };
    formatters.set(key, found);
  }
  return found;
}

function describeWhen(at: number, now: number, locale: string | undefined): string {
  const date = new Date(at);
  const { time, day } = formattersFor(locale);
  if (date.toDateString() === new Date(now).toDateString()) return time.format(date);
  return t('historyDayAndTime', day.format(date), time.format(date));
}
