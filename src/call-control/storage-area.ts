/**
 * The part of a `browser.storage` area the worker's stores use. Stores take
 * it as a parameter, so a unit test hands in a small in-memory one (and one
 * whose writes fail) instead of the browser's.
 */
export interface StorageArea {
  get: (key: string) => Promise<Record<string, unknown>>;
  set: (items: Record<string, unknown>) => Promise<void>;
}
