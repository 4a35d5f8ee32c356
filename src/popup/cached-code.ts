/**
 * The own code as the popup last showed it, in this extension origin's
 * localStorage. Read synchronously, so the popup's very first frame shows the
 * code, before the worker has answered (waking it can take tens of ms). A
 * code changes only when its owner asks for a new one, and the worker's view
 * replaces what this shows within moments either way.
 */
const KEY = 'peerdial:own-code';

export function cachedOwnCode(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    // Storage disabled for the profile: the popup waits for the worker, as it would on first use.
    return null;
  }
}

export function rememberOwnCode(shown: string): void {
  try {
    if (localStorage.getItem(KEY) !== shown) localStorage.setItem(KEY, shown);
  } catch {
    // Only the next popup's first frame loses the code.
  }
}
