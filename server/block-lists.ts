/**
 * Whose rings each online code does not take. The extension is the source of
 * truth (its list outlives browser restarts in its own storage) and hands it
 * over with every registration; the server holds it only while the code is
 * online, which is the only time a ring could reach it. So a server restart
 * loses nothing and a code nobody holds leaves nothing behind.
 *
 * A list belongs to the connection that set it: a departing connection takes
 * away only its own, never the one its successor (the same install,
 * reconnected) has just handed over. Codes are kept as one space-separated
 * string, at most MAX_BLOCKED_CODES of 12 characters: the bound on what one
 * registered code may make the server hold. Redis keeps the same
 * (server/redis/block-lists.ts) so a ring on one process sees a list handed to
 * another.
 */
export interface BlockLists {
  /** Replaces the code's list, now owned by this connection. */
  set: (code: string, connectionId: string, blocked: readonly string[]) => Promise<void>;
  /** Whether `callee` has blocked `caller`. */
  blocks: (callee: string, caller: string) => Promise<boolean>;
  /** The connection left: its list goes, unless a newer connection's has replaced it. */
  forget: (code: string, connectionId: string) => Promise<void>;
}

/**
 * The stored form: unique codes separated by spaces. A code has no space in it and all codes are 12 characters, so
 * a substring match is a whole code.
 */
export function joinBlocked(blocked: readonly string[]): string {
  return [...new Set(blocked)].join(' ');
}

/** One process: a map. */
export function createBlockLists(): BlockLists {
  const lists = new Map<string, { owner: string; codes: string }>();
  return {
    async set(code, connectionId, blocked) {
      const codes = joinBlocked(blocked);
      // An empty list is no list: nothing to keep.
      if (codes) lists.set(code, { owner: connectionId, codes });
      else lists.delete(code);
    },
    blocks: async (callee, caller) => lists.get(callee)?.codes.includes(caller) ?? false,
    async forget(code, connectionId) {
      if (lists.get(code)?.owner === connectionId) lists.delete(code);
    },
  };
}
