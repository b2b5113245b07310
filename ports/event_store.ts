import type { LogBatchIngestedData, LoupeEvent, StoredRecord } from "../domain/events.ts";
import type { WriteHealth } from "./storage.ts";

/**
 * An event as the core writes it: plain JSON-safe data, named in the past
 * tense. A field of the data may be {@linkcode Preencoded}.
 */
export interface NewEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}

/**
 * A field of an event's data that was encoded ahead, off the thread that
 * appends: a file import encodes a batch's records on the thread that parses
 * them, so the appending thread never builds them as objects. A store that
 * keeps `format` writes `bytes` as they are; any other store keeps
 * `decode()`. Readers always see the decoded value.
 */
export interface Preencoded {
  readonly preencoded: string;
  readonly bytes: Uint8Array;
  decode(): unknown;
  /**
   * Puts the decoded value at `data[key]`, decoded only when and as far as
   * it is read; where given, readers get this instead of `decode()`.
   */
  attachTo?(data: Record<string, unknown>, key: string): void;
}

export function isPreencoded(value: unknown): value is Preencoded {
  return value !== null && typeof value === "object" &&
    typeof (value as Partial<Preencoded>).preencoded === "string";
}

/** The event's data with its preencoded fields decoded: what readers are given. */
export function decodedData(data: unknown): unknown {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return data;
  let decoded: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(data)) {
    if (!isPreencoded(value)) continue;
    decoded ??= { ...data };
    if (value.attachTo === undefined) decoded[key] = value.decode();
    else value.attachTo(decoded, key);
  }
  return decoded ?? data;
}

/**
 * A log batch's records in groups of consecutive records, each summarised
 * by its time range and the severities it holds, so a reader after a window
 * or a level decodes only the groups that can have them. What a store that
 * keeps records grouped attaches to a batch's data under
 * {@linkcode RECORD_GROUPS}; {@linkcode recordGroupsOf} gives any batch's.
 */
export interface RecordGroups {
  readonly groups: readonly RecordGroupSummary[];
  /** Records in all the groups. */
  readonly count: number;
  /** The records of one group, in batch order. */
  records(group: number): readonly StoredRecord[];
  /**
   * One field of a group's records, in batch order, without building the
   * records: projections count by time, severity and signature, and the
   * messages and attributes they never read were most of what building
   * every record cost.
   */
  field<K extends keyof StoredRecord>(group: number, key: K): ArrayLike<StoredRecord[K]>;
  /** The record at `offset` in a group, building no other: an example line of thousands. */
  record(group: number, offset: number): StoredRecord | undefined;
}

export interface RecordGroupSummary {
  /** Index in the batch of the group's first record. */
  readonly first: number;
  /** Earliest and latest record time; unknown ranges are -Infinity and Infinity. */
  readonly earliest: number;
  readonly latest: number;
  /** Bit n set when a record has severity number n (31: 31 and above). */
  readonly severities: number;
}

/** Not enumerable on the data it is attached to: readers of records never see it. */
export const RECORD_GROUPS: unique symbol = Symbol("loupe.record-groups");

/** Every severity a group may hold, when nothing tells which. */
export const ANY_SEVERITY = 0xffffffff;

/** The severity bit of a record with this severity number. */
export function severityBit(severityNumber: number): number {
  return 1 << Math.min(31, Math.max(0, Math.floor(severityNumber) || 0));
}

/** Whether a group with these severity bits may hold a record of `minSeverity` or above. */
export function mayHoldSeverity(severities: number, minSeverity: number): boolean {
  const lowest = Math.min(31, Math.max(0, Math.floor(minSeverity) || 0));
  return (severities >>> lowest) !== 0;
}

/** A batch's record groups: the store's when it kept any, else all the records as one group. */
export function recordGroupsOf(data: LogBatchIngestedData): RecordGroups {
  const grouped = (data as { [RECORD_GROUPS]?: RecordGroups })[RECORD_GROUPS];
  if (grouped !== undefined) return grouped;
  return {
    groups: [{ first: 0, earliest: -Infinity, latest: Infinity, severities: ANY_SEVERITY }],
    count: data.records.length,
    records: () => data.records,
    field: (_group, key) => data.records.map((record) => record[key]),
    record: (_group, offset) => data.records[offset],
  };
}

/** A batch's record `index` (in batch order), building no other record. */
export function recordAt(grouped: RecordGroups, index: number): StoredRecord | undefined {
  const { groups } = grouped;
  let low = 0;
  let high = groups.length - 1;
  // The last group whose first record is at or before `index`.
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (groups[middle]!.first <= index) low = middle;
    else high = middle - 1;
  }
  const group = groups[low];
  if (group === undefined || index < group.first) return undefined;
  return grouped.record(low, index - group.first);
}

/** An event as the store keeps it. */
export interface StoredEvent<T extends string = string, D = unknown> extends NewEvent<T, D> {
  /** Global position, from 1, dense and strictly increasing across all streams. */
  readonly position: number;
  readonly stream: string;
  /** Version of the event within its stream, from 1. */
  readonly streamVersion: number;
  readonly id: string;
  /** Epoch milliseconds at append. */
  readonly recordedAt: number;
  /**
   * Set when the event can no longer be read (its key was deleted: the
   * customer was forgotten, or the period is past retention): why, and its
   * data is null. The envelope (type, stream, position) stays readable.
   */
  readonly unreadable?: string;
}

/** A stored event whose `type` tells its data: switch on `type` to read it. */
export type StoredLoupeEvent = StoredEvent & LoupeEvent;

/**
 * The events read from a store, typed by what Loupe appends. The store keeps
 * data untyped; this is the one place that says it is what Loupe wrote, as
 * every append goes through the typed use cases. An event of a type Loupe
 * does not know stays in the list and matches no case of a switch, so
 * projections skip it exactly as before.
 */
export function loupeEvents(events: readonly StoredEvent[]): readonly StoredLoupeEvent[] {
  return events as readonly StoredLoupeEvent[];
}

/** Why an event whose key was deleted reads as unreadable. */
export const SHREDDED = "shredded (its customer was forgotten or its period is past retention)";

/** What {@linkcode EventStore.shred} deletes: one customer's keys, all or those of old periods. */
export interface ShredRequest {
  readonly customer: string;
  /**
   * Other key owners whose keys go in the same deletion, all or none: the
   * origins of log records the directory says are the customer's (see
   * `keyOwnersOfCustomer` in `domain/privacy/ownership.ts`).
   */
  readonly origins?: readonly string[];
  /** Only the periods (UTC day numbers) before this day; every key of the customer when absent. */
  readonly beforeDay?: number;
}

export interface ShredResult {
  /** Keys (customer and period) deleted. */
  readonly keysDeleted: number;
}

/**
 * What the appender believes about the stream: its exact current version
 * (0 = the stream does not exist yet), or `"any"` to skip the check.
 */
export type ExpectedVersion = number | "any";

export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
  /**
   * A retried append with the same key writes nothing and returns the first
   * append's result, so a client may resend a request it never got an answer to.
   */
  readonly idempotencyKey?: string;
  /**
   * What the keyed request said (a hash of its body): the key is bound to it,
   * and the same key with another fingerprint is refused with
   * {@linkcode IdempotencyKeyReusedError} instead of answered as a duplicate.
   */
  readonly fingerprint?: string;
}

export interface AppendResult {
  /** Position of the last event appended (or of the original append on a duplicate). */
  readonly position: number;
  readonly firstPosition: number;
  readonly streamVersion: number;
  /** True when the idempotency key had been used: nothing was written this time. */
  readonly duplicate: boolean;
  /** The fingerprint the idempotency key was first used with, if any. */
  readonly fingerprint?: string;
}

/**
 * The append-only log of every fact Loupe knows. No update, no delete.
 * An append is acknowledged only once it is durable. Event data is JSON-safe
 * and has no `__proto__` keys (parsers rename those; a store may too).
 */
export interface EventStore {
  append(
    stream: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult>;
  /** Events with position > `after`, in order, at most `limit` of them. */
  readAll(after: number, limit: number): Promise<StoredEvent[]>;
  /** Events of one stream with version > `afterVersion`, in order. */
  readStream(stream: string, afterVersion?: number): Promise<StoredEvent[]>;
  /** The result of an earlier append made with this idempotency key, if any. */
  findAppend(stream: string, idempotencyKey: string): Promise<AppendResult | undefined>;
  /** Current version of a stream, 0 when it has no events. */
  streamVersion(stream: string): Promise<number>;
  /** Position of the last appended event, 0 when empty. */
  headPosition(): number;
  /**
   * Called after each durable append with the new head position and the
   * events just stored (shared, not copies: listeners must not change them).
   */
  onAppend(listener: (head: number, appended: readonly StoredEvent[]) => void): () => void;
  /** Bytes used on disk (or in memory) by the store. */
  sizeBytes(): number;
  /** Whether writes currently fail (disk full, I/O error), and why; a store that cannot fail omits it. */
  writeHealth?(): WriteHealth;
  /**
   * Crypto-shredding: deletes a customer's keys (all of them, or those of
   * periods before a day), so every event sealed with them reads back
   * {@linkcode SHREDDED} from now on. Durable when it resolves. A store that
   * cannot forget omits it.
   */
  shred?(request: ShredRequest): Promise<ShredResult>;
  /** Customers that still have keys (readable data), for retention. */
  keyOwners?(): Promise<string[]>;
  /**
   * How many {@linkcode shred}s deleted keys, ever (durable with each one):
   * views built before the last one may still hold what it made unreadable.
   */
  shreds?(): number;
  close(): Promise<void>;
}

/** The stream was not at the version the appender expected. */
export class ConcurrencyError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`Cannot append to stream ${stream}: expected version ${expected}, found ${actual}`);
    this.name = "ConcurrencyError";
  }
}

/** An idempotency key used again for a request that says something else. */
export class IdempotencyKeyReusedError extends Error {
  constructor(readonly stream: string) {
    super(
      `Cannot reuse the idempotency key: it was used for a different request on ${stream}; send a new key`,
    );
    this.name = "IdempotencyKeyReusedError";
  }
}

/** True when an earlier keyed append was made for another request. */
export function fingerprintDiffers(
  earlier: AppendResult,
  fingerprint: string | undefined,
): boolean {
  return fingerprint !== undefined && earlier.fingerprint !== undefined &&
    earlier.fingerprint !== fingerprint;
}

/** An event that cannot be stored as it is (not JSON-safe, empty type...). */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidEventError";
  }
}

/** How adapters scope an idempotency key: per stream. */
export function idempotencySlot(stream: string, key: string): string {
  return `${stream}\u0000${key}`;
}

/** The checks every adapter makes before it writes anything. */
export function checkAppend(stream: string, events: readonly NewEvent[]): void {
  if (stream.length === 0) throw new InvalidEventError("Cannot append: stream name is empty");
  if (events.length === 0) throw new InvalidEventError(`Cannot append to ${stream}: no events`);
  for (const event of events) {
    if (typeof event.type !== "string" || event.type.length === 0) {
      throw new InvalidEventError(`Cannot append to ${stream}: an event has no type`);
    }
  }
}
