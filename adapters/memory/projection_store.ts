import {
  compareKeys,
  type Key,
  KEY_PREFIX_END,
  type KeyValue,
  type ProjectionStore,
  type ProjectionWriter,
  type RangeOptions,
} from "../../ports/projection_store.ts";

/** Projection tables in memory, ordered the way the LMDB adapter orders them. */
export class MemoryProjectionStore implements ProjectionStore {
  readonly #tables = new Map<string, Map<string, KeyValue<unknown>>>();
  readonly #checkpoints = new Map<string, number>();

  #table(name: string): Map<string, KeyValue<unknown>> {
    let table = this.#tables.get(name);
    if (table === undefined) {
      table = new Map();
      this.#tables.set(name, table);
    }
    return table;
  }

  get<T>(table: string, key: Key): T | undefined {
    const entry = this.#table(table).get(JSON.stringify(key));
    return entry === undefined ? undefined : structuredClone(entry.value) as T;
  }

  *range<T>(table: string, options: RangeOptions = {}): Iterable<KeyValue<T>> {
    const prefix = options.prefix ?? [];
    const start = options.start ?? prefix;
    const end = options.end ?? (prefix.length > 0 ? [...prefix, KEY_PREFIX_END] : undefined);
    const selected = [...this.#table(table).values()]
      .filter((entry) =>
        compareKeys(entry.key, start) >= 0 && (end === undefined || compareKeys(entry.key, end) < 0)
      )
      .sort((a, b) => compareKeys(a.key, b.key));
    if (options.reverse) selected.reverse();
    const from = options.offset ?? 0;
    const to = options.limit === undefined ? selected.length : from + options.limit;
    for (const entry of selected.slice(from, to)) {
      yield { key: [...entry.key], value: structuredClone(entry.value) as T };
    }
  }

  count(table: string, prefix?: Key): number {
    if (prefix === undefined) return this.#table(table).size;
    let n = 0;
    for (const _ of this.range(table, { prefix })) n++;
    return n;
  }

  checkpoint(projection: string): number {
    return this.#checkpoints.get(projection) ?? 0;
  }

  commit(
    projection: string,
    position: number,
    write: (tx: ProjectionWriter) => void,
  ): Promise<void> {
    const writer: ProjectionWriter = {
      get: (table, key) => this.get(table, key),
      range: (table, options) => this.range(table, options),
      count: (table, prefix) => this.count(table, prefix),
      put: (table, key, value) => {
        this.#table(table).set(JSON.stringify(key), {
          key: [...key],
          value: structuredClone(value),
        });
      },
      remove: (table, key) => void this.#table(table).delete(JSON.stringify(key)),
    };
    write(writer);
    this.#checkpoints.set(projection, position);
    return Promise.resolve();
  }

  reset(projection: string, tables: readonly string[]): Promise<void> {
    for (const table of tables) this.#tables.delete(table);
    this.#checkpoints.delete(projection);
    return Promise.resolve();
  }
}
