import type { Database, Key as LmdbKey } from "lmdb";
import {
  type Key,
  KEY_PREFIX_END,
  type KeyPart,
  type KeyValue,
  type ProjectionStore,
  type ProjectionWriter,
  type RangeOptions,
} from "../../ports/projection_store.ts";
import type { LmdbEnvironment } from "./lmdb_env.ts";

// The port's keys are readonly arrays; lmdb-js takes the same values as mutable ones.
const lmdbKey = (key: Key): LmdbKey => key as unknown as LmdbKey;

/** Projection tables as named LMDB databases in the shared environment. */
export class LmdbProjectionStore implements ProjectionStore {
  readonly #environment: LmdbEnvironment;
  readonly #tables = new Map<string, Database<unknown, LmdbKey>>();
  readonly #checkpoints: Database<number, string>;

  constructor(environment: LmdbEnvironment) {
    this.#environment = environment;
    this.#checkpoints = environment.root.openDB({
      name: "projection_checkpoints",
      encoding: "msgpack",
    });
  }

  #table(name: string): Database<unknown, LmdbKey> {
    let table = this.#tables.get(name);
    if (table === undefined) {
      table = this.#environment.root.openDB({ name: `p_${name}`, encoding: "msgpack" });
      this.#tables.set(name, table);
    }
    return table;
  }

  get<T>(table: string, key: Key): T | undefined {
    return this.#table(table).get(lmdbKey(key)) as T | undefined;
  }

  *range<T>(table: string, options: RangeOptions = {}): Iterable<KeyValue<T>> {
    const entries = this.#table(table).getRange(toLmdbRange(options));
    for (const { key, value } of entries) {
      // lmdb-js hands a one-part key back as a bare value.
      const parts = (Array.isArray(key) ? key : [key]) as KeyPart[];
      yield { key: parts, value: value as T };
    }
  }

  count(table: string, prefix?: Key): number {
    return this.#table(table).getKeysCount(prefix === undefined ? {} : toLmdbRange({ prefix }));
  }

  checkpoint(projection: string): number {
    return this.#checkpoints.get(projection) ?? 0;
  }

  async commit(
    projection: string,
    position: number,
    write: (tx: ProjectionWriter) => void,
  ): Promise<void> {
    const writer: ProjectionWriter = {
      get: (table, key) => this.get(table, key),
      range: (table, options) => this.range(table, options),
      count: (table, prefix) => this.count(table, prefix),
      put: (table, key, value) => void this.#table(table).put(lmdbKey(key), value),
      remove: (table, key) => void this.#table(table).remove(lmdbKey(key)),
    };
    await this.#environment.root.transaction(() => {
      write(writer);
      this.#checkpoints.put(projection, position);
    });
  }

  async reset(projection: string, tables: readonly string[]): Promise<void> {
    await this.#environment.root.transaction(() => {
      for (const table of tables) this.#table(table).clearSync();
      this.#checkpoints.remove(projection);
    });
    await this.#environment.root.flushed;
  }
}

function toLmdbRange(options: RangeOptions) {
  const prefix = options.prefix ?? [];
  const start = options.start ?? prefix;
  const end = options.end ?? (prefix.length > 0 ? [...prefix, KEY_PREFIX_END] : undefined);
  const range: {
    start?: LmdbKey;
    end?: LmdbKey;
    reverse?: boolean;
    limit?: number;
    offset?: number;
  } = {};
  if (options.reverse) {
    range.reverse = true;
    if (end !== undefined) range.start = lmdbKey(end);
    if (start.length > 0) range.end = lmdbKey(start);
  } else {
    if (start.length > 0) range.start = lmdbKey(start);
    if (end !== undefined) range.end = lmdbKey(end);
  }
  if (options.limit !== undefined) range.limit = options.limit;
  if (options.offset !== undefined) range.offset = options.offset;
  return range;
}
