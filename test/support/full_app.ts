import type { Hono } from "hono";
import { ticketingConfig } from "../../adapters/ticketing/config.ts";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { compose } from "../../src/app/compose.ts";

/**
 * The whole application as `compose` builds it for `serve`, on memory stores,
 * with a clock stopped at `now`, no remotes configured, and numbered ids.
 */
export async function composeOnMemory(
  now = 1_800_000_000_000,
): Promise<{ app: Awaited<ReturnType<typeof compose>>; store: MemoryEventStore }> {
  const clock = { now: () => now };
  let id = 0;
  const store = new MemoryEventStore({ clock });
  const app = await compose({
    store,
    projectionStore: new MemoryProjectionStore(),
    clock,
    newId: () => `id${String(++id).padStart(8, "0")}`,
    http: { maxBodyBytes: 1 << 20, maxLineBytes: 65536 },
    ticketing: ticketingConfig({}),
    version: "test",
  });
  return { app, store };
}

/**
 * Every route `serve` mounts, on memory stores, built by the same `compose`:
 * what the OpenAPI coverage test compares the document with.
 */
export async function fullHttpApp(): Promise<Hono> {
  return (await composeOnMemory()).app.http;
}
