import type { LogBatchIngestedData } from "../../domain/events.ts";
import type { AppendResult, EventStore, NewEvent, StoredEvent } from "../../ports/event_store.ts";

/** A time range of records, epoch ms: `from` inclusive, `to` exclusive; open ends unbounded. */
export interface RecordRange {
  readonly from?: number;
  readonly to?: number;
}

/**
 * The event log as if it held only the records of a time range: ingest
 * batches keep their records inside it (and their quarantined lines only
 * when some record is inside); every other event is kept. Projections built
 * from it answer "as of the end of the range, over that range" — the reports
 * for a historical period. Read-only.
 */
export class EventsWithin implements EventStore {
  readonly #store: EventStore;
  readonly #from: number;
  readonly #to: number;

  constructor(store: EventStore, range: RecordRange) {
    this.#store = store;
    this.#from = range.from ?? -Infinity;
    this.#to = range.to ?? Infinity;
  }

  async readAll(after: number, limit: number): Promise<StoredEvent[]> {
    return (await this.#store.readAll(after, limit)).map((event) => this.#within(event));
  }

  async readStream(stream: string, afterVersion?: number): Promise<StoredEvent[]> {
    return (await this.#store.readStream(stream, afterVersion)).map((event) => this.#within(event));
  }

  #within(event: StoredEvent): StoredEvent {
    if (event.type !== "LogBatchIngested" || event.unreadable !== undefined) return event;
    const batch = event.data as LogBatchIngestedData;
    const records = batch.records.filter((r) =>
      r.timestamp >= this.#from && r.timestamp < this.#to
    );
    if (records.length === batch.records.length) return event;
    const data: LogBatchIngestedData = {
      ...batch,
      records,
      quarantined: records.length > 0 ? batch.quarantined : [],
    };
    return { ...event, data };
  }

  append(_stream: string, _events: readonly NewEvent[]): Promise<AppendResult> {
    return Promise.reject(new Error("Cannot append to a view of the event log over a time range"));
  }

  findAppend(stream: string, idempotencyKey: string): Promise<AppendResult | undefined> {
    return this.#store.findAppend(stream, idempotencyKey);
  }

  streamVersion(stream: string): Promise<number> {
    return this.#store.streamVersion(stream);
  }

  headPosition(): number {
    return this.#store.headPosition();
  }

  onAppend(listener: (head: number, appended: readonly StoredEvent[]) => void): () => void {
    return this.#store.onAppend((head, appended) =>
      listener(head, appended.map((event) => this.#within(event)))
    );
  }

  sizeBytes(): number {
    return this.#store.sizeBytes();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
