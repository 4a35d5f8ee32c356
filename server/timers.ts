/** Named timers with one owner: starting a name again replaces it, and close() clears them all. */
export interface Timers {
  start(name: string, ms: number, fire: () => void): void;
  clear(name: string): void;
  close(): void;
  /** Timers pending: every one belongs to a ringing call or an absent party, so this is bounded by them. */
  size(): number;
}

export function createTimers(): Timers {
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  return {
    start(name, ms, fire) {
      clearTimeout(pending.get(name));
      pending.set(
        name,
        setTimeout(() => {
          pending.delete(name);
          fire();
        }, ms),
      );
    },
    clear(name) {
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
