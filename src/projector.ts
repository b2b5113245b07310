import type { EventStore } from "../ports/event_store.ts";
import type { ProjectionStore } from "../ports/projection_store.ts";
import type { Projection } from "./projections/projection.ts";

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
  #again = false;
  #stopListening: (() => void) | undefined;

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
      return this.#running.then(() => this.catchUp());
    }
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Follows the log: every append triggers a catch-up. */
  follow(onError: (error: unknown) => void): void {
    this.#stopListening ??= this.#store.onAppend(() => {
      this.catchUp().catch(onError);
    });
  }

  stop(): void {
    this.#stopListening?.();
    this.#stopListening = undefined;
  }

  /** Empties every projection, for a rebuild from position 0. */
  async reset(): Promise<void> {
    await this.#running;
    for (const projection of this.#list) {
      await this.#projections.reset(projection.name, projection.tables);
    }
  }

  async #run(): Promise<number> {
    do {
      this.#again = false;
      let from = this.position();
      for (;;) {
        const events = await this.#store.readAll(from, this.#chunkSize);
        if (events.length === 0) break;
        const reached = events[events.length - 1]!.position;
        // Issued together, the projections' transactions share one commit.
        const commits: Promise<void>[] = [];
        for (const projection of this.#list) {
          const checkpoint = this.#projections.checkpoint(projection.name);
          const unseen = checkpoint <= from
            ? events
            : events.filter((e) => e.position > checkpoint);
          if (unseen.length === 0) continue;
          commits.push(
            this.#projections.commit(projection.name, reached, (tx) => projection.apply(unseen, tx)),
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
