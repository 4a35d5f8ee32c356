import { describe, expect, it } from 'vitest';
import { createSerialQueue } from './serial-queue';

/** A promise the test settles by hand. */
function later<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('a serial queue', () => {
  it('runs tasks one at a time, in the order they were queued', async () => {
    const queue = createSerialQueue();
    const log: string[] = [];
    const first = later<void>();
    const a = queue.run(async () => {
      log.push('a starts');
      await first.promise;
      log.push('a ends');
    });
    const b = queue.run(() => void log.push('b runs'));
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['a starts']);
    first.resolve();
    await Promise.all([a, b]);
    expect(log).toEqual(['a starts', 'a ends', 'b runs']);
  });

  it('gives each caller its own task’s result or failure', async () => {
    const queue = createSerialQueue();
    const one = queue.run(() => 1);
    const failing = queue.run(() => Promise.reject(new Error('no')));
    const two = queue.run(async () => 2);
    await expect(one).resolves.toBe(1);
    await expect(failing).rejects.toThrow('no');
    await expect(two).resolves.toBe(2);
  });

  it('a failed task, thrown or rejected, neither blocks nor fails the tasks after it', async () => {
    const queue = createSerialQueue();
    const throwing = queue.run(() => {
      throw new Error('thrown');
    });
    const rejecting = queue.run(() => Promise.reject(new Error('rejected')));
    const ran: number[] = [];
    const after = [1, 2, 3].map((n) => queue.run(() => void ran.push(n)));
    await expect(throwing).rejects.toThrow('thrown');
    await expect(rejecting).rejects.toThrow('rejected');
    await Promise.all(after);
    expect(ran).toEqual([1, 2, 3]);
  });

  it('starts a task on a later tick even when idle, so the code after run() goes first', async () => {
    const queue = createSerialQueue();
    const log: string[] = [];
    const done = queue.run(() => void log.push('task'));
    log.push('after run');
    await done;
    expect(log).toEqual(['after run', 'task']);
  });

  it('keeps working after it has gone idle', async () => {
    const queue = createSerialQueue();
    await queue.run(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(queue.run(() => 'again')).resolves.toBe('again');
  });
});
