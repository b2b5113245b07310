import type { StoredLoupeEvent } from "../../ports/event_store.ts";
import type { ProjectionWriter } from "../../ports/projection_store.ts";

/**
 * A read model built from the event log. `apply` must give the same tables
 * whatever way the events are cut into chunks, so live ingest and replay
 * agree byte for byte.
 */
export interface Projection {
  /**
   * Names its checkpoint. A new layout of its tables takes a new name (the
   * `@n` suffix): the store then has no checkpoint for it, and the projector
   * rebuilds it from the event log over emptied tables.
   */
  readonly name: string;
  readonly tables: readonly string[];
  /**
   * True only for the projection that counts skipped events: every other one
   * is given only the events it can use (see screen.ts).
   */
  readonly seesUnusable?: boolean;
  /** Events of a type the projection does not use (or Loupe does not know) are skipped. */
  apply(events: readonly StoredLoupeEvent[], tx: ProjectionWriter): void;
}
