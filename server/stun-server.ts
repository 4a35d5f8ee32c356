/**
 * This server's own STUN responder: a UDP socket on the signaling server's
 * host that answers Binding requests (stun-message.ts) and nothing else, so a
 * deployment with no STUN_URLS still gives browsers behind ordinary NATs
 * their server-reflexive candidates, with no third party.
 *
 * UDP sources can be forged, so anything answered could be aimed at someone
 * else: only well-formed Binding requests are answered, the answer is as
 * small as STUN allows, and each source address (an IPv6 one by its /64) gets
 * a bounded number of answers per window. What is dropped is never logged
 * line by line; going over the bound is, through the log budget.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { addressKey } from './client-address';
import { type ConnectionBudget, spend } from './connection-budget';
import type { LogBudget } from './log-budget';
import type { Logger } from './logger';
import { bindingSuccess, parseBindingRequest } from './stun-message';

/**
 * A browser gathering sends one request per interface and STUN server, retransmitted a few times when unanswered,
 * then a keepalive every few seconds for each candidate it keeps: a household's browsers stay far below this.
 */
const ANSWERS_PER_ADDRESS = { points: 60, seconds: 10 };
/**
 * UDP sources are free to forge, so the sources counted in one window are bounded too: past this many, a source not
 * yet counted goes unanswered until the window is swept. Tens of thousands of households, a few MB of counts.
 */
const MAX_SOURCES_PER_WINDOW = 50_000;

/** The URL handed to clients: `stun:host:port`, an IPv6 address in brackets. */
export function stunUrl(host: string, port: number): string {
  return `stun:${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

export interface StunServer {
  /** The UDP port bound. */
  port: number;
  close: () => Promise<void>;
}

export interface StunServerOptions {
  host: string;
  port: number;
  /** RATE_LIMIT_FACTOR, as for every other per-address limit. */
  rateLimitFactor: number;
  log: Logger;
  logBudget: LogBudget;
  now?: () => number;
}

export async function startStunServer({ host, port, rateLimitFactor, log, logBudget, now = Date.now }: StunServerOptions): Promise<StunServer> {
  // STUN_HOST may write an IPv6 address in brackets, as in a URL; the socket wants it bare.
  const bindAddress = host.replace(/^\[|\]$/g, '');
  const socket: Socket = createSocket({ type: isIPv6(bindAddress) ? 'udp6' : 'udp4' });
  const rate = { points: Math.max(1, Math.round(ANSWERS_PER_ADDRESS.points * rateLimitFactor)), seconds: ANSWERS_PER_ADDRESS.seconds };
  // One window per source that asked this window; closed ones are swept each window, so a source that went quiet costs nothing.
  const windows = Object.create(null) as ConnectionBudget;
  let sources = 0;
  let nextSweep = now() + rate.seconds * 1000;

  socket.on('message', (packet, source) => {
    const transactionId = parseBindingRequest(packet);
    if (!transactionId) return;
    const time = now();
    if (time >= nextSweep) {
      for (const key in windows) {
        if (windows[key]!.closes > time) continue;
        delete windows[key];
        sources--;
      }
      nextSweep = time + rate.seconds * 1000;
    }
    const address = addressKey(source.address);
    const counted = address in windows;
    if (!counted && sources >= MAX_SOURCES_PER_WINDOW) return;
    if (!counted) sources++;
    if (spend(windows, address, rate, time) !== undefined) {
      // One line when the source first goes over, not one per packet.
      if (windows[address]!.used === rate.points + 1 && logBudget.allows(address)) {
        log.warn({ event: 'stun-limited', address, seconds: rate.seconds }, 'too many STUN requests from this address; the rest of this window go unanswered');
      }
      return;
    }
    socket.send(bindingSuccess(transactionId, source.address, source.port), source.port, source.address);
  });
  // A send that fails (an unreachable source) is that packet's loss alone; forged sources can make many, so the log
  // budget decides which are written.
  socket.on('error', (error) => {
    if (logBudget.allows('stun-error')) log.warn({ event: 'stun-error', err: error }, 'STUN socket error');
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, bindAddress, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    port: socket.address().port,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
