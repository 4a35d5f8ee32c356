/**
 * What an operator graphs and alerts on, in Prometheus's text format, by
 * prom-client (the maintained Node client). One registry per app, so tests
 * running several servers in one process keep their figures apart.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export interface MetricsSources {
  connectedClients: () => number;
  registeredCodes: () => number;
  calls: () => Promise<{ ringing: number; accepted: number }>;
}

export interface Metrics {
  registry: Registry;
  relayed: Counter;
  rejected: Counter<'reason'>;
  rateLimited: Counter<'event' | 'scope'>;
  turnCredentials: Counter<'at'>;
  logLinesSuppressed: Counter;
  connectionsClosed: Counter<'reason'>;
}

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'peerdial_' });
  new Gauge({
    name: 'peerdial_connected_clients',
    help: 'Open signaling connections on this process.',
    registers: [registry],
    collect() {
      this.set(sources.connectedClients());
    },
  });
  new Gauge({
    name: 'peerdial_registered_codes',
    help: 'Call codes online on this process.',
    registers: [registry],
    collect() {
      this.set(sources.registeredCodes());
    },
  });
  new Gauge({
    name: 'peerdial_calls',
    help: 'Calls by phase: ringing (not yet answered) and active (accepted).',
    labelNames: ['phase'],
    registers: [registry],
    async collect() {
      const { ringing, accepted } = await sources.calls();
      this.set({ phase: 'ringing' }, ringing);
      this.set({ phase: 'active' }, accepted);
    },
  });
  return {
    registry,
    relayed: new Counter({ name: 'peerdial_messages_relayed_total', help: 'Signal messages relayed between the parties of a call.', registers: [registry] }),
    rejected: new Counter({
      name: 'peerdial_messages_rejected_total',
      help: 'Requests and connections refused, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'peerdial_rate_limit_hits_total',
      help: 'Events refused for exceeding a rate limit, by event and by whose limit (connection, address, misses).',
      labelNames: ['event', 'scope'],
      registers: [registry],
    }),
    turnCredentials: new Counter({
      name: 'peerdial_turn_credentials_total',
      help: 'TURN credentials handed out: with a ring (from the ring budget), with an accept (one per party), or renewed.',
      labelNames: ['at'],
      registers: [registry],
    }),
    logLinesSuppressed: new Counter({
      name: 'peerdial_log_lines_suppressed_total',
      help: 'Log lines not written because one address caused more than LOG_LINES_PER_ADDRESS in a minute.',
      registers: [registry],
    }),
    connectionsClosed: new Counter({
      name: 'peerdial_connections_closed_total',
      help: 'Connections closed, by why: the client left or lost its link, broke the protocol, stopped answering pings or reading, never joined; or the server ended it.',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}
