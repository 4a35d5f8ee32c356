/**
 * Who is online under which code: the id of the one connection holding it. A
 * code has one connection at a time: a second registration proving the same
 * key (the same install reconnecting, say after its worker restarted) takes
 * over. Connection ids, not connection objects, so the holder may be on
 * another server process (server/redis/presence.ts); Socket.IO delivers to an
 * id wherever it is.
 */
export interface Presence {
  /** Returns the id of the connection this one replaces, if any. */
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
