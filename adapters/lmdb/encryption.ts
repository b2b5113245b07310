/**
 * How `serve`, `replay` and `forget` open the event store: with each
 * customer's events sealed by their own keys (the default), or in the clear
 * (`LOUPE_ENCRYPTION=off`, for measurements; such a store cannot forget).
 */
import type { Clock } from "../../ports/clock.ts";
import { LmdbEventStore } from "./event_store.ts";
import { LmdbKeyStore } from "./key_store.ts";
import type { LmdbEnvironment } from "./lmdb_env.ts";

/** Where the keys live: their own LMDB environment inside the data directory. */
export function keysPath(dataDir: string): string {
  return `${dataDir}/keys`;
}

/** `LOUPE_ENCRYPTION`: on (default) or off; anything else is refused. */
export function encryptionOn(env: Record<string, string | undefined>): boolean {
  const value = (env.LOUPE_ENCRYPTION ?? "on").trim().toLowerCase();
  if (value === "on" || value === "") return true;
  if (value === "off") return false;
  throw new Error(`Invalid configuration: LOUPE_ENCRYPTION must be on or off, not "${value}"`);
}

/**
 * The event store over an opened environment. With encryption off, keys
 * already made are still opened, so events sealed before stay readable.
 */
export function openEventStore(
  environment: LmdbEnvironment,
  options: { encryption: boolean; clock?: Clock; durable?: boolean },
): { store: LmdbEventStore; keys: LmdbKeyStore | undefined } {
  const path = keysPath(environment.path);
  const keysExist = (() => {
    try {
      return Deno.statSync(`${path}/data.mdb`).isFile;
    } catch {
      return false;
    }
  })();
  const keys = options.encryption || keysExist
    ? LmdbKeyStore.open(path, { durable: options.durable !== false })
    : undefined;
  const store = new LmdbEventStore(environment, {
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(keys === undefined ? {} : { keys }),
    seal: options.encryption,
  });
  return { store, keys };
}
