/**
 * What the entry points of `deno task` share: how a bad command line ends
 * the process, the wall clock, and how a local store is opened and why it
 * could not be. Each entry point keeps its own flags, usage and messages.
 */
import type { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openEventStore } from "../../adapters/lmdb/encryption.ts";
import {
  compactLmdbIfPending,
  type LmdbEnvironment,
  openLmdb,
} from "../../adapters/lmdb/lmdb_env.ts";
import { LmdbProjectionStore } from "../../adapters/lmdb/projection_store.ts";
import type { Clock } from "../../ports/clock.ts";
import { argumentProblem } from "../../adapters/cli/usage.ts";

/** The time of day, for the entry points: the domain gets time only through a Clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Exit status of a command line or setting the task cannot run with. */
export const USAGE_EXIT = 2;

/**
 * What `read` makes of the command line and environment; when it throws,
 * its message (followed by the usage, when given) goes to stderr and the
 * process exits with status 2.
 */
export function parsedOrExit<T>(read: () => T, usage?: string): T {
  try {
    return read();
  } catch (error) {
    exitWithUsage(error, usage);
  }
}

/** As {@linkcode parsedOrExit}, for settings read from files. */
export async function loadedOrExit<T>(read: () => Promise<T>, usage?: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    exitWithUsage(error, usage);
  }
}

function exitWithUsage(error: unknown, usage: string | undefined): never {
  const message = argumentProblem(error);
  console.error(usage === undefined ? message : `${message}\n\n${usage}`);
  Deno.exit(USAGE_EXIT);
}

export interface LocalStore {
  readonly environment: LmdbEnvironment;
  readonly store: LmdbEventStore;
  readonly projectionStore: LmdbProjectionStore;
}

/**
 * The event and projection stores in `dataDir`, after the compaction an
 * erasure left pending (`onCompacted` is told when there was one). Throws
 * what LMDB throws; {@linkcode storeOpenFailure} says it to an operator.
 */
export async function openLocalStore(
  dataDir: string,
  options: { readonly encryption: boolean; readonly clock: Clock; onCompacted?: () => void },
): Promise<LocalStore> {
  if (await compactLmdbIfPending(dataDir)) options.onCompacted?.();
  const environment = openLmdb(dataDir);
  const { store } = openEventStore(environment, {
    encryption: options.encryption,
    clock: options.clock,
  });
  return { environment, store, projectionStore: new LmdbProjectionStore(environment) };
}

/**
 * Why the store in `dataDir` could not be opened, in one sentence an
 * operator can act on: `Cannot <task>: ...`, and what to do before `again`.
 */
export function storeOpenFailure(
  dataDir: string,
  error: unknown,
  task: { readonly cannot: string; readonly again: string },
): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split("\n")[0]!;
  if (
    error instanceof Deno.errors.PermissionDenied ||
    /EACCES|EROFS|read-only|permission/i.test(message)
  ) {
    return `Cannot ${task.cannot}: the data directory ${dataDir} cannot be written (${firstLine}); give this user write access or pass --data with a writable directory.`;
  }
  if (/ENOSPC|No space left/i.test(message)) {
    return `Cannot ${task.cannot}: the disk holding ${dataDir} is full; free some space and ${task.again}.`;
  }
  return `Cannot ${task.cannot}: ${firstLine}`;
}
