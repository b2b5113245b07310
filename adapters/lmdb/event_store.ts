import type { Database } from "lmdb";
import { Pacer } from "../../ports/pacing.ts";
import { createHash } from "node:crypto";
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
import {
  latestRecordTime,
  type Ownership,
  ownersOfAppend,
  PERMANENT,
} from "../../domain/privacy/ownership.ts";
import { LmdbKeyStore } from "./key_store.ts";
import { type DataKey, openLayers, sealLayers } from "./aes_gcm.ts";
import type { Clock, NewId } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import { StorageUnavailableError, type WriteHealth } from "../../ports/storage.ts";
import { type LmdbEnvironment, lmdbSizeBytes } from "./lmdb_env.ts";
import {
  eventRowCodec,
  latestPreencodedTime,
  packEventData,
  unpackEventData,
} from "./row_codec.ts";

/**
 * An event as stored. A sealed one keeps its data only as `sealed` (the
 * 12-byte IV, then the AES-GCM ciphertext of the packed data) and says whose
 * key opens it: the envelope stays readable without the key.
 */
interface EventRow {
  readonly type: string;
  readonly data: unknown;
  readonly stream: string;
  readonly streamVersion: number;
  readonly id: string;
  readonly recordedAt: number;
  readonly owner?: string;
  readonly period?: number;
  /** Customers whose permanent keys seal the data too, under the owner's: see `Ownership`. */
  readonly coOwners?: readonly string[];
  readonly sealed?: Uint8Array<ArrayBuffer>;
}

interface Sealed {
  readonly owner: Ownership;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * The durable event store. Appends run in LMDB write transactions (lmdb-js
 * batches concurrent ones into one commit) and resolve only after the data
 * is flushed to disk.
 */
/** Events sealed at once between two looks at the clock (see {@linkcode Pacer}). */
const SEAL_SLICE = 32;

export class LmdbEventStore implements EventStore {
  readonly #environment: LmdbEnvironment;
  readonly #events: Database<EventRow, number>;
  readonly #streamHeads: Database<number, string>;
  readonly #streamIndex: Database<number, [string, number]>;
  readonly #idempotency: Database<AppendResult, string>;
  /** A ticket's stream belongs to the ticket's customer: `stream -> [customer, period]`. */
  readonly #streamOwners: Database<[string, number], string>;
  readonly #keys: LmdbKeyStore | undefined;
  readonly #seals: boolean;
  readonly #clock: Clock;
  readonly #newId: NewId;
  readonly #listeners = new Set<(head: number, appended: readonly StoredEvent[]) => void>();
  #head: number;
  #writeFailure: { reason: string; since: number } | undefined;

  /**
   * With `keys`, each event's data is sealed with its owner's key (see
   * `domain/privacy/ownership.ts`); without, the keys a store was written
   * with (`<path>/keys`) are opened if they exist, and a store that has none
   * keeps events in the clear and refuses {@linkcode shred}. `seal: false`
   * writes new events in the clear but still opens (and can shred) those
   * sealed before.
   */
  constructor(
    environment: LmdbEnvironment,
    options: { clock?: Clock; newId?: NewId; keys?: LmdbKeyStore; seal?: boolean } = {},
  ) {
    this.#environment = environment;
    const root = environment.root;
    // lmdb-js takes a custom `encoder` its typings do not declare.
    this.#events = root.openDB(
      { name: "events", encoder: eventRowCodec() } as { name: string },
    );
    this.#streamHeads = root.openDB({ name: "stream_heads", encoding: "msgpack" });
    this.#streamIndex = root.openDB({ name: "stream_index", encoding: "msgpack" });
    this.#idempotency = root.openDB({ name: "idempotency", encoding: "msgpack" });
    this.#streamOwners = root.openDB({ name: "stream_owners", encoding: "msgpack" });
    this.#keys = options.keys ?? existingKeys(environment.path);
    this.#seals = options.keys !== undefined && options.seal !== false;
    this.#clock = options.clock ?? systemClock;
    this.#newId = options.newId ?? newUlid;
    this.#head = this.#lastPosition();
  }

  #lastPosition(): number {
    let head = 0;
    for (const key of this.#events.getKeys({ reverse: true, limit: 1 })) head = key;
    return head;
  }

  /** Whether this store can forget: it has keys. */
  get forgets(): boolean {
    return this.#keys !== undefined;
  }

  /** Whether the last commit failed, and why: writes are refused until one succeeds. */
  writeHealth(): WriteHealth {
    const failure = this.#writeFailure;
    return failure === undefined
      ? { state: "ok", reason: null, since: null }
      : { state: "failing", reason: failure.reason, since: failure.since };
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    checkAppend(stream, events);
    const recordedAt = this.#clock.now();
    const ids = events.map(() => this.#newId());
    const idempotencyKey = options.idempotencyKey === undefined
      ? undefined
      : slotKey(idempotencySlot(stream, options.idempotencyKey));
    // Checks come before the first write: lmdb-js cannot roll back an async
    // transaction once the callback has written.
    let stored: StoredEvent[] = [];
    let result: AppendResult;
    try {
      const sealing = this.#seals ? await this.#seal(stream, events) : undefined;
      result = await this.#environment.root.transaction((): AppendResult => {
        if (idempotencyKey !== undefined) {
          const earlier = this.#idempotency.get(idempotencyKey);
          if (earlier !== undefined) {
            if (fingerprintDiffers(earlier, options.fingerprint)) {
              throw new IdempotencyKeyReusedError(stream);
            }
            return { ...earlier, duplicate: true };
          }
        }
        const current = this.#streamHeads.get(stream) ?? 0;
        if (options.expectedVersion !== "any" && options.expectedVersion !== current) {
          throw new ConcurrencyError(stream, options.expectedVersion, current);
        }
        const firstPosition = this.#head + 1;
        stored = events.map((event, index) => {
          const position = firstPosition + index;
          const sealed = sealing?.sealed[index];
          const row: EventRow = {
            type: event.type,
            data: sealed === undefined ? event.data : null,
            stream,
            streamVersion: current + index + 1,
            id: ids[index]!,
            recordedAt,
            ...(sealed === undefined ? {} : {
              owner: sealed.owner.customer,
              period: sealed.owner.period,
              ...(sealed.owner.coOwners === undefined ? {} : { coOwners: sealed.owner.coOwners }),
              sealed: sealed.bytes,
            }),
          };
          this.#events.put(position, row);
          this.#streamIndex.put([stream, row.streamVersion], position);
          return toStored(position, { ...row, data: event.data });
        });
        const newOwner = sealing?.newStreamOwner;
        if (newOwner !== undefined && current === 0) {
          this.#streamOwners.put(stream, [newOwner.customer, newOwner.period]);
        }
        const appended: AppendResult = {
          firstPosition,
          position: firstPosition + events.length - 1,
          streamVersion: current + events.length,
          duplicate: false,
        };
        this.#streamHeads.put(stream, appended.streamVersion);
        if (idempotencyKey !== undefined) {
          this.#idempotency.put(idempotencyKey, {
            ...appended,
            ...(options.fingerprint === undefined ? {} : { fingerprint: options.fingerprint }),
          });
        }
        this.#head = appended.position;
        return appended;
      });
      await this.#environment.root.flushed;
      this.#writeFailure = undefined;
    } catch (error) {
      if (error instanceof ConcurrencyError || error instanceof IdempotencyKeyReusedError) {
        throw error;
      }
      // Nothing of a failed commit is in the log: the head goes back to what is.
      this.#head = this.#lastPosition();
      const reason = storageReason(await commitErrorOf(error));
      this.#writeFailure ??= { reason, since: this.#clock.now() };
      this.#writeFailure = { ...this.#writeFailure, reason };
      throw new StorageUnavailableError(reason);
    }
    if (!result.duplicate && this.#listeners.size > 0) {
      const appended = stored.map((event) => ({ ...event, data: decodedData(event.data) }));
      for (const listener of this.#listeners) listener(result.position, appended);
    }
    return result;
  }

  readAll(after: number, limit: number): Promise<StoredEvent[]> {
    const rows: [number, EventRow][] = [];
    for (const { key, value } of this.#events.getRange({ start: after + 1, limit })) {
      rows.push([key, value]);
    }
    return this.#opened(rows);
  }

  readStream(stream: string, afterVersion = 0): Promise<StoredEvent[]> {
    const rows: [number, EventRow][] = [];
    const range = this.#streamIndex.getRange({
      start: [stream, afterVersion + 1],
      end: [stream, Number.MAX_SAFE_INTEGER],
    });
    for (const { value: position } of range) {
      const row = this.#events.get(position);
      if (row !== undefined) rows.push([position, row]);
    }
    return this.#opened(rows);
  }

  async shred(request: ShredRequest): Promise<ShredResult> {
    if (this.#keys === undefined) {
      throw new LoupeError(
        "unavailable",
        "Cannot erase: this store keeps events unencrypted, so it cannot forget (turn encryption on)",
      );
    }
    const owners = [request.customer, ...(request.origins ?? [])];
    return { keysDeleted: await this.#keys.shred(owners, request.beforeDay) };
  }

  keyOwners(): Promise<string[]> {
    return Promise.resolve(this.#keys?.owners() ?? []);
  }

  shreds(): number {
    return this.#keys?.shreds() ?? 0;
  }

  /**
   * Seals each event's data with its owner's key: one AES-GCM operation per
   * event, so a log batch of thousands of records is one. Keys are made, and
   * flushed, before anything sealed with them is written.
   */
  async #seal(
    stream: string,
    events: readonly NewEvent[],
  ): Promise<{ sealed: Sealed[]; newStreamOwner: Ownership | undefined }> {
    const keys = this.#keys!;
    const known = this.#streamOwners.get(stream);
    const { owners, newStreamOwner } = ownersOfAppend(
      events,
      known === undefined ? undefined : { customer: known[0], period: known[1] },
      (event) => batchLatestTime(event),
    );
    const ownerKeys = await keys.keysFor(owners.flatMap(keyOwners), true);
    const keyStart: number[] = [];
    owners.reduce((start, owner) => {
      keyStart.push(start);
      return start + 1 + (owner.coOwners?.length ?? 0);
    }, 0);
    const sealOne = async (index: number): Promise<Sealed> => {
      const owner = owners[index]!;
      const layers = ownerKeys.slice(keyStart[index], keyStart[index]! + keyOwners(owner).length);
      const bytes = await sealLayers(
        layers as DataKey[],
        packEventData(events[index]!.data) as Uint8Array<ArrayBuffer>,
        sealingContext(events[index]!.type, stream, owner),
      );
      return { owner, bytes };
    };
    // A directory import seals a thousand small events in one append: in
    // slices, with the event loop free between them, as /healthz needs.
    const sealed: Sealed[] = [];
    const pacer = new Pacer();
    for (let from = 0; from < events.length; from += SEAL_SLICE) {
      await pacer.pace();
      const indexes = Array.from(
        { length: Math.min(SEAL_SLICE, events.length - from) },
        (_, k) => from + k,
      );
      sealed.push(...await Promise.all(indexes.map(sealOne)));
    }
    return { sealed, newStreamOwner };
  }

  /** Rows as events, sealed ones opened (or marked unreadable when their key is gone). */
  async #opened(rows: readonly [number, EventRow][]): Promise<StoredEvent[]> {
    if (!rows.some(([, row]) => row.sealed !== undefined)) {
      return rows.map(([position, row]) => toStored(position, row));
    }
    return await Promise.all(rows.map(async ([position, row]) => {
      if (row.sealed === undefined) return toStored(position, row);
      const owner: Ownership = {
        customer: row.owner ?? "",
        period: row.period ?? -1,
        ...(row.coOwners === undefined ? {} : { coOwners: row.coOwners }),
      };
      const store = this.#keys;
      const keys = store === undefined
        ? [undefined]
        : owner.coOwners === undefined
        ? [await store.key(owner, false)]
        : await Promise.all(keyOwners(owner).map((o) => store.key(o, false)));
      if (keys.some((key) => key === undefined)) {
        return { ...toStored(position, row), data: null, unreadable: SHREDDED };
      }
      try {
        const plain = await openLayers(
          keys as DataKey[],
          row.sealed,
          sealingContext(row.type, row.stream, owner),
        );
        return { ...toStored(position, row), data: unpackEventData(plain) };
      } catch {
        return {
          ...toStored(position, row),
          data: null,
          unreadable: "cannot be decrypted (its ciphertext or envelope was altered)",
        };
      }
    }));
  }

  findAppend(stream: string, idempotencyKey: string): Promise<AppendResult | undefined> {
    const earlier = this.#idempotency.get(slotKey(idempotencySlot(stream, idempotencyKey)));
    return Promise.resolve(earlier === undefined ? undefined : { ...earlier, duplicate: true });
  }

  streamVersion(stream: string): Promise<number> {
    return Promise.resolve(this.#streamHeads.get(stream) ?? 0);
  }

  headPosition(): number {
    return this.#head;
  }

  onAppend(listener: (head: number, appended: readonly StoredEvent[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  sizeBytes(): number {
    return lmdbSizeBytes(this.#environment);
  }

  async close(): Promise<void> {
    await this.#keys?.close();
    await this.#environment.close();
  }
}

/** Longest idempotency slot kept as it is; LMDB keys hold at most 1978 bytes. */
const MAX_SLOT_BYTES = 400;

/**
 * The LMDB key of an idempotency slot: a long one is replaced by its SHA-256,
 * so no key, however long, can overflow LMDB's key size.
 */
function slotKey(slot: string): string {
  if (slot.length * 3 <= MAX_SLOT_BYTES) return slot;
  if (new TextEncoder().encode(slot).length <= MAX_SLOT_BYTES) return slot;
  return `sha256:${createHash("sha256").update(slot).digest("hex")}`;
}

/**
 * lmdb-js rejects a failed commit with a generic error whose `commitError`
 * promise carries the cause; nobody else awaits that promise, and left
 * unhandled it would end the process.
 */
export async function commitErrorOf(error: unknown): Promise<unknown> {
  const cause = (error as { commitError?: Promise<unknown> } | null)?.commitError;
  if (cause === undefined || typeof cause.then !== "function") return error;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise((resolve) => timer = setTimeout(() => resolve(error), 100));
  try {
    return await Promise.race([cause.then(() => error, (reason) => reason), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A commit failure as one line a client can act on. */
export function storageReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/ENOSPC|No space left|MDB_MAP_FULL|MDB_MAP_RESIZED|Input\/output error|EIO/i.test(text)) {
    return `the disk is full or failing (${text.split("\n")[0]!.slice(0, 200)})`;
  }
  return `the commit failed (${text.split("\n")[0]!.slice(0, 200)})`;
}

/** The keys a store was written with, if it has any. */
function existingKeys(path: string): LmdbKeyStore | undefined {
  try {
    Deno.statSync(`${keysPath(path)}/data.mdb`);
  } catch {
    return undefined;
  }
  return LmdbKeyStore.open(keysPath(path));
}

/** Where a store's keys live: their own LMDB environment inside the data directory. */
export function keysPath(dataDir: string): string {
  return `${dataDir}/keys`;
}

/** What a sealed event is bound to besides its data: moving it to another envelope fails to open. */
function sealingContext(type: string, stream: string, owner: Ownership): Uint8Array<ArrayBuffer> {
  const coOwners = owner.coOwners === undefined ? "" : `\u0000${owner.coOwners.join("\u0000")}`;
  return new TextEncoder().encode(
    `${type}\u0000${stream}\u0000${owner.customer}\u0000${owner.period}${coOwners}`,
  );
}

/** The keys that seal an event of this owner, outermost first. */
function keyOwners(owner: Ownership): Ownership[] {
  const outer = { customer: owner.customer, period: owner.period };
  if (owner.coOwners === undefined) return [outer];
  return [outer, ...owner.coOwners.map((customer) => ({ customer, period: PERMANENT }))];
}

/** The latest record time of a log batch, however its records arrive. */
function batchLatestTime(event: NewEvent): number | undefined {
  if (event.type !== "LogBatchIngested") return undefined;
  const records = (event.data as { records?: unknown } | null)?.records;
  return latestPreencodedTime(records) ?? latestRecordTime(records);
}

function toStored(position: number, row: EventRow): StoredEvent {
  return {
    position,
    type: row.type,
    data: row.data,
    stream: row.stream,
    streamVersion: row.streamVersion,
    id: row.id,
    recordedAt: row.recordedAt,
  };
}
