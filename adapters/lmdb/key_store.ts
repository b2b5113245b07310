/**
 * The data keys of crypto-shredding: one AES-256-GCM key per customer and
 * period (see `domain/privacy/ownership.ts`), in an LMDB environment of its
 * own (`<data dir>/keys`), apart from the events they seal. Deleting a key
 * is what makes its events unreadable, so it must really go:
 *
 * - its bytes are overwritten with zeros before it is deleted, in the same
 *   transaction;
 * - LMDB copies on write, so the page that held the key is only freed, not
 *   wiped: after every deletion the environment is copied compacted (only
 *   live pages) and the copy replaces the file. The keys file is small
 *   (~100 bytes a key), so this takes milliseconds.
 *
 * What the OS and the disk may still keep (blocks of the replaced file until
 * they are reused, SSD remapping, file-system journals and snapshots,
 * backups, swap) is beyond what a process can wipe; see the README.
 *
 * A key is durable (flushed) before the first event sealed with it is
 * written, so an acknowledged event never outlives its key in a crash.
 *
 * @module
 */
import { open, type RootDatabase } from "lmdb";
import { DEPLOYMENT, type Ownership } from "../../domain/privacy/ownership.ts";
import type { DataKey } from "./aes_gcm.ts";

const KEY_BYTES = 32;

type KeyId = [customer: string, period: number];

/** The `meta` entry counting deletions: see {@linkcode LmdbKeyStore.shreds}. */
const SHREDS = "shreds";

export interface KeyStoreOptions {
  /** False skips the flush after each new key: for scratch stores only (benches). */
  readonly durable?: boolean;
}

/** Per-customer, per-period data keys in their own LMDB environment. */
export class LmdbKeyStore {
  readonly path: string;
  readonly #durable: boolean;
  #root: RootDatabase;
  /** Keys already read; null when the key does not exist (deleted or never made). */
  readonly #cache = new Map<string, DataKey | null>();
  /** Key creations and deletions, one at a time, so a deletion never races a creation. */
  #lane: Promise<unknown> = Promise.resolve();
  /** Counts deletions: a key read while one ran is not cached (it may be gone). */
  #deletions = 0;
  /** While the file is swapped, reads wait on the lane instead. */
  #compacting = false;

  private constructor(path: string, root: RootDatabase, durable: boolean) {
    this.path = path;
    this.#root = root;
    this.#durable = durable;
  }

  static open(path: string, options: KeyStoreOptions = {}): LmdbKeyStore {
    Deno.mkdirSync(path, { recursive: true });
    // A compaction that stopped before its copy replaced the file leaves the copy behind.
    try {
      Deno.removeSync(`${path}.compact`, { recursive: true });
    } catch {
      // None.
    }
    return new LmdbKeyStore(
      path,
      openKeys(path, options.durable !== false),
      options.durable !== false,
    );
  }

  /** The key of an owner and period; made (durably) when `create` and it does not exist. */
  async key(owner: Ownership, create: boolean): Promise<DataKey | undefined> {
    const id = cacheId(owner);
    const cached = this.#cache.get(id);
    if (cached !== undefined && (cached !== null || !create)) return cached ?? undefined;
    // Reads need no lane (a replay opens thousands of keys at once); a read
    // that overlapped a deletion is not kept.
    if (!create && !this.#compacting) {
      const deletions = this.#deletions;
      const raw = this.#keys().get([owner.customer, owner.period]) as Uint8Array | undefined;
      const key = raw === undefined ? null : keyOf(raw);
      if (deletions === this.#deletions && !this.#compacting) this.#cache.set(id, key);
      return key ?? undefined;
    }
    return await this.#inLane(async () => {
      const again = this.#cache.get(id);
      if (again !== undefined && (again !== null || !create)) return again ?? undefined;
      const keys = this.#keys();
      let raw = keys.get([owner.customer, owner.period]) as Uint8Array | undefined;
      if (raw === undefined && create) {
        raw = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
        await keys.put([owner.customer, owner.period], raw);
        if (this.#durable) await this.#root.flushed;
      }
      const key = raw === undefined ? null : keyOf(raw);
      this.#cache.set(id, key);
      return key ?? undefined;
    });
  }

  /**
   * The keys of several owners at once (in their order), the missing ones
   * made in one commit and one flush: a directory import seals one event per
   * customer, and a flush per new key made 50,000 customers take a minute.
   */
  async keysFor(owners: readonly Ownership[], create: boolean): Promise<(DataKey | undefined)[]> {
    const missing = owners.filter((owner) => {
      const cached = this.#cache.get(cacheId(owner));
      return cached === undefined || (cached === null && create);
    });
    if (missing.length <= 1 || !create) {
      return await Promise.all(owners.map((owner) => this.key(owner, create)));
    }
    await this.#inLane(async () => {
      const keys = this.#keys();
      const made: [Ownership, Uint8Array][] = [];
      const writes: Promise<unknown>[] = [];
      for (const owner of new Map(missing.map((o) => [cacheId(o), o])).values()) {
        let raw = keys.get([owner.customer, owner.period]) as Uint8Array | undefined;
        if (raw === undefined) {
          raw = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
          writes.push(keys.put([owner.customer, owner.period], raw));
        }
        made.push([owner, raw]);
      }
      await Promise.all(writes);
      if (writes.length > 0 && this.#durable) await this.#root.flushed;
      for (const [owner, raw] of made) this.#cache.set(cacheId(owner), keyOf(raw));
    });
    return await Promise.all(owners.map((owner) => this.key(owner, create)));
  }

  /**
   * Deletes the keys of a customer, or of several owners at once (a customer
   * and the origins of its records), those of periods before `beforeDay` or
   * all, zeroed first, in one commit: a crash deletes all of them or none.
   * Then compacts the file so no freed page keeps them.
   */
  shred(owners: string | readonly string[], beforeDay?: number): Promise<number> {
    const list = typeof owners === "string" ? [owners] : [...new Set(owners)];
    if (list.includes(DEPLOYMENT)) {
      return Promise.reject(new Error("Cannot shred the deployment's own key"));
    }
    return this.#inLane(async () => {
      const keys = this.#keys();
      // Permanent data (period -1) goes only when the customer is forgotten.
      const doomed = list.flatMap((owner) => {
        const start: KeyId = [owner, beforeDay === undefined ? -Infinity : 0];
        const end: KeyId = [owner, beforeDay ?? Infinity];
        return [...keys.getKeys({ start, end })] as KeyId[];
      });
      if (doomed.length === 0) return 0;
      this.#deletions++;
      const meta = this.#meta();
      await this.#root.transaction(() => {
        for (const id of doomed) {
          keys.put(id, new Uint8Array(KEY_BYTES));
          keys.remove(id);
        }
        meta.put(SHREDS, this.shreds() + 1);
      });
      await this.#root.flushed;
      for (const [customerId, period] of doomed) {
        this.#cache.set(cacheId({ customer: customerId, period }), null);
      }
      await this.#compact();
      return doomed.length;
    });
  }

  /**
   * How many deletions this store has made, ever. Counted in the commit
   * that deletes, so views rebuilt after deletion `n` can say so, and a
   * process killed between a deletion and its rebuild is found out at start.
   */
  shreds(): number {
    return this.#meta().get(SHREDS) ?? 0;
  }

  /**
   * Customers (and origins) that still have at least one key. One look-up
   * per owner, each skipping past that owner's periods: reading every key
   * held the thread 60-190 ms at 183k keys, before each forgetting and each
   * hourly retention run.
   */
  owners(): string[] {
    const keys = this.#keys();
    const owners: string[] = [];
    let start: KeyId | undefined;
    for (;;) {
      const [next] = keys.getKeys({ ...(start === undefined ? {} : { start }), limit: 1 });
      if (next === undefined) return owners;
      const [customer] = next as KeyId;
      if (customer !== DEPLOYMENT) owners.push(customer);
      start = [customer, Infinity];
    }
  }

  /** Keys held, for tests and benches. */
  count(): number {
    return this.#keys().getCount();
  }

  async close(): Promise<void> {
    await this.#lane.catch(() => {});
    await this.#root.flushed;
    await this.#root.close();
  }

  #keys() {
    return this.#root.openDB<Uint8Array, KeyId>({ name: "keys", encoding: "binary" });
  }

  #meta() {
    return this.#root.openDB<number, string>({ name: "meta", encoding: "msgpack" });
  }

  #inLane<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#lane.then(work, work);
    this.#lane = run.catch(() => {});
    return run;
  }

  /** Replaces the file by a compacted copy of its live pages. */
  async #compact(): Promise<void> {
    this.#compacting = true;
    try {
      await this.#replaceByCopy();
    } finally {
      this.#compacting = false;
    }
  }

  async #replaceByCopy(): Promise<void> {
    const copy = `${this.path}.compact`;
    await Deno.remove(copy, { recursive: true }).catch(() => {});
    await Deno.mkdir(copy);
    await this.#root.backup(copy, true);
    await this.#root.close();
    await Deno.rename(`${copy}/data.mdb`, `${this.path}/data.mdb`);
    await Deno.remove(copy, { recursive: true });
    this.#root = openKeys(this.path, this.#durable);
  }
}

function openKeys(path: string, durable: boolean): RootDatabase {
  return open({ path, compression: false, noSync: !durable, maxDbs: 4 });
}

/** A key of its own: lmdb-js may reuse the buffer a read returned. */
function keyOf(raw: Uint8Array): DataKey {
  return new Uint8Array(raw);
}

function cacheId(owner: Ownership): string {
  return `${owner.period}\u0000${owner.customer}`;
}
