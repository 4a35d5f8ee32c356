/** The call's state in words, as the popup's status line and notifications say it. */
import { formatCallCode, parseCallCode } from './call-code';
import type { CallState, Outcome } from './call-state';
import { t } from './wording';
import { ErrorCode } from './protocol';

export function displayCode(code: string): string {
  const parsed = parseCallCode(code);
  return parsed ? formatCallCode(parsed) : code;
}

/** Nicknames the person gave to codes (see call-history.ts). */
export type Nicknames = Readonly<Record<string, string>>;

/** The other party as a call, its outcome or its history entry knows them: the code, and a guest's own name if it gave one. */
export interface Party {
  peer: string;
  guestName?: string;
}

/**
 * What names the other party: the nickname the person gave the code, which
 * wins; else the name a guest gave itself, which nothing checks; else the code.
 */
export type PartyLabel = { kind: 'nickname'; name: string } | { kind: 'guest'; name: string } | { kind: 'code' };

export function partyLabel({ peer, guestName }: Party, nicknames: Nicknames = {}): PartyLabel {
  const nickname = nicknames[peer];
  if (nickname !== undefined) return { kind: 'nickname', name: nickname };
  return guestName === undefined ? { kind: 'code' } : { kind: 'guest', name: guestName };
}

/**
 * The other party in words: their nickname; a guest as "Guest: Ann
 * (unverified name, code K7QM-…)", since anyone can type any name and only the
 * code is proven; else the formatted code.
 */
export function peerName(party: Party, nicknames: Nicknames = {}): string {
  const label = partyLabel(party, nicknames);
  switch (label.kind) {
    case 'nickname':
      return label.name;
    case 'guest':
      return t('guestPeer', label.name, displayCode(party.peer));
    case 'code':
      return displayCode(party.peer);
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(hours ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function describeOutcome(outcome: Outcome, nicknames: Nicknames = {}): string {
  const who = peerName(outcome, nicknames);
  switch (outcome.kind) {
    case 'missed':
      return t('callMissed', who);
    case 'refused':
      switch (outcome.error) {
        case ErrorCode.Unavailable:
          return t('callRefusedOffline', who);
        case ErrorCode.Busy:
          return t('callRefusedBusy', who);
        case ErrorCode.SelfCall:
          return t('callRefusedOwnCode');
        default:
          return t('callRefusedOther', who, outcome.message);
      }
    case 'ended': {
      // With a duration when the call had connected: "…ended after 2:14."
      const after = outcome.duration === undefined ? null : formatDuration(outcome.duration);
      switch (outcome.reason) {
        case 'declined':
          return t('callDeclined', who);
        case 'no-answer':
          return t('callNoAnswer', who);
        case 'cancelled':
          return t('callCancelled', who);
        case 'hung-up':
          return after === null ? t('callEnded', who) : t('callEndedAfter', who, after);
        case 'gone':
        case 'connection-lost':
          return after === null ? t('callLost') : t('callLostAfter', after);
        case 'connection-failed':
          return t('callConnectFailed', who);
        case 'engine-stopped':
          return after === null ? t('callEngineStopped', who) : t('callEngineStoppedAfter', who, after);
      }
    }
  }
}

export function describeCall(state: CallState, nicknames: Nicknames = {}): string {
  if (state.phase === 'idle') return state.outcome ? describeOutcome(state.outcome, nicknames) : t('statusReady');
  const who = peerName(state, nicknames);
  switch (state.phase) {
    case 'calling':
      return t('statusCalling', who);
    case 'ringing':
      return t('statusIncoming', who);
    case 'connecting':
      return t('statusConnecting', who);
    case 'active':
      return state.interruptedAt === null ? t('statusInCall', who) : t('statusReconnecting', who);
  }
}
