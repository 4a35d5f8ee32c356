/** A transfer in words, as both sides' popups show it ("12 MB of 50 MB · 31 MB/s · 2 s left"). */
import type { Transfer } from './chat-and-files';

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** Decimal units, as file managers and download bars show them. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${value} ${value === 1 ? 'byte' : 'bytes'}`;
  return `${value >= 100 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, '')} ${UNITS[unit]}`;
}

export function formatTimeLeft(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'time left unknown';
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} s left`;
  const m = Math.ceil(s / 60);
  return m < 60 ? `${m} min left` : `${Math.floor(m / 60)} h ${m % 60} min left`;
}

export function describeTransfer(t: Transfer): string {
  const total = formatBytes(t.size);
  switch (t.status) {
    case 'offered':
      return t.direction === 'send' ? `${total} · waiting for them to accept` : `${total} · ${t.mime || 'unknown type'}`;
    case 'transferring': {
      const progress = `${formatBytes(t.bytes)} of ${total}`;
      if (t.speed <= 0) return `${progress} · starting…`;
      return `${progress} · ${formatBytes(t.speed)}/s · ${formatTimeLeft((t.size - t.bytes) / t.speed)}`;
    }
    case 'verifying':
      return `${total} sent · checking SHA-256…`;
    case 'saving':
      return `${total} · verified · saving…`;
    case 'done':
      return t.direction === 'send' ? `${total} · sent and verified` : `${total} · verified and saved to Downloads`;
    case 'declined':
      return t.direction === 'send' ? 'Declined: nothing was sent.' : 'Declined.';
    case 'cancelled':
      return `Cancelled. ${t.detail ?? ''}`.trim();
    case 'failed':
      return `Failed: ${t.detail ?? 'unknown error.'}`;
  }
}
