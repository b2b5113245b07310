/**
 * How `serve`, `replay` and `forget` open the event store: with each
 * customer's events sealed by their own keys (the default), or in the clear
 * (`LOUPE_ENCRYPTION=off`, for measurements; such a store cannot forget
 * what it wrote in the clear).
 */
import type { Clock } from "../../ports/clock.ts";
import { keysPath, LmdbEventStore } from "./event_store.ts";
import { LmdbKeyStore } from "./key_store.ts";
import type { LmdbEnvironment } from "./lmdb_env.ts";

export { keysPath };

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
  options: { encryption: boolean; clock?: Clock },
): { store: LmdbEventStore } {
  const store = new LmdbEventStore(environment, {
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.encryption ? { keys: LmdbKeyStore.open(keysPath(environment.path)) } : {}),
    seal: options.encryption,
  });
  return { store };
}
