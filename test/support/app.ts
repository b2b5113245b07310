import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import type { EventStore } from "../../ports/event_store.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import type { ParsedLog } from "../../domain/log_record.ts";
import type { IngestRequest } from "../../ports/application.ts";
import assert from "node:assert/strict";
import { Loupe, PROJECTIONS } from "../../src/app/loupe.ts";

/** A Loupe on in-memory stores with a fixed clock and counting ids. */
export async function memoryLoupe(
  store: EventStore = new MemoryEventStore({ clock: { now: () => 1_800_000_000_000 } }),
  projectionStore: ProjectionStore = new MemoryProjectionStore(),
): Promise<{ loupe: Loupe; store: EventStore; projectionStore: ProjectionStore }> {
  let id = 0;
  const loupe = await Loupe.start({
    store,
    projectionStore,
    clock: { now: () => 1_800_000_000_000 },
    newId: () => `id${String(++id).padStart(8, "0")}`,
  });
  return { loupe, store, projectionStore };
}

export interface SimpleLine {
  readonly message: string;
  readonly customer?: string;
  readonly timestamp?: number;
  readonly severity?: number;
}

export function requestOf(lines: readonly SimpleLine[], source = "test"): IngestRequest {
  return {
    source,
    format: "jsonl",
    context: {},
    quarantined: [],
    records: lines.map((line, index) => {
      const parsed: ParsedLog = {
        message: line.message,
        attributes: {},
        ...(line.customer === undefined ? {} : { customer: line.customer }),
        ...(line.timestamp === undefined ? {} : { timestamp: line.timestamp }),
        ...(line.severity === undefined
          ? {}
          : { severity: { number: line.severity, text: "ERROR" as const } }),
      };
      return { parsed, line: index + 1 };
    }),
  };
}

/** Every key and value of every table, for comparing two builds of the same log. */
export function dumpTables(
  reader: ProjectionStore,
  tables: readonly string[],
): Record<string, unknown[]> {
  const dump: Record<string, unknown[]> = {};
  for (const table of tables) dump[table] = [...reader.range(table)];
  return dump;
}

/**
 * Asserts that rebuilding every projection from `store`'s log, into a fresh
 * store, gives exactly the tables `projectionStore` holds now.
 */
export async function assertRebuildGivesTheSameTables(
  store: EventStore,
  projectionStore: ProjectionStore,
): Promise<void> {
  const tables = PROJECTIONS.flatMap((p) => p.tables);
  const live = dumpTables(projectionStore, tables);
  const fresh = new MemoryProjectionStore();
  const { loupe: replayed } = await memoryLoupe(store, fresh);
  await replayed.rebuild();
  assert.deepEqual(dumpTables(fresh, tables), live);
}
