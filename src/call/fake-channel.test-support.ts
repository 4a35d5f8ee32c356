/**
 * A data channel small enough to drive by hand in a unit test: it records what
 * is sent, counts bufferedAmount like the real one, and lets the test open,
 * drain, deliver and close. The real channel runs in the two-browser tests.
 */
export class FakeChannel {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType = 'blob';
  /** Highest bufferedAmount ever reached. */
  peak = 0;
  sent: (string | Uint8Array)[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onbufferedamountlow: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;

  constructor(readonly label = 'test') {}

  send(data: string | ArrayBufferView): void {
    if (this.readyState !== 'open') throw new DOMException('The channel is not open.', 'InvalidStateError');
    if (typeof data === 'string') {
      this.sent.push(data);
      return;
    }
    // Copied, as the real send() does: the sender may reuse its buffer.
    this.sent.push(new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
    this.bufferedAmount += data.byteLength;
    this.peak = Math.max(this.peak, this.bufferedAmount);
  }

  open(): void {
    this.readyState = 'open';
    this.onopen?.();
  }

  drain(): void {
    this.bufferedAmount = 0;
    this.onbufferedamountlow?.();
  }

  deliver(data: unknown): void {
    this.onmessage?.({ data });
  }

  close(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.onclose?.();
  }

  binary(): Uint8Array[] {
    return this.sent.filter((item): item is Uint8Array => typeof item !== 'string');
  }

  text(): string[] {
    return this.sent.filter((item): item is string => typeof item === 'string');
  }

  asChannel(): RTCDataChannel {
    return this as unknown as RTCDataChannel;
  }
}

/** Lets pending promise callbacks and timers run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Lets pending work run until `ready()` holds: a SHA-256 in WebAssembly is made asynchronously, so the first bytes
 * move a few turns later than one settle(). Gives up after `turns`, and the test's own assertion then says what is missing. */
export async function settleUntil(ready: () => boolean, turns = 1000): Promise<void> {
  for (let i = 0; i < turns && !ready(); i++) await settle();
}
