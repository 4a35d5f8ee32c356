/**
 * Structured log lines (one JSON object per line) for whoever runs the
 * server. What goes in: event names, call ids, error kinds, and codes and
 * client addresses only as tags. What never does: SDP, ICE candidates (they
 * carry IP addresses), keys or signatures, a code or an address itself.
 *
 * A log that names both parties of every ring is a record of who calls whom,
 * and one that pairs a code with an address says where a person is; logs are
 * kept, shipped and read far more widely than the server's memory. So every
 * `code`, `caller`, `callee` and `address` field, whoever writes it, is
 * replaced here by a keyed hash (HMAC-SHA-256 under a random key made at
 * start and never written anywhere): the lines of one code or one address
 * still go together, for as long as the process runs, and nobody reading the
 * log can tell which code or address it is, nor test a guess.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { type DestinationStream, pino, type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/** The fields that hold a call code or a client address, wherever a line is written. */
export const PSEUDONYMOUS_FIELDS = ['code', 'caller', 'callee', 'address'] as const;

/** 72 bits: no two of a process's codes or addresses share a tag in practice, and a line stays short. */
const TAG_BYTES = 9;

/** A keyed hash of a code or an address, the same for the same value for as long as this key lives. */
export function createTagger(key: Buffer = randomBytes(32)): (value: string) => string {
  return (value) => createHmac('sha256', key).update(value).digest().subarray(0, TAG_BYTES).toString('base64url');
}

export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  const tag = createTagger();
  const options = {
    level,
    base: { service: 'peerdial-signaling' },
    redact: { paths: [...PSEUDONYMOUS_FIELDS], censor: (value: unknown) => (typeof value === 'string' ? tag(value) : value) },
  };
  return destination ? pino(options, destination) : pino(options);
}
