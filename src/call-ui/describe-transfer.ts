/** A transfer in words, as both sides' popups show it ("12 MB of 50 MB · 31 MB/s · 2 s left"). */
import type { Transfer } from '../shared/chat-and-files';
import { say, t } from '../shared/wording';

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** Decimal units, as file managers and download bars show them. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return t(value === 1 ? 'sizeByte' : 'sizeBytes', value);
  return `${value >= 100 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, '')} ${UNITS[unit - 1]}`;
}

export function formatTimeLeft(seconds: number): string {
  if (!Number.isFinite(seconds)) return t('timeLeftUnknown');
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return t('timeLeftSeconds', s);
  const m = Math.ceil(s / 60);
  return m < 60 ? t('timeLeftMinutes', m) : t('timeLeftHours', Math.floor(m / 60), m % 60);
}

/** Where a verified received file went: the extension saves it to Downloads, a web page keeps it for a Save link. */
export type SavedTo = 'downloads' | 'page';

export function describeTransfer(transfer: Transfer, savedTo: SavedTo = 'downloads'): string {
  const total = formatBytes(transfer.size);
  switch (transfer.status) {
    case 'offered':
      // The receiver's type is the extension, shown beside the name (ReceivedFileType): the MIME type the sender's browser
      // claims does not decide what opens the file, so it is not shown.
      return transfer.direction === 'send' ? t('transferOfferedSend', total) : total;
    case 'transferring': {
      const progress = t('transferProgress', formatBytes(transfer.bytes), total);
      if (transfer.speed <= 0) return t('transferStarting', progress);
      return t('transferRunning', progress, formatBytes(transfer.speed), formatTimeLeft((transfer.size - transfer.bytes) / transfer.speed));
    }
    case 'paused':
      return t('transferPaused', t('transferProgress', formatBytes(transfer.bytes), total));
    case 'verifying':
      return t('transferVerifying', total);
    case 'saving':
      return t('transferSaving', total);
    case 'done':
      if (transfer.direction === 'send') return t('transferDoneSend', total);
      return savedTo === 'downloads' ? t('transferDoneReceive', total) : t('transferDoneReceiveKept', total);
    case 'declined':
      return transfer.direction === 'send' ? t('transferDeclinedSend') : t('transferDeclinedReceive');
    case 'cancelled':
      return t('transferCancelled', transfer.detail ? say(transfer.detail) : '').trim();
    case 'failed':
      return t('transferFailed', transfer.detail ? say(transfer.detail) : t('transferUnknownError'));
  }
}
