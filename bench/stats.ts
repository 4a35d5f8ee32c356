/** Small statistics for benchmark tables, and what the benchmarks share. */

/** The server's per-connection limits are set for people; a benchmark rings far faster on purpose. */
export const BENCH_SERVER_ENV = { RATE_LIMIT_FACTOR: '100' };

/**
 * How long one step (a server coming up, a first frame) may take before the run gives up. Pinned to one core
 * (BENCH_CPUS=1), two browsers, two servers and this script share it, and a first frame took up to 13 s at load.
 */
export const STEP_TIMEOUT_MS = process.env.BENCH_PINNED ? 60_000 : 15_000;

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

export function summarize(values: number[]): { p50: number; p95: number; n: number } {
  return { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), n: values.length };
}

/** Prints rows as a Markdown table, so the output can go straight into bench/README.md. */
export function printTable(header: string[], rows: (string | number)[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
  const text = lines.join('\n');
  console.log(text);
  return text;
}

/** One run's figures as a progress line, whole milliseconds: enough to watch a run go by, the tables keep the decimals. */
export function printProgress(label: string, figures: object): void {
  process.stdout.write(`  ${label}: ${JSON.stringify(figures, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}\n`);
}

/** After each hang-up, both benches let the call's documents close before the next call, as between two real calls. */
export function pauseBetweenCalls(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 300));
}

/** Each side's set-up steps, by mark name (src/shared/setup-marks.ts), in ms after the callee's Accept (PeerJS: its answer()). */
export type SetupSteps = Record<'callee' | 'caller', Record<string, number>>;

/** Wall-clock marks as ms after a moment (the callee's Accept, or PeerJS's answer()); negative is before it. */
export function relativeTo(marks: Record<string, number>, moment: number): Record<string, number> {
  return Object.fromEntries(Object.entries(marks).map(([step, at]) => [step, at - moment]));
}
