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

export function openLmdb(path: string): LmdbEnvironment {
  Deno.mkdirSync(path, { recursive: true });
  const root = open({
    path,
    // Per-value compression costs 8-10x on small values for no size gain.
    compression: false,
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
    throw new Error(
      `Cannot open store at ${path}: layout version ${layout}, this build reads ${LAYOUT_VERSION}`,
    );
  }
  return {
    root,
    path,
    close: async () => {
      await root.flushed;
      await root.close();
    },
  };
}

/** Bytes the environment uses on disk (pages in use, not the sparse map size). */
export function lmdbSizeBytes(environment: LmdbEnvironment): number {
  try {
    return Deno.statSync(`${environment.path}/data.mdb`).blocks! * 512;
  } catch {
    return 0;
  }
}
