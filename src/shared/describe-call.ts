/** The call's state in words, as the popup's status line and notifications say it. */
import { formatCallCode, parseCallCode } from './call-code';
import type { CallState, Outcome } from './call-state';
import { ErrorCode } from './protocol';

export function displayCode(code: string): string {
  const parsed = parseCallCode(code);
  return parsed ? formatCallCode(parsed) : code;
}

/** Nicknames the person gave to codes (see call-history.ts). */
export type Nicknames = Readonly<Record<string, string>>;

/** The other party as the person knows them: their nickname if they gave one, else the formatted code. */
export function peerName(code: string, nicknames: Nicknames = {}): string {
  return nicknames[code] ?? displayCode(code);
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(hours ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function describeOutcome(outcome: Outcome, nicknames: Nicknames = {}): string {
  const who = peerName(outcome.peer, nicknames);
  switch (outcome.kind) {
    case 'missed':
      return `Missed call from ${who}.`;
    case 'refused':
      switch (outcome.error) {
        case ErrorCode.Unavailable:
          return `${who} is offline or does not exist.`;
        case ErrorCode.Busy:
          return `${who} is in another call.`;
        case ErrorCode.SelfCall:
          return 'That is your own code. Enter the code of the person you want to call.';
        default:
          return `Could not call ${who}: ${outcome.message}`;
      }
    case 'ended': {
      const after = outcome.duration !== undefined ? ` after ${formatDuration(outcome.duration)}` : '';
      switch (outcome.reason) {
        case 'declined':
          return `${who} declined the call.`;
        case 'no-answer':
          return `${who} did not answer.`;
        case 'cancelled':
          return `Call to ${who} cancelled.`;
        case 'hung-up':
          return `Call with ${who} ended${after}.`;
        case 'gone':
        case 'connection-lost':
          return `Call ended: connection lost${after}.`;
        case 'connection-failed':
          return `Could not connect to ${who}. Check your network and try again.`;
        case 'engine-stopped':
          return `Call with ${who} ended: PeerDial's media engine stopped unexpectedly${after}. Call again to carry on.`;
      }
    }
  }
}

export function describeCall(state: CallState, nicknames: Nicknames = {}): string {
  if (state.phase === 'idle') return state.outcome ? describeOutcome(state.outcome, nicknames) : 'Ready for calls.';
  const who = peerName(state.peer, nicknames);
  switch (state.phase) {
    case 'calling':
      return `Calling ${who}…`;
    case 'ringing':
      return `Incoming call from ${who}`;
    case 'connecting':
      return `Connecting to ${who}…`;
    case 'active':
      return state.interruptedAt === null ? `In call with ${who}` : `Reconnecting to ${who}…`;
  }
}
