/**
 * Read models live in tables of ordered keys. Keys are arrays of parts;
 * within a position numbers sort before strings, numbers numerically and
 * strings by code unit, and a shorter key sorts before its extensions.
 */
export type KeyPart = string | number;
export type Key = readonly KeyPart[];

export interface KeyValue<T> {
  readonly key: Key;
  readonly value: T;
}

export interface RangeOptions {
  /** Only keys that start with these parts. */
  readonly prefix?: Key;
  /** Inclusive lower bound, within the prefix when both are given. */
  readonly start?: Key;
  /** Exclusive upper bound. */
  readonly end?: Key;
  readonly reverse?: boolean;
  readonly limit?: number;
  readonly offset?: number;
}

export interface ProjectionReader {
  get<T>(table: string, key: Key): T | undefined;
  range<T>(table: string, options?: RangeOptions): Iterable<KeyValue<T>>;
  /** Number of keys under a prefix (whole table without one). */
  count(table: string, prefix?: Key): number;
}

export interface ProjectionWriter extends ProjectionReader {
  put(table: string, key: Key, value: unknown): void;
  remove(table: string, key: Key): void;
}

/**
 * Storage for projections. A projection's data and its checkpoint (the last
 * event position applied) change in one atomic transaction, so a crash can
 * never apply an event twice or skip one.
 */
export interface ProjectionStore extends ProjectionReader {
  /** Position of the last event the projection applied, 0 when none. */
  checkpoint(projection: string): number;
  /**
   * Runs `write` in one transaction that also sets the projection's checkpoint
   * to `position`. `write` must be synchronous and must not throw after its
   * first write: a thrown error cannot undo writes already made.
   */
  commit(
    projection: string,
    position: number,
    write: (tx: ProjectionWriter) => void,
  ): Promise<void>;
  /** Empties the tables and checkpoint of a projection, for a rebuild. */
  reset(projection: string, tables: readonly string[]): Promise<void>;
}

/** The smallest key greater than every key that starts with `prefix`. */
export const KEY_PREFIX_END = "\uffff\uffff";

/** The ordering every ProjectionStore keeps, for adapters that sort in memory. */
export function compareKeys(a: Key, b: Key): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const xNumber = typeof x === "number";
    const yNumber = typeof y === "number";
    if (xNumber !== yNumber) return xNumber ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
