import {
  type EventStore,
  loupeEvents,
  RECORD_GROUPS,
  type RecordGroups,
  type StoredEvent,
} from "../../ports/event_store.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import type { Projection } from "../projections/projection.ts";
import { usableEvents } from "../projections/screen.ts";

/** Most events in one chunk when none of them is a log batch. */
const SMALL_EVENTS_PER_CHUNK = 256;

/**
 * Most log records applied in one chunk (a chunk still takes at least one
 * event): applying is one synchronous transaction, and 16 batches of 10,000
 * records would hold the thread that answers /healthz for far too long.
 */
const RECORDS_PER_CHUNK = 10_000;

/**
 * Most appended events kept for projection without a read back (which would
 * decrypt each again): 64 log batches, or 64 × 64 small events (a customer
 * or ticket import appends thousands in one go).
 */
const RECENT_LIMIT = 64 * 64;

/** A log batch counts as 64 small events against {@linkcode RECENT_LIMIT}. */
function recentWeight(event: StoredEvent): number {
  return event.type === "LogBatchIngested" ? 64 : 1;
}

export interface ProjectorOptions {
  /** Events applied per projection transaction. */
  readonly chunkSize?: number;
  /** Called after each chunk with the position reached, for progress reports. */
  readonly onProgress?: (position: number) => void;
}

/**
 * Keeps projections up to date with the event log. Catch-ups never overlap:
 * a request during one is served by the next.
 */
export class Projector {
  readonly #store: EventStore;
  readonly #projections: ProjectionStore;
  readonly #list: readonly Projection[];
  readonly #chunkSize: number;
  readonly #onProgress: ((position: number) => void) | undefined;
  #running: Promise<number> | undefined;
  #followUp: Promise<number> | undefined;
  #tablesChecked = false;
  #again = false;
  #stopListening: (() => void) | undefined;
  /** Events just appended, by position: applied without reading them back. */
  readonly #recent = new Map<number, StoredEvent>();
  #recentWeight = 0;

  constructor(
    store: EventStore,
    projectionStore: ProjectionStore,
    projections: readonly Projection[],
    options: ProjectorOptions = {},
  ) {
    this.#store = store;
    this.#projections = projectionStore;
    this.#list = projections;
    // Ingest events carry up to 10k records each: a small event count bounds memory.
    this.#chunkSize = options.chunkSize ?? 16;
    this.#onProgress = options.onProgress;
  }

  /** The position every projection has reached. */
  position(): number {
    return Math.min(...this.#list.map((p) => this.#projections.checkpoint(p.name)));
  }

  /** Events appended but not yet in every projection. */
  lag(): number {
    return this.#store.headPosition() - this.position();
  }

  /** Applies every event appended so far; resolves with the position reached. */
  catchUp(): Promise<number> {
    if (this.#running !== undefined) {
      this.#again = true;
      // Every caller during a run shares one follow-up run: a chain per caller
      // made n appends during a run cost n runs after it, each chaining the
      // rest again (a 2,000-ticket import spent seconds in them).
      if (this.#followUp === undefined) {
        const followUp: Promise<number> = this.#running.then(
          () => undefined,
          () => undefined,
        ).then(() => {
          if (this.#followUp === followUp) this.#followUp = undefined;
          return this.catchUp();
        });
        this.#followUp = followUp;
      }
      return this.#followUp;
    }
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Follows the log: every append triggers a catch-up. */
  follow(onError: (error: unknown) => void): void {
    this.#stopListening ??= this.#store.onAppend((_head, appended) => {
      // Bounded: a projector that falls behind reads from the store instead.
      const weight = appended.reduce((sum, event) => sum + recentWeight(event), 0);
      if (this.#recentWeight + weight <= RECENT_LIMIT) {
        for (const event of appended) this.#keepRecent(event);
      }
      this.catchUp().catch(onError);
    });
  }

  stop(): void {
    this.#stopListening?.();
    this.#stopListening = undefined;
    this.#recent.clear();
    this.#recentWeight = 0;
  }

  /** Empties every projection, for a rebuild from position 0. */
  async reset(): Promise<void> {
    await this.#running;
    for (const projection of this.#list) {
      await this.#projections.reset(projection.name, projection.tables);
    }
  }

  #keepRecent(event: StoredEvent): void {
    if (this.#recent.has(event.position)) return;
    this.#recent.set(event.position, event);
    this.#recentWeight += recentWeight(event);
  }

  /** The events after `from` if the recent ones hold them, in order. */
  #takeRecent(from: number): StoredEvent[] | undefined {
    const events: StoredEvent[] = [];
    for (let position = from + 1; events.length < this.#chunkSize; position++) {
      const event = this.#recent.get(position);
      if (event === undefined) break;
      events.push(event);
    }
    for (const [position, event] of this.#recent) {
      if (position <= from + events.length) {
        this.#recent.delete(position);
        this.#recentWeight -= recentWeight(event);
      }
    }
    return events.length > 0 ? events : undefined;
  }

  /**
   * Small events (customers, tickets) come in runs of thousands from a bulk
   * import: a chunk of them grows to {@linkcode SMALL_EVENTS_PER_CHUNK} so the
   * run costs a few commits, not one per 16 events. A log batch stops it,
   * which keeps memory bounded by the chunk size as before.
   */
  async #widen(events: StoredEvent[]): Promise<void> {
    while (
      events.length < SMALL_EVENTS_PER_CHUNK &&
      !events.some((event) => event.type === "LogBatchIngested")
    ) {
      // The recent appends first: reading them back would open (decrypt) each again.
      const last = events[events.length - 1]!.position;
      const more = this.#takeRecent(last) ?? await this.#store.readAll(last, this.#chunkSize);
      if (more.length === 0) return;
      for (const event of more) events.push(event);
    }
  }

  /** Cuts a chunk down to {@linkcode RECORDS_PER_CHUNK}; what is cut comes in the next one. */
  #trim(events: StoredEvent[]): void {
    let records = 0;
    for (let i = 0; i < events.length; i++) {
      records += recordCount(events[i]!);
      if (records > RECORDS_PER_CHUNK && i > 0) {
        for (const event of events.splice(i)) {
          if (this.#recentWeight + recentWeight(event) <= RECENT_LIMIT) this.#keepRecent(event);
        }
        return;
      }
    }
  }

  async #run(): Promise<number> {
    if (!this.#tablesChecked) {
      // Tables a projection has no checkpoint for hold another layout's rows (or
      // nothing): it starts again from position 0 over empty ones.
      for (const projection of this.#list) {
        const stale = this.#projections.checkpoint(projection.name) === 0 &&
          projection.tables.some((table) => this.#projections.count(table) > 0);
        if (stale) await this.#projections.reset(projection.name, projection.tables);
      }
      this.#tablesChecked = true;
    }
    do {
      this.#again = false;
      let from = this.position();
      for (;;) {
        const events = this.#takeRecent(from) ?? await this.#store.readAll(from, this.#chunkSize);
        if (events.length === 0) break;
        await this.#widen(events);
        this.#trim(events);
        const reached = events[events.length - 1]!.position;
        // Issued together, the projections' transactions share one commit.
        const commits: Promise<void>[] = [];
        const usable = usableEvents(events);
        for (const projection of this.#list) {
          const checkpoint = this.#projections.checkpoint(projection.name);
          const given = projection.seesUnusable ? events : usable;
          const unseen = checkpoint <= from ? given : given.filter((e) => e.position > checkpoint);
          if (unseen.length === 0) {
            // Its checkpoint still moves past events it skipped.
            if (checkpoint < reached) {
              commits.push(this.#projections.commit(projection.name, reached, () => {}));
            }
            continue;
          }
          commits.push(
            this.#projections.commit(
              projection.name,
              reached,
              (tx) => projection.apply(loupeEvents(unseen), tx),
            ),
          );
        }
        await Promise.all(commits);
        from = reached;
        this.#onProgress?.(reached);
      }
    } while (this.#again);
    return this.position();
  }
}

function recordCount(event: StoredEvent): number {
  if (event.type !== "LogBatchIngested" || event.data === null) return 0;
  // Counted without building the records of a batch kept in groups.
  const grouped = (event.data as { [RECORD_GROUPS]?: RecordGroups })[RECORD_GROUPS];
  if (grouped !== undefined) return grouped.count;
  const records = (event.data as { records?: { length?: unknown } }).records;
  return typeof records?.length === "number" ? records.length : 0;
}
