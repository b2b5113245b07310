import type { Hono } from "hono";
import { ticketingConfig } from "../../adapters/ticketing/config.ts";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { compose } from "../../src/app/compose.ts";

/**
 * Every route `serve` mounts, on memory stores, built by the same `compose`:
 * what the OpenAPI coverage test compares the document with.
 */
export async function fullHttpApp(): Promise<Hono> {
  const clock = { now: () => 1_800_000_000_000 };
  let id = 0;
  const app = await compose({
    store: new MemoryEventStore({ clock }),
    projectionStore: new MemoryProjectionStore(),
    clock,
    newId: () => `id${String(++id).padStart(8, "0")}`,
    http: { maxBodyBytes: 1 << 20, maxLineBytes: 65536 },
    ticketing: ticketingConfig({}),
    version: "test",
  });
  return app.http;
}
