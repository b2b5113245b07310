import { open, type RootDatabase } from "lmdb";

/**
 * One LMDB environment holds the whole of Loupe's state in named databases.
 * Encodings are fixed here once: they cannot change after data exists.
 */
export interface LmdbEnvironment {
  readonly root: RootDatabase;
  readonly path: string;
  close(): Promise<void>;
}

/** Version of the on-disk layout, stored in the environment on first open. */
export const LAYOUT_VERSION = 1;

export interface LmdbOptions {
  /**
   * False skips the flush after each commit: for scratch stores built from
   * data kept elsewhere (a benchmark's fixture), where a crash costs a
   * rebuild. LMDB still keeps every commit atomic. Never for Loupe's own
   * store: acknowledged events must be on disk.
   */
  readonly durable?: boolean;
}

export function openLmdb(path: string, options: LmdbOptions = {}): LmdbEnvironment {
  Deno.mkdirSync(path, { recursive: true });
  const releaseWriter = claimWriter(path);
  const root = open({
    path,
    // Per-value compression costs 8-10x on small values for no size gain.
    compression: false,
    noSync: options.durable === false,
    maxDbs: 64,
    // The map grows on demand; start large enough to avoid early resizes.
    mapSize: 2 ** 34,
  });
  const meta = root.openDB<unknown, string>({ name: "meta", encoding: "msgpack" });
  const layout = meta.get("layout_version");
  if (layout === undefined) {
    meta.putSync("layout_version", LAYOUT_VERSION);
  } else if (layout !== LAYOUT_VERSION) {
    root.close();
    releaseWriter();
    throw new Error(
      `Cannot open store at ${path}: layout version ${layout}, this build reads ${LAYOUT_VERSION}`,
    );
  }
  return {
    root,
    path,
    close: async () => {
      await root.flushed;
      // A read leaves lmdb-js a timer (setTimeout 0) that resets its read transaction; fired
      // after the close, it throws "The transaction is already closed" from nowhere. Timers run
      // in order, so one turn lets it run first.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await root.close();
      releaseWriter();
    },
  };
}

/** Marks a store whose file must be compacted before it is next opened (see {@linkcode compactLmdb}). */
const COMPACT_PENDING = "compact-pending";

/** Asks for {@linkcode compactLmdbIfPending} at the next start: erased data may sit in freed pages. */
export function markCompactionPending(path: string): void {
  Deno.writeTextFileSync(`${path}/${COMPACT_PENDING}`, `${new Date().toISOString()}\n`);
}

/**
 * Rewrites the store's file with only its live pages. LMDB copies on write:
 * rows a rebuild deleted (a forgotten customer's example lines, names) stay
 * in freed pages until those are reused, so after an erasure the file is
 * replaced by a compacted copy. Needs the store closed; takes as long as
 * copying the live data once.
 */
export async function compactLmdb(path: string): Promise<void> {
  const releaseWriter = claimWriter(path);
  const copy = `${path}/compacting`;
  try {
    await Deno.remove(copy, { recursive: true }).catch(() => {});
    Deno.mkdirSync(copy);
    const root = open({ path, compression: false, maxDbs: 64, mapSize: 2 ** 34 });
    try {
      await root.backup(copy, true);
    } finally {
      await root.close();
    }
    Deno.renameSync(`${copy}/data.mdb`, `${path}/data.mdb`);
    await Deno.remove(copy, { recursive: true });
    await Deno.remove(`${path}/${COMPACT_PENDING}`).catch(() => {});
  } finally {
    releaseWriter();
  }
}

/** Compacts the store if an erasure asked for it; true when it did. */
export async function compactLmdbIfPending(path: string): Promise<boolean> {
  try {
    Deno.statSync(`${path}/${COMPACT_PENDING}`);
  } catch {
    return false;
  }
  await compactLmdb(path);
  return true;
}

/** Bytes the environment uses on disk (pages in use, not the sparse map size). */
export function lmdbSizeBytes(environment: LmdbEnvironment): number {
  try {
    return Deno.statSync(`${environment.path}/data.mdb`).blocks! * 512;
  } catch {
    return 0;
  }
}

/**
 * One process writes a store: the signature miner's state follows the log
 * that process appends, so a second writer (`replay --import` next to a
 * running service) would corrupt it. An OS file lock marks the writer; the
 * OS drops it when that process ends, even when it is killed.
 */
function claimWriter(path: string): () => void {
  const lockPath = `${path}/writer.lock`;
  const file = Deno.openSync(lockPath, { read: true, write: true, create: true });
  if (!file.tryLockSync(true)) {
    const holder = new TextDecoder().decode(Deno.readFileSync(lockPath)).trim();
    file.close();
    throw new Error(
      `Cannot open store at ${path}: process ${holder || "?"} is writing to it; stop it first`,
    );
  }
  file.truncateSync(0);
  file.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
  return () => {
    try {
      file.unlockSync();
      file.close();
    } catch {
      // Already released.
    }
  };
}
