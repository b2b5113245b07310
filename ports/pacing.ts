/**
 * Long work on the thread that also answers requests (bulk imports, large
 * plans, big answers) runs in slices: it asks a {@linkcode Pacer} between
 * small steps, and the pacer lets the event loop run whenever the current
 * slice has lasted long enough. Time-based rather than count-based, so a
 * slow or loaded machine yields as often as a fast one; what the work
 * computes never depends on it.
 *
 * Shared by services and adapters alike, which is why it sits with the ports:
 * it is the one contract they all keep with the event loop.
 *
 * @module
 */

/** Longest synchronous slice, in milliseconds, before other work gets a turn. */
export const DEFAULT_SLICE_MS = 8;

/**
 * Yields to the event loop once a slice has lasted `sliceMs`.
 *
 * @example
 * ```ts
 * import { Pacer } from "./pacing.ts";
 * const pacer = new Pacer();
 * let sum = 0;
 * for (let i = 0; i < 100_000; i++) {
 *   sum += i;
 *   if (i % 1000 === 0) await pacer.pace();
 * }
 * ```
 */
export class Pacer {
  readonly #sliceMs: number;
  #sliceStarted = performance.now();

  constructor(sliceMs = DEFAULT_SLICE_MS) {
    this.#sliceMs = sliceMs;
  }

  /** True when the current slice has used its time. */
  due(): boolean {
    return performance.now() - this.#sliceStarted >= this.#sliceMs;
  }

  /** Lets timers, I/O and other requests run if the slice is over. */
  async pace(): Promise<void> {
    if (!this.due()) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#sliceStarted = performance.now();
  }
}

/**
 * Runs a generator that pauses between steps (as the domain's planners do) to
 * its end, pacing between steps; resolves with what it returns.
 */
export async function runPaced<T>(
  steps: Generator<unknown, T, void>,
  pacer: Pacer = new Pacer(),
): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pacer.pace();
  }
}

/** Maps items a few at a time, pacing between them. */
export async function mapPaced<T, U>(
  items: Iterable<T>,
  map: (item: T, index: number) => U,
  pacer: Pacer = new Pacer(),
): Promise<U[]> {
  const out: U[] = [];
  let index = 0;
  for (const item of items) {
    out.push(map(item, index++));
    if (index % 64 === 0) await pacer.pace();
  }
  return out;
}
