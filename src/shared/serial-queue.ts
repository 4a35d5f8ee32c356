/**
 * Work that must not overlap, in the order it was asked for: each task starts
 * once every task queued before it has settled. The one error policy: a
 * task's failure is its own caller's to hear, and never holds back or fails
 * the tasks queued after it.
 */
export interface SerialQueue {
  /** Queues `task`; the promise settles with that task's own result or failure. */
  run: <T>(task: () => T | PromiseLike<T>) => Promise<T>;
}

export function createSerialQueue(): SerialQueue {
  // Only the settling of the last task queued, never its failure; null while idle, so an idle queue keeps nothing alive.
  let tail: Promise<void> | null = null;
  return {
    run(task) {
      // A task always starts on a later tick, even in an idle queue: code right after run() goes first.
      const result = (tail ?? Promise.resolve()).then(task);
      const settled = result.then(
        () => undefined,
        () => undefined,
      );
      tail = settled;
      void settled.then(() => {
        if (tail === settled) tail = null;
      });
      return result;
    },
  };
}
