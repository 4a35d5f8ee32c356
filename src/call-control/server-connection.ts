/**
 * A client's one link to the signaling server (the worker's, the guest
 * page's), opened again whenever the code or the server address changes, and
 * what each server event does.
 */
import * as v from 'valibot';
import { parseCallCode } from '../shared/call-code';
import { GuestName, type Result, type SignalData } from '../shared/protocol';
import type { OffscreenMessage, ServerLink } from '../shared/runtime-messages';
import { markSetupStep } from '../shared/setup-marks';
import type { CallController } from './call-controller';
import type { Identity } from '../shared/call-code';
import type { SignalRelay } from './signal-relay';
import { t } from '../shared/wording';
import { connectSignaling, type SignalingHandlers, type SignalingLink, unreachable } from './signaling-link';

export interface ServerConnectionDeps {
  /** Where to connect and as whom, now. */
  target: () => { serverUrl: string; identity: Identity | null };
  calls: CallController;
  relay: () => SignalRelay;
  /** The media host (see CallControllerDeps.tellMedia). */
  tellMedia: (message: OffscreenMessage) => Promise<void>;
  /** The link's status changed: the pages show it. */
  statusChanged: () => void;
  /** The codes whose rings find this one offline (the guest page blocks none). */
  blocked?: () => readonly string[];
  /** Someone rang while this side was in another call (the guest page keeps no recent calls to write it in). */
  missedWhileBusy?: (missed: { peer: string; guestName?: string; at: number }) => void;
}

export interface ServerConnection {
  link: () => SignalingLink | null;
  status: () => ServerLink;
  /** Closes the current link, if any, and opens one for the current code and address. */
  connect: () => void;
  /** Hands the server the block list as it is now; offline, the next registration carries it. */
  sendBlocked: () => Promise<Result>;
}

/**
 * A guest's name as this side will show it, or none. The server checks it before passing it on; it is checked
 * again here because it is about to be shown to a person, and a server of another version, or not ours, may not
 * have: a name that fails is left out, and the call rings by its code alone.
 */
function shownGuestName(name: unknown): string | undefined {
  const parsed = v.safeParse(GuestName, name);
  return parsed.success ? parsed.output : undefined;
}

export function createServerConnection(deps: ServerConnectionDeps): ServerConnection {
  const { calls } = deps;
  let link: SignalingLink | null = null;
  let status: ServerLink = { status: 'connecting' };

  /** The other side's signal, on its way to the media host if it belongs to this call. */
  function signalIn(callId: string, data: SignalData): void {
    if (data.kind === 'description' && data.description.type === 'answer') markSetupStep('answer-arrived');
    void calls.receiveSignal(callId, data);
  }

  const onEvent: SignalingHandlers['onEvent'] = {
    incoming: ({ callId, from, iceServers, name }) =>
      void calls.dispatch({ type: 'incoming', callId, from, iceServers, name: shownGuestName(name), now: Date.now() }),
    accepted: ({ callId, signals, iceServers, relayTtlMs }) => {
      markSetupStep('accepted-arrived');
      // The answer goes to the media host before the pages hear of the accept: in the extension they share one main
      // thread, and a page redrawing for the new state would hold the answer up.
      for (const data of signals) signalIn(callId, data);
      const ice = { iceServers, ...(relayTtlMs !== undefined && { relayTtlMs }) };
      void calls.dispatch({ type: 'accepted', callId, now: Date.now(), ice });
    },
    ended: ({ callId, reason }) => void calls.dispatch({ type: 'ended', callId, reason, now: Date.now() }),
    signal: ({ callId, data }) => signalIn(callId, data),
    'peer-status': (peer) => deps.relay().peerStatus(peer),
    ...(deps.missedWhileBusy && {
      'missed-while-busy': ({ from, name }) => {
        // Checked like a ring's caller and name: it is about to be shown to a person.
        const peer = parseCallCode(from);
        const guestName = shownGuestName(name);
        if (peer) deps.missedWhileBusy?.({ peer, ...(guestName !== undefined && { guestName }), at: Date.now() });
      },
    }),
  };

  return {
    link: () => link,
    status: () => status,
    connect() {
      link?.close();
      const { serverUrl, identity } = deps.target();
      if (!identity) throw new Error('The identity is not loaded yet.');
      link = connectSignaling(serverUrl, identity, {
        onStatus(next) {
          status = next;
          if (next.status === 'online') deps.relay().registered();
          deps.statusChanged();
        },
        onEvent,
        ...(deps.blocked && { blocked: deps.blocked }),
      });
    },
    async sendBlocked() {
      if (!link) return unreachable(t('serverNotConnected'));
      return link.request('set-blocked', { codes: [...(deps.blocked?.() ?? [])] });
    },
  };
}
