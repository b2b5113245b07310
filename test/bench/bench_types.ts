/** One measured figure, with the target it is held to when there is one. */
export interface BenchRow {
  readonly bench: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** Human-readable target, e.g. ">= 150000". */
  readonly target?: string;
  /** Whether the value meets the target; absent when there is no target. */
  readonly pass?: boolean;
  readonly note?: string;
}

/** A named benchmark that `deno task bench [name ...]` can run. */
export interface Bench {
  readonly name: string;
  readonly description: string;
  run(): Promise<BenchRow[]>;
}

export function atLeast(value: number, target: number): Pick<BenchRow, "target" | "pass"> {
  return { target: `>= ${target}`, pass: value >= target };
}

export function atMost(value: number, target: number): Pick<BenchRow, "target" | "pass"> {
  return { target: `<= ${target}`, pass: value <= target };
}

/**
 * The nearest-rank percentile (`p` in percent) of `values`; 0 when there are
 * none. Every bench reads its latencies with this one definition.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

/** A request's p50 and p99 rows in ms (one decimal), the p99 held to `targetMs`. */
export function latencyRows(
  bench: string,
  name: string,
  times: readonly number[],
  targetMs: number,
  note: string,
): BenchRow[] {
  const p99 = Math.round(percentile(times, 99) * 10) / 10;
  return [
    {
      bench,
      metric: `${name} p50`,
      value: Math.round(percentile(times, 50) * 10) / 10,
      unit: "ms",
    },
    { bench, metric: `${name} p99`, value: p99, unit: "ms", ...atMost(p99, targetMs), note },
  ];
}
