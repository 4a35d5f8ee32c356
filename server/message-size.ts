/**
 * About how many bytes a parsed message holds: its strings' lengths plus a
 * little per value. A queued request keeps the parsed payload alive, not the
 * frame, and that is what the per-connection bound is about. A loop, not
 * recursion: a stranger's JSON may nest thousands deep within the size cap.
 */
const PER_VALUE = 8;

export function approximateBytes(payload: unknown): number {
  let bytes = 0;
  const stack: unknown[] = [payload];
  while (stack.length) {
    const value = stack.pop();
    bytes += PER_VALUE;
    if (typeof value === 'string') bytes += value.length;
    else if (Array.isArray(value)) stack.push(...(value as unknown[]));
    else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        bytes += key.length;
        stack.push(item);
      }
    }
  }
  return bytes;
}
