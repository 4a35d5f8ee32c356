/** The call's state in words, as the popup's status line and notifications say it. */
import { formatCallCode, parseCallCode } from './call-code';
import type { CallState, Outcome } from './call-state';
import { ErrorCode } from './protocol';

export function displayCode(code: string): string {
  const parsed = parseCallCode(code);
  return parsed ? formatCallCode(parsed) : code;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(hours ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function describeOutcome(outcome: Outcome): string {
  const who = displayCode(outcome.peer);
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

export function describeCall(state: CallState): string {
  switch (state.phase) {
    case 'idle':
      return state.outcome ? describeOutcome(state.outcome) : 'Ready for calls.';
    case 'calling':
      return `Calling ${displayCode(state.peer)}…`;
    case 'ringing':
      return `Incoming call from ${displayCode(state.peer)}`;
    case 'connecting':
      return `Connecting to ${displayCode(state.peer)}…`;
    case 'active':
      return state.interruptedAt === null ? `In call with ${displayCode(state.peer)}` : `Reconnecting to ${displayCode(state.peer)}…`;
  }
}
