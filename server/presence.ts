/**
 * Who is online under which code: the one connection holding it. A code has
 * one connection at a time: a second registration proving the same key (the
 * same install reconnecting, say after its worker restarted) takes over. A
 * holder is a name, not a connection object, so it may be on another server
 * process: the connection's id on one process, the process and the id with Redis
 * (server/redis/presence.ts); server/connections.ts sends to either.
 */
export interface Presence {
  /** Returns the holder this connection replaces, if any. */
  register: (code: string, connectionId: string) => Promise<string | undefined>;
  /** Only the current holder's leaving takes a code offline. Returns whether it did. */
  unregister: (code: string, connectionId: string) => Promise<boolean>;
  holderOf: (code: string) => Promise<string | undefined>;
  close: () => Promise<void>;
}

/** One process: a map. */
export function createPresence(): Presence {
  const online = new Map<string, string>();
  return {
    async register(code, connectionId) {
      const previous = online.get(code);
      online.set(code, connectionId);
      return previous === connectionId ? undefined : previous;
    },
    async unregister(code, connectionId) {
      if (online.get(code) !== connectionId) return false;
      online.delete(code);
      return true;
    },
    holderOf: async (code) => online.get(code),
    async close() {},
  };
}
