/**
 * The part of a `browser.storage` area the call's stores use. Stores take
 * it as a parameter: the worker hands in browser.storage.session, the guest
 * page and unit tests one in memory.
 */
export interface StorageArea {
  get: (key: string) => Promise<Record<string, unknown>>;
  set: (items: Record<string, unknown>) => Promise<void>;
}

/** An area kept in memory: the guest page's call lasts as long as the page, and unit tests start empty. */
export function memoryStorageArea(items = new Map<string, unknown>()): StorageArea {
  return {
    get: (key) => Promise.resolve(items.has(key) ? { [key]: structuredClone(items.get(key)) } : {}),
    async set(entries) {
      for (const [key, value] of Object.entries(entries)) items.set(key, structuredClone(value));
    },
  };
}
