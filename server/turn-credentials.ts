/**
 * Time-limited TURN credentials, the REST scheme coturn checks with
 * `--use-auth-secret`: the username is `expiry:code`, the password the base64
 * HMAC-SHA1 of that username under the secret both servers share. The browser
 * gets a credential made for it; the secret never leaves this server.
 *
 * A credential cannot be taken back, and coturn reads its expiry only when an
 * allocation is made: so credentials go only to the parties of a call (a
 * caller with its ring, from a small budget; each party once the call is
 * accepted, and again before the last runs out), and live minutes.
 */
import { createHmac } from 'node:crypto';
import type { CallIce, IceServer } from '../src/shared/protocol';
import type { TurnConfig } from './config';

export function turnCredential(turn: Pick<TurnConfig, 'urls' | 'secret' | 'ttlSeconds'>, code: string, nowMs: number): IceServer {
  const expiry = Math.floor(nowMs / 1000) + turn.ttlSeconds;
  const username = `${expiry}:${code}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { urls: turn.urls, username, credential };
}

/** STUN for everyone, plus a relay credential for this code when a TURN server is configured. */
export function iceServersFor(config: { iceServers: IceServer[]; turn?: TurnConfig }, code: string, nowMs = Date.now()): IceServer[] {
  return config.turn ? [...config.iceServers, turnCredential(config.turn, code, nowMs)] : config.iceServers;
}

/** What a party of an accepted call gets: its ICE servers, and with a relay credential how long it lasts. */
export function callIceFor(config: { iceServers: IceServer[]; turn?: TurnConfig }, code: string, nowMs = Date.now()): CallIce {
  const iceServers = iceServersFor(config, code, nowMs);
  return config.turn ? { iceServers, relayTtlMs: config.turn.ttlSeconds * 1000 } : { iceServers };
}
