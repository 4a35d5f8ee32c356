/**
 * Who is online under which code, on this server process. A code has one
 * connection at a time: a second registration proving the same key (the same
 * install reconnecting, say after its worker restarted) takes over.
 */
export interface Presence<Connection> {
  /** Returns the connection this one replaces, if any. */
  register(code: string, connection: Connection): Connection | undefined;
  /** Only the current holder's leaving takes a code offline. Returns whether it did. */
  unregister(code: string, connection: Connection): boolean;
  connectionOf(code: string): Connection | undefined;
  size(): number;
}

export function createPresence<Connection>(): Presence<Connection> {
  const online = new Map<string, Connection>();
  return {
    register(code, connection) {
      const previous = online.get(code);
      online.set(code, connection);
      return previous === connection ? undefined : previous;
    },
    unregister(code, connection) {
      if (online.get(code) !== connection) return false;
      online.delete(code);
      return true;
    },
    connectionOf: (code) => online.get(code),
    size: () => online.size,
  };
}
