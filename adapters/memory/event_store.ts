import { newUlid } from "../ulid_ids.ts";
import {
  type AppendOptions,
  type AppendResult,
  checkAppend,
  ConcurrencyError,
  decodedData,
  type EventStore,
  fingerprintDiffers,
  IdempotencyKeyReusedError,
  idempotencySlot,
  type NewEvent,
  SHREDDED,
  type ShredRequest,
  type ShredResult,
  type StoredEvent,
} from "../../ports/event_store.ts";
import { type Ownership, ownersOfAppend, PERMANENT } from "../../domain/privacy/ownership.ts";
import type { Clock, NewId } from "../../ports/clock.ts";

/**
 * A real event store kept in memory: it passes the same contract suite as the
 * LMDB one, for tests and for `deno task mine`-style one-shot runs.
 */
export class MemoryEventStore implements EventStore {
  readonly #events: StoredEvent[] = [];
  readonly #streams = new Map<string, StoredEvent[]>();
  readonly #idempotency = new Map<string, AppendResult>();
  readonly #listeners = new Set<(head: number, appended: readonly StoredEvent[]) => void>();
  readonly #clock: Clock;
  readonly #newId: NewId;
  /** Whose each event is (by position - 1), as the LMDB store keys it; nothing is encrypted here. */
  readonly #owners: Ownership[] = [];
  readonly #streamOwners = new Map<string, Ownership>();
  /** Keys that exist, `period \0 customer`: what forgetting deletes. */
  readonly #keys = new Set<string>();
  #shreds = 0;
  #bytes = 0;

  constructor(options: { clock?: Clock; newId?: NewId } = {}) {
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#newId = options.newId ?? newUlid;
  }

  append(
    stream: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    try {
      checkAppend(stream, events);
    } catch (error) {
      return Promise.reject(error);
    }
    const idempotencyKey = options.idempotencyKey === undefined
      ? undefined
      : idempotencySlot(stream, options.idempotencyKey);
    if (idempotencyKey !== undefined) {
      const earlier = this.#idempotency.get(idempotencyKey);
      if (earlier !== undefined) {
        if (fingerprintDiffers(earlier, options.fingerprint)) {
          return Promise.reject(new IdempotencyKeyReusedError(stream));
        }
        return Promise.resolve({ ...earlier, duplicate: true });
      }
    }
    const streamEvents = this.#streams.get(stream) ?? [];
    const current = streamEvents.length;
    if (options.expectedVersion !== "any" && options.expectedVersion !== current) {
      return Promise.reject(new ConcurrencyError(stream, options.expectedVersion, current));
    }
    const { owners, newStreamOwner } = ownersOfAppend(
      events.map((event) => ({ type: event.type, data: decodedData(event.data) })),
      this.#streamOwners.get(stream),
    );
    if (newStreamOwner !== undefined && current === 0) {
      this.#streamOwners.set(stream, newStreamOwner);
    }
    for (const owner of owners) {
      this.#owners.push(owner);
      this.#keys.add(keyId(owner));
      for (const customer of owner.coOwners ?? []) {
        this.#keys.add(keyId({ customer, period: PERMANENT }));
      }
    }
    const recordedAt = this.#clock.now();
    const firstPosition = this.#events.length + 1;
    const appended: StoredEvent[] = [];
    events.forEach((event, index) => {
      // A deep copy, so later changes by the caller cannot rewrite history.
      const stored: StoredEvent = {
        type: event.type,
        data: structuredClone(decodedData(event.data)),
        position: firstPosition + index,
        stream,
        streamVersion: current + index + 1,
        id: this.#newId(),
        recordedAt,
      };
      this.#events.push(stored);
      streamEvents.push(stored);
      appended.push(stored);
      this.#bytes += JSON.stringify(stored).length;
    });
    this.#streams.set(stream, streamEvents);
    const result: AppendResult = {
      firstPosition,
      position: this.#events.length,
      streamVersion: streamEvents.length,
      duplicate: false,
    };
    if (idempotencyKey !== undefined) {
      this.#idempotency.set(idempotencyKey, {
        ...result,
        ...(options.fingerprint === undefined ? {} : { fingerprint: options.fingerprint }),
      });
    }
    for (const listener of this.#listeners) listener(result.position, appended);
    return Promise.resolve(result);
  }

  readAll(after: number, limit: number): Promise<StoredEvent[]> {
    return Promise.resolve(this.#events.slice(after, after + limit).map(cloneEvent));
  }

  readStream(stream: string, afterVersion = 0): Promise<StoredEvent[]> {
    return Promise.resolve((this.#streams.get(stream) ?? []).slice(afterVersion).map(cloneEvent));
  }

  findAppend(stream: string, idempotencyKey: string): Promise<AppendResult | undefined> {
    const earlier = this.#idempotency.get(idempotencySlot(stream, idempotencyKey));
    return Promise.resolve(earlier === undefined ? undefined : { ...earlier, duplicate: true });
  }

  streamVersion(stream: string): Promise<number> {
    return Promise.resolve(this.#streams.get(stream)?.length ?? 0);
  }

  headPosition(): number {
    return this.#events.length;
  }

  onAppend(listener: (head: number, appended: readonly StoredEvent[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  sizeBytes(): number {
    return this.#bytes;
  }

  /** Forgets as the LMDB store does: the events of the deleted keys lose their data for good. */
  shred(request: ShredRequest): Promise<ShredResult> {
    const owners = new Set([request.customer, ...(request.origins ?? [])]);
    const doomed = (owner: Ownership) =>
      owners.has(owner.customer) &&
      (request.beforeDay === undefined || (owner.period >= 0 && owner.period < request.beforeDay));
    let keysDeleted = 0;
    for (const id of [...this.#keys]) {
      const [period, customer] = id.split("\u0000") as [string, string];
      if (doomed({ customer, period: Number(period) })) {
        this.#keys.delete(id);
        keysDeleted++;
      }
    }
    // An event about several customers goes with any one of them.
    const sealedBy = (owner: Ownership) =>
      doomed(owner) ||
      (owner.coOwners ?? []).some((customer) => doomed({ customer, period: PERMANENT }));
    this.#events.forEach((event, index) => {
      if (event.unreadable !== undefined || !sealedBy(this.#owners[index]!)) return;
      const shredded: StoredEvent = { ...event, data: null, unreadable: SHREDDED };
      this.#events[index] = shredded;
      const stream = this.#streams.get(event.stream)!;
      stream[event.streamVersion - 1] = shredded;
    });
    if (keysDeleted > 0) this.#shreds++;
    return Promise.resolve({ keysDeleted });
  }

  shreds(): number {
    return this.#shreds;
  }

  keyOwners(): Promise<string[]> {
    const owners = new Set<string>();
    for (const id of this.#keys) {
      const customer = id.slice(id.indexOf("\u0000") + 1);
      if (customer !== "") owners.add(customer);
    }
    return Promise.resolve([...owners].sort());
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function keyId(owner: Ownership): string {
  return `${owner.period}\u0000${owner.customer}`;
}

function cloneEvent(event: StoredEvent): StoredEvent {
  return { ...event, data: structuredClone(event.data) };
}
