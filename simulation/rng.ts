/**
 * A small seeded generator (sfc32, seeded through splitmix32) and the
 * distributions the simulator draws from. Every part of a scenario takes its
 * own stream, derived from the seed and labels (customer, environment,
 * hour...), so what one part draws never shifts another: the output does not
 * depend on the order things are generated in.
 *
 * @module
 */

/** What a stream is for, so two purposes with the same other labels never share one. */
export const Stream = {
  fleet: 1,
  customer: 2,
  environment: 3,
  rollout: 4,
  incidents: 5,
  incidentCount: 6,
  incidentTimes: 7,
  traffic: 8,
  lifecycle: 9,
  tickets: 10,
  ticketText: 11,
  articles: 12,
  metrics: 13,
  corruption: 14,
  questions: 15,
  staffing: 16,
  resolutions: 17,
} as const;

function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a text, for labels that are names rather than numbers. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A seeded generator. Not cryptographic: fast, with a period far beyond
 * anything a scenario draws.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * import assert from "node:assert/strict";
 * const a = new Rng(7);
 * const b = new Rng(7);
 * assert.equal(a.next(), b.next());
 * assert.ok(a.float() < 1);
 * ```
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let state = seed >>> 0;
    const split = () => {
      state = (state + 0x9e3779b9) | 0;
      return fmix32(state);
    };
    this.#a = split();
    this.#b = split();
    this.#c = split();
    this.#d = split();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const a = this.#a, b = this.#b, c = this.#c, d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const rotated = (c << 21) | (c >>> 11);
    this.#c = (rotated + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** Uniform real in [min, max). */
  uniform(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** An index drawn by weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** Standard normal (Box-Muller, one value per call so streams stay simple). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median; sigma is the spread of its logarithm. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** Poisson count: exact for small means, normal approximation for large ones. */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean < 30) {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = this.float();
      while (p > limit) {
        k++;
        p *= this.float();
      }
      return k;
    }
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
  }

  /** Failures before the first success of a trial with probability p. */
  geometric(p: number): number {
    if (p >= 1) return 0;
    if (!(p > 0)) return Number.POSITIVE_INFINITY;
    return Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }

  /** A copy of the items in a random order. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

/**
 * The stream for a purpose and labels under a scenario seed: the same
 * arguments always give the same stream, whatever was drawn elsewhere.
 *
 * @example
 * ```ts
 * import { Stream, streamFor } from "./rng.ts";
 * import assert from "node:assert/strict";
 * const hour = (h: number) => streamFor(7, Stream.traffic, 3, h).next();
 * assert.equal(hour(12), hour(12));
 * assert.notEqual(hour(12), hour(13));
 * ```
 */
export function streamFor(seed: number, ...labels: number[]): Rng {
  let h = fmix32((seed >>> 0) ^ 0x5bd1e995);
  for (const label of labels) {
    h = fmix32((h + Math.imul((label >>> 0) + 0x9e3779b9, 0x27d4eb2f)) | 0);
  }
  return new Rng(h);
}
