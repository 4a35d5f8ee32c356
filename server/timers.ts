/**
 * Named deadlines with one owner: starting a name again replaces it, and
 * close() stops them. A due name is handed to one `fire` function (which
 * reads the name: `ring:<callId>`, `grace:<code>`) rather than to a closure,
 * so that with several processes (server/redis/timers.ts) a deadline set by
 * a process that has since died still fires on another.
 */
export interface Timers {
  start: (name: string, ms: number) => Promise<void>;
  clear: (name: string) => Promise<void>;
  /** Stops firing here. Shared deadlines stay for the other processes. */
  close: () => void;
  /** Deadlines pending on this process: each belongs to a ringing call or an absent party. */
  size: () => number;
}

export type FireTimer = (name: string) => void;

/** One process: setTimeout. */
export function createTimers(fire: FireTimer): Timers {
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  return {
    async start(name, ms) {
      clearTimeout(pending.get(name));
      pending.set(
        name,
        setTimeout(() => {
          pending.delete(name);
          fire(name);
        }, ms),
      );
    },
    async clear(name) {
      clearTimeout(pending.get(name));
      pending.delete(name);
    },
    close() {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
    size: () => pending.size,
  };
}
