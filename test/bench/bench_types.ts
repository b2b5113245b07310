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
