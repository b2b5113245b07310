/**
 * How the LMDB event store packs a row: msgpack, with record structures
 * defined inside each value (lmdb-js's shared-structure encoding packed
 * ingest batches ~4x slower, and every value decodes on its own, with no
 * structure table to keep in step), and a long list of same-shaped objects (an
 * ingest batch's records) stored column by column. Measured on ingest
 * batches, columns pack in ~2.1 µs/record against ~3.3 as objects, and
 * unpack in ~2.3 against ~3.2: one list per field is what msgpack does
 * fastest. Rows written before columns existed read as they always did.
 *
 * @module
 */
// The package's plain entry: its Node one also loads streams and the native string
// extractor, about 45 ms of every parsing worker's start, and workers only pack. On the
// main thread lmdb-js loads the Node entry, whose extractor then serves this Unpackr too.
import { Packr, Unpackr } from "msgpackr/pack";
import { type StoredRecord, storedRecordOf } from "../../domain/events.ts";
import {
  isPreencoded,
  type Preencoded,
  RECORD_GROUPS,
  type RecordGroups,
  type RecordGroupSummary,
  severityBit,
} from "../../ports/event_store.ts";
import type { SourceBatch } from "../../ports/log_source.ts";

/** Shorter lists are not worth the bookkeeping. */
const MIN_COLUMNAR = 16;

/**
 * Marks a list stored by columns. A key no event can have: event data is
 * JSON-like and keyed by identifiers.
 */
const COLUMNS = "\u0000columns";

interface Columns {
  readonly [COLUMNS]: readonly string[];
  readonly values: readonly unknown[][];
}

/**
 * The list as columns, or undefined when its items are not all plain objects
 * with the same keys in the same order.
 */
function toColumns(items: readonly unknown[]): Columns | undefined {
  const first = items[0];
  if (first === null || typeof first !== "object" || Array.isArray(first)) return undefined;
  const keys = Object.keys(first);
  // Written out in an object literal, it would set the prototype instead.
  if (keys.includes("__proto__")) return undefined;
  const values = keys.map(() => new Array<unknown>(items.length));
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as Record<string, unknown>;
    if (item === null || typeof item !== "object" || Array.isArray(item)) return undefined;
    let k = 0;
    for (const key in item) {
      if (keys[k] !== key) return undefined;
      values[k]![i] = item[key];
      k++;
    }
    if (k !== keys.length) return undefined;
  }
  return { [COLUMNS]: keys, values };
}

/** Builds one item from the columns at an index. */
type ItemBuilder = (values: readonly unknown[][], index: number) => Record<string, unknown>;

const builders = new Map<string, ItemBuilder>();

/**
 * An object literal with the keys written out, made once per key list:
 * every item then shares one shape from the start, which is what makes the
 * read as fast as msgpack's own records (assigning keys one by one was ~50%
 * slower than reading objects).
 */
function builderFor(keys: readonly string[]): ItemBuilder {
  const id = keys.join("\u0000");
  let builder = builders.get(id);
  if (builder === undefined) {
    const fields = keys.map((key, k) => `${JSON.stringify(key)}: values[${k}][index]`);
    builder = new Function("values", "index", `return { ${fields.join(", ")} };`) as ItemBuilder;
    if (builders.size < 64) builders.set(id, builder);
  }
  return builder;
}

function fromColumns(columns: Columns): Record<string, unknown>[] {
  const build = builderFor(columns[COLUMNS]);
  const length = columns.values[0]?.length ?? 0;
  const items = new Array<Record<string, unknown>>(length);
  for (let i = 0; i < length; i++) items[i] = build(columns.values, i);
  return items;
}

function isColumns(value: unknown): value is Columns {
  return value !== null && typeof value === "object" && COLUMNS in value;
}

/** Applies `change` to each long list among a row's data fields; undefined when none changed. */
function mapLists(
  data: unknown,
  change: (value: unknown) => unknown,
): Record<string, unknown> | undefined {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined;
  let changed: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(data)) {
    const next = change(value);
    if (next !== value) (changed ??= { ...data })[key] = next;
  }
  return changed;
}

/** The encoder lmdb-js is given for event rows (`{ type, data, ... }`). */
export function eventRowCodec() {
  const packer = new Packr();
  return {
    encode(row: { readonly data: unknown }): Uint8Array {
      const data = packableData(row.data);
      return packer.pack(data === undefined ? row : { ...row, data });
    },
    decode(bytes: Uint8Array): unknown {
      const row = new Unpackr().unpack(bytes) as { data: unknown; sealed?: Uint8Array };
      // Copied: an unpacked bin is a view of lmdb-js's read buffer, which the
      // next read overwrites, and a sealed row is opened later, asynchronously.
      if (row.sealed !== undefined) row.sealed = new Uint8Array(row.sealed);
      const data = unpackedData(row.data);
      return data === undefined ? row : { ...row, data };
    },
  };
}

/**
 * An event's data alone as bytes, packed as a row packs it: what the store
 * seals with a customer's key.
 */
export function packEventData(data: unknown): Uint8Array {
  const packable = packableData(data);
  return dataPacker.pack(packable === undefined ? data : packable);
}

/** The data {@linkcode packEventData} packed. */
export function unpackEventData(bytes: Uint8Array): unknown {
  const data = new Unpackr().unpack(bytes);
  return unpackedData(data) ?? data;
}

const dataPacker = new Packr();

function packableData(data: unknown): Record<string, unknown> | undefined {
  return mapLists(data, (value) => {
    if (isPreencoded(value)) {
      return value.preencoded === RECORD_COLUMNS ? value.bytes : value.decode();
    }
    if (!Array.isArray(value) || value.length < MIN_COLUMNAR) return value;
    const columns = toColumns(value);
    if (columns === undefined) return value;
    return sameKeys(columns[COLUMNS], RECORD_KEYS) ? packStoredRecords(columns.values) : columns;
  });
}

function unpackedData(data: unknown): Record<string, unknown> | undefined {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined;
  let changed: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(data)) {
    if (value instanceof Uint8Array) {
      if (isGrouped(value)) withGroupedRecords(changed ??= { ...data }, key, value);
      else (changed ??= { ...data })[key] = decodeRecordColumns(value);
    } else if (isColumns(value)) (changed ??= { ...data })[key] = fromColumns(value);
  }
  return changed;
}

/**
 * Grouped records are decoded when first read, and then only the groups
 * read: the console's logs of a ticket show a hundred lines of a batch of
 * ten thousand. Readers of `records` see the whole list, as before.
 */
function withGroupedRecords(data: Record<string, unknown>, key: string, view: Uint8Array): void {
  // Copied: the unpacked bin is a view of lmdb-js's read buffer, which the
  // next read overwrites, and may be a Buffer, whose slice() shares memory.
  attachGroupedRecords(data, key, recordGroupsOfBytes(new Uint8Array(view)));
}

function attachGroupedRecords(
  data: Record<string, unknown>,
  key: string,
  groups: RecordGroups,
): void {
  Object.defineProperty(data, key, {
    configurable: true,
    enumerable: true,
    get() {
      const records = allRecords(groups);
      Object.defineProperty(data, key, {
        value: records,
        configurable: true,
        enumerable: true,
        writable: true,
      });
      return records;
    },
  });
  Object.defineProperty(data, RECORD_GROUPS, { value: groups });
}

/**
 * The latest record time of a batch's records kept as
 * {@linkcode RECORD_COLUMNS} bytes, read from the times at their head
 * without unpacking the rest; undefined for anything else.
 */
export function latestPreencodedTime(value: unknown): number | undefined {
  if (!isPreencoded(value) || value.preencoded !== RECORD_COLUMNS) return undefined;
  const bytes = value.bytes;
  if (isGrouped(bytes)) {
    let latest: number | undefined;
    for (const group of groupSummaries(bytes)) {
      if (Number.isFinite(group.latest) && (latest === undefined || group.latest > latest)) {
        latest = group.latest;
      }
    }
    return latest;
  }
  const at = 3 + packedRecordKeys.length;
  if (bytes[at] !== 0xc6) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(at + 1);
  let latest: number | undefined;
  for (let offset = at + 5; offset < at + 5 + length; offset += 8) {
    const time = view.getFloat64(offset, true);
    if (Number.isFinite(time) && (latest === undefined || time > latest)) latest = time;
  }
  return latest;
}

/**
 * An ingest batch's records, however they arrive (encoded where they were
 * parsed, see `Preencoded`, or as objects), are kept as one binary value: a
 * msgpack list of the field names, then one list per field, the signatures'
 * as `[distinct ids, index of each record's]`: a batch has a handful among
 * thousands of records. On the ingest bench, replay then read 1M records at
 * ~330-410k/s against ~210-280k, and the store was 11% smaller.
 * Event data is otherwise JSON-like, so a binary value in a row is always this.
 */
export const RECORD_COLUMNS = "loupe.record-columns";

/** A stored record's fields in the order `storedRecordOf` writes them. */
const RECORD_KEYS = Object.keys(storedRecordOf({ message: "", attributes: {} }, {}, 0, 0, 0, ""));
// The two fields only the appending thread knows are packed there: the time
// a record that states none was received, and the signature.
if (RECORD_KEYS[0] !== "timestamp" || RECORD_KEYS.at(-1) !== "signatureId") {
  throw new Error(`Unexpected stored record fields: ${RECORD_KEYS.join(", ")}`);
}
const MIDDLE_KEYS = RECORD_KEYS.slice(1, -1);
// A msgpack list this short has a one-byte header.
if (MIDDLE_KEYS.length > 15) throw new Error("Too many stored record fields");
const recordPacker = new Packr();
const packedRecordKeys = recordPacker.pack(RECORD_KEYS).slice();

/** What the parsing thread sends: the records, all but two fields encoded. */
export interface RecordColumnsPayload {
  readonly count: number;
  /** Each record's own time; NaN when it states none. */
  readonly timestamps: Float64Array<ArrayBuffer>;
  /**
   * For each group of {@linkcode GROUP_ROWS} records, the packed lists of
   * every field between the timestamp and the signature; groups back to back.
   */
  readonly middle: Uint8Array<ArrayBuffer>;
  /** Where each group's lists end in `middle`. */
  readonly groupEnds: Uint32Array<ArrayBuffer>;
  /** Each group's severity bits (see `severityBit`). */
  readonly severities: Uint32Array<ArrayBuffer>;
  /**
   * Records in each group: {@linkcode GROUP_ROWS}, the last fewer, unless
   * payloads encoded apart were joined ({@linkcode joinRecordColumns}).
   */
  readonly groupRows: Uint32Array<ArrayBuffer>;
}

/**
 * Records per group. A page of a ticket's logs shows ~100 lines: smaller
 * groups decode less for it, larger ones pack a little tighter (each group
 * repeats the field names and its signatures).
 */
export const GROUP_ROWS = 1024;

const SEVERITY_KEY = MIDDLE_KEYS.indexOf("severityNumber");
if (SEVERITY_KEY < 0) throw new Error("Stored records have no severityNumber");

/** Encodes a parsed batch's records, on the thread that parsed them. */
export function encodeRecordColumns(batch: SourceBatch): RecordColumnsPayload {
  const count = batch.records.length;
  const timestamps = new Float64Array(count);
  const groupCount = Math.ceil(count / GROUP_ROWS);
  const groupEnds = new Uint32Array(groupCount);
  const severities = new Uint32Array(groupCount);
  const groupRows = new Uint32Array(groupCount);
  const packed: Uint8Array[] = [];
  let end = 0;
  for (let group = 0; group < groupCount; group++) {
    const from = group * GROUP_ROWS;
    const to = Math.min(count, from + GROUP_ROWS);
    const columns = MIDDLE_KEYS.map(() => new Array<unknown>(to - from));
    let bits = 0;
    for (let index = from; index < to; index++) {
      const sourced = batch.records[index]!;
      const record = storedRecordOf(
        sourced.parsed,
        batch.context,
        Number.NaN,
        sourced.line,
        sourced.offset,
        "",
      ) as unknown as Record<string, unknown>;
      timestamps[index] = record.timestamp as number;
      for (let k = 0; k < MIDDLE_KEYS.length; k++) {
        columns[k]![index - from] = record[MIDDLE_KEYS[k]!];
      }
      bits |= severityBit(record.severityNumber as number);
    }
    // One list of the columns, less its one-byte header: the columns back to back.
    const lists = recordPacker.pack(columns).slice(1);
    packed.push(lists);
    groupEnds[group] = end += lists.length;
    severities[group] = bits;
    groupRows[group] = to - from;
  }
  return { count, timestamps, middle: concat(packed), groupEnds, severities, groupRows };
}

/**
 * Payloads encoded one after another, as one: the records of each in turn,
 * each payload's groups kept as they were. A parsing worker encodes a batch a
 * thousand records at a time, so that records die young (on the ingest
 * bench, encoding whole 10,000-record batches spent 2.5 times as long in the
 * young generation's collections), and joins the pieces before posting.
 *
 * @example
 * ```ts
 * import { encodeRecordColumns, joinRecordColumns } from "./row_codec.ts";
 * import assert from "node:assert/strict";
 * const batch = (messages: string[]) => ({
 *   source: "app.log",
 *   context: {},
 *   format: "text",
 *   records: messages.map((message, i) => ({ parsed: { message, attributes: {} }, line: i + 1 })),
 *   quarantined: [],
 * });
 * const joined = joinRecordColumns([
 *   encodeRecordColumns(batch(["a", "b"])),
 *   encodeRecordColumns(batch(["c"])),
 * ]);
 * assert.equal(joined.count, 3);
 * assert.deepEqual([...joined.groupRows], [2, 1]);
 * ```
 */
export function joinRecordColumns(payloads: readonly RecordColumnsPayload[]): RecordColumnsPayload {
  if (payloads.length === 1) return payloads[0]!;
  const count = payloads.reduce((sum, payload) => sum + payload.count, 0);
  const groupCount = payloads.reduce((sum, payload) => sum + payload.groupRows.length, 0);
  const timestamps = new Float64Array(count);
  const groupEnds = new Uint32Array(groupCount);
  const severities = new Uint32Array(groupCount);
  const groupRows = new Uint32Array(groupCount);
  let record = 0;
  let group = 0;
  let bytes = 0;
  for (const payload of payloads) {
    timestamps.set(payload.timestamps, record);
    severities.set(payload.severities, group);
    groupRows.set(payload.groupRows, group);
    for (let k = 0; k < payload.groupEnds.length; k++) {
      groupEnds[group + k] = bytes + payload.groupEnds[k]!;
    }
    record += payload.count;
    group += payload.groupRows.length;
    bytes += payload.middle.length;
  }
  const middle = concat(payloads.map((payload) => payload.middle));
  return { count, timestamps, middle, groupEnds, severities, groupRows };
}

/**
 * The appending thread's side of {@linkcode encodeRecordColumns}: the records
 * as the batch event keeps them, record i with `signatureIds[i]`, and
 * `receivedAt` as the time of those that state none.
 */
export function recordColumnsWithSignatures(
  payload: RecordColumnsPayload,
  signatureIds: readonly string[],
  receivedAt: number,
): Preencoded {
  const timestamps = payload.timestamps.slice();
  for (let index = 0; index < timestamps.length; index++) {
    if (Number.isNaN(timestamps[index])) timestamps[index] = receivedAt;
  }
  const bytes = packRecordGroups(
    timestamps,
    payload.groupRows,
    (group) =>
      payload.middle.subarray(
        group === 0 ? 0 : payload.groupEnds[group - 1],
        payload.groupEnds[group],
      ),
    signatureIds,
    (group) => payload.severities[group]!,
  );
  return {
    preencoded: RECORD_COLUMNS,
    bytes,
    decode: () => allRecords(recordGroupsOfBytes(bytes)),
    // What the projections of a batch just appended read: mostly fields, not records.
    attachTo: (data, key) => attachGroupedRecords(data, key, recordGroupsOfBytes(bytes)),
  };
}

/**
 * Marks records kept in groups: a byte msgpack never writes, where rows
 * written before groups existed have a list's header.
 */
const GROUPED = 0xc1;
const GROUPED_VERSION = 1;
/** The grouped form's header: marker, version, two spare bytes, the group count (u32). */
const GROUPED_HEADER = 8;
/** Per group: earliest and latest time (f64), severity bits, first index, count, byte length (u32). */
const GROUP_SUMMARY = 32;

function isGrouped(bytes: Uint8Array): boolean {
  return bytes[0] === GROUPED && bytes[1] === GROUPED_VERSION;
}

/**
 * A batch's records in groups (`groupRows` records each, in order), each
 * packed as rows were before groups existed, with a summary of every group
 * ahead of them, so a reader finds the groups it needs without unpacking the
 * others.
 */
function packRecordGroups(
  timestamps: Float64Array<ArrayBuffer>,
  groupRows: ArrayLike<number>,
  middleOf: (group: number) => Uint8Array,
  signatureIds: readonly unknown[],
  severitiesOf: (group: number) => number,
): Uint8Array<ArrayBuffer> {
  const groupCount = groupRows.length;
  const header = new Uint8Array(GROUPED_HEADER + groupCount * GROUP_SUMMARY);
  const view = new DataView(header.buffer);
  header[0] = GROUPED;
  header[1] = GROUPED_VERSION;
  view.setUint32(4, groupCount, true);
  const blocks: Uint8Array[] = [header];
  let to = 0;
  for (let group = 0; group < groupCount; group++) {
    const from = to;
    to += groupRows[group]!;
    const times = timestamps.subarray(from, to);
    let earliest = Infinity;
    let latest = -Infinity;
    for (const time of times) {
      if (time < earliest) earliest = time;
      if (time > latest) latest = time;
    }
    // NaN or no time: a range no window excludes.
    if (!(earliest <= latest)) [earliest, latest] = [-Infinity, Infinity];
    const block = packRecordColumns(times, middleOf(group), signatureIds.slice(from, to));
    const at = GROUPED_HEADER + group * GROUP_SUMMARY;
    view.setFloat64(at, earliest, true);
    view.setFloat64(at + 8, latest, true);
    view.setUint32(at + 16, severitiesOf(group), true);
    view.setUint32(at + 20, from, true);
    view.setUint32(at + 24, to - from, true);
    view.setUint32(at + 28, block.length, true);
    blocks.push(block);
  }
  return concat(blocks);
}

interface StoredGroup extends RecordGroupSummary {
  readonly count: number;
  readonly offset: number;
  readonly length: number;
}

function groupSummaries(bytes: Uint8Array): StoredGroup[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const groupCount = view.getUint32(4, true);
  const groups: StoredGroup[] = [];
  let offset = GROUPED_HEADER + groupCount * GROUP_SUMMARY;
  for (let group = 0; group < groupCount; group++) {
    const at = GROUPED_HEADER + group * GROUP_SUMMARY;
    const length = view.getUint32(at + 28, true);
    groups.push({
      earliest: view.getFloat64(at, true),
      latest: view.getFloat64(at + 8, true),
      severities: view.getUint32(at + 16, true),
      first: view.getUint32(at + 20, true),
      count: view.getUint32(at + 24, true),
      offset,
      length,
    });
    offset += length;
  }
  return groups;
}

/**
 * Grouped records that decode a group when it is first read, or only the
 * fields read of it.
 */
function recordGroupsOfBytes(bytes: Uint8Array): RecordGroups {
  const groups = groupSummaries(bytes);
  const decoded: (StoredRecord[] | undefined)[] = new Array(groups.length);
  const fields: (Map<string, ArrayLike<unknown>> | undefined)[] = new Array(groups.length);
  const spans: (FieldSpans | null | undefined)[] = new Array(groups.length);
  const rows: (Uint32Array[] | null | undefined)[] = new Array(groups.length);
  const groupBytes = (index: number) => {
    const group = groups[index]!;
    return bytes.subarray(group.offset, group.offset + group.length);
  };
  const spansOf = (index: number, bytes: Uint8Array) => {
    let located = spans[index];
    if (located === undefined) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      located = spans[index] = fieldSpans(bytes, view);
    }
    return located;
  };
  const records = (index: number) => decoded[index] ??= decodeRecordColumns(groupBytes(index));
  const grouped: RecordGroups = {
    groups,
    count: groups.reduce((sum, group) => sum + group.count, 0),
    records,
    field<K extends keyof StoredRecord>(index: number, key: K) {
      const known = fields[index] ??= new Map();
      let values = known.get(key) as ArrayLike<StoredRecord[K]> | undefined;
      if (values === undefined) {
        const whole = decoded[index];
        if (whole === undefined) {
          const bytes = groupBytes(index);
          const located = spansOf(index, bytes);
          const alone = located === null ? undefined : fieldOfGroup(bytes, located, key);
          values = alone as ArrayLike<StoredRecord[K]> | undefined ??
            records(index).map((record) => record[key]);
        } else values = whole.map((record) => record[key]);
        known.set(key, values);
      }
      return values;
    },
    record(index, offset) {
      const whole = decoded[index];
      if (whole !== undefined) return whole[offset];
      const bytes = groupBytes(index);
      const located = spansOf(index, bytes);
      const count = groups[index]!.count;
      if (located === null || !(offset >= 0 && offset < count)) return records(index)[offset];
      let starts = rows[index];
      if (starts === undefined) {
        try {
          starts = itemStarts(bytes, located, count);
        } catch {
          starts = null;
        }
        rows[index] = starts;
      }
      if (starts === null) return records(index)[offset];
      const { keys } = located;
      // One value of each field's list; the times and signatures from their columns.
      const values = keys.map((key, k) =>
        k === 0 || k === keys.length - 1
          ? [grouped.field(index, key as keyof StoredRecord)[offset]]
          : [new Unpackr().unpack(bytes.subarray(starts[k]![offset], starts[k]![offset + 1]))]
      );
      return builderFor(keys)(values, 0) as unknown as StoredRecord;
    },
  };
  return grouped;
}

/**
 * Where each item of every field's list but the first and last (times and
 * signatures, read whole) starts, and the list's end; null when a list is
 * not of `count` items.
 */
function itemStarts(bytes: Uint8Array, spans: FieldSpans, count: number): Uint32Array[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const starts: Uint32Array[] = [];
  for (let k = 1; k < spans.keys.length - 1; k++) {
    const list = listHeader(bytes, view, spans.bounds[k]!);
    if (list === undefined || list.items !== count) return null;
    const offsets = starts[k] = new Uint32Array(count + 1);
    let at = list.at;
    for (let item = 0; item < count; item++) {
      offsets[item] = at;
      at = skipValues(bytes, view, at, 1);
      if (at < 0) return null;
    }
    offsets[count] = at;
  }
  return starts;
}

/** Where each field's list lies in a group's bytes, by field name. */
interface FieldSpans {
  readonly keys: readonly string[];
  /** Field i's list lies from `bounds[i]` to `bounds[i + 1]`. */
  readonly bounds: readonly number[];
}

/**
 * Where a group's fields lie, walking the headers of every list once; null
 * when the group holds a msgpack extension (a record structure, an
 * undefined), whose meaning may depend on what came before it.
 */
function fieldSpans(bytes: Uint8Array, view: DataView): FieldSpans | null {
  try {
    return walkedSpans(bytes, view);
  } catch {
    // Bytes cut short: what reading them whole says of them stands.
    return null;
  }
}

function walkedSpans(bytes: Uint8Array, view: DataView): FieldSpans | null {
  const list = listHeader(bytes, view, 0);
  if (list === undefined) return null;
  const keysEnd = skipValues(bytes, view, list.at, 1);
  if (keysEnd < 0) return null;
  const keys = new Unpackr().unpack(bytes.subarray(list.at, keysEnd)) as unknown;
  if (!Array.isArray(keys) || keys.length !== list.items - 1) return null;
  const bounds = [keysEnd];
  for (let item = 0; item < keys.length; item++) {
    const end = skipValues(bytes, view, bounds[item]!, 1);
    if (end < 0) return null;
    bounds.push(end);
  }
  return { keys, bounds };
}

/** One field of a group's records, unpacking its list alone; undefined when it has none. */
function fieldOfGroup(
  bytes: Uint8Array,
  spans: FieldSpans,
  key: string,
): unknown[] | Float64Array | undefined {
  const { keys, bounds } = spans;
  const wanted = keys.indexOf(key);
  if (wanted < 0) return undefined;
  const from = bounds[wanted]!;
  const to = bounds[wanted + 1]!;
  // Times kept as the bytes of a Float64Array (see packRecordColumns).
  if (wanted === 0 && bytes[from] === 0xc6) {
    return new Float64Array(bytes.slice(from + 5, to).buffer);
  }
  const values = new Unpackr().unpack(bytes.subarray(from, to)) as unknown;
  if (wanted !== keys.length - 1) return Array.isArray(values) ? values : undefined;
  // The last field, the signature, is kept as [distinct values, index of each record's].
  const [distinct, indices] = values as [unknown[], number[]];
  return indices.map((index) => distinct[index]);
}

/** Where a msgpack list's items start, and how many it has. */
function listHeader(
  bytes: Uint8Array,
  view: DataView,
  at: number,
): { at: number; items: number } | undefined {
  const first = bytes[at]!;
  if (first >= 0x90 && first <= 0x9f) return { at: at + 1, items: first & 0x0f };
  if (first === 0xdc) return { at: at + 3, items: view.getUint16(at + 1) };
  if (first === 0xdd) return { at: at + 5, items: view.getUint32(at + 1) };
  return undefined;
}

/**
 * The offset after `count` msgpack values from `at`, walking their headers
 * only; -1 at an extension type or the never-used byte, or past the end.
 */
function skipValues(bytes: Uint8Array, view: DataView, at: number, count: number): number {
  let pending = count;
  while (pending > 0) {
    if (at >= bytes.length) return -1;
    pending--;
    const first = bytes[at++]!;
    if (first < 0x80 || first >= 0xe0) continue;
    if (first < 0x90) pending += 2 * (first & 0x0f);
    else if (first < 0xa0) pending += first & 0x0f;
    else if (first < 0xc0) at += first & 0x1f;
    else {
      switch (first) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          break;
        case 0xc4:
        case 0xd9:
          at += 1 + bytes[at]!;
          break;
        case 0xc5:
        case 0xda:
          at += 2 + view.getUint16(at);
          break;
        case 0xc6:
        case 0xdb:
          at += 4 + view.getUint32(at);
          break;
        case 0xcc:
        case 0xd0:
          at += 1;
          break;
        case 0xcd:
        case 0xd1:
          at += 2;
          break;
        case 0xca:
        case 0xce:
        case 0xd2:
          at += 4;
          break;
        case 0xcb:
        case 0xcf:
        case 0xd3:
          at += 8;
          break;
        case 0xdc:
          pending += view.getUint16(at);
          at += 2;
          break;
        case 0xdd:
          pending += view.getUint32(at);
          at += 4;
          break;
        case 0xde:
          pending += 2 * view.getUint16(at);
          at += 2;
          break;
        case 0xdf:
          pending += 2 * view.getUint32(at);
          at += 4;
          break;
        default:
          return -1;
      }
    }
  }
  return at <= bytes.length ? at : -1;
}

function allRecords(grouped: RecordGroups): StoredRecord[] {
  const all = new Array<StoredRecord>(grouped.count);
  let at = 0;
  for (let group = 0; group < grouped.groups.length; group++) {
    for (const record of grouped.records(group)) all[at++] = record;
  }
  return all;
}

/**
 * Times are kept as the bytes of a Float64Array (little-endian: every
 * platform Deno runs on), not as msgpack numbers: packing those was most of
 * the appending thread's encoding work, and unpacking them a good part of
 * replay's.
 */
function packRecordColumns(
  timestamps: Float64Array<ArrayBuffer>,
  middle: Uint8Array,
  signatureIds: readonly unknown[],
): Uint8Array<ArrayBuffer> {
  return concat([
    // A msgpack list of 1 + fields items: the keys, then each field's list.
    Uint8Array.of(0xdc, 0, RECORD_KEYS.length + 1),
    packedRecordKeys,
    binHeader(timestamps.byteLength),
    new Uint8Array(timestamps.buffer, timestamps.byteOffset, timestamps.byteLength),
    middle,
    recordPacker.pack(dictionaryOf(signatureIds)),
  ]);
}

/** The header of a msgpack bin 32 of `length` bytes. */
function binHeader(length: number): Uint8Array {
  const header = new Uint8Array(5);
  header[0] = 0xc6;
  new DataView(header.buffer).setUint32(1, length);
  return header;
}

/** Stored records given as objects (ingest over HTTP) are kept the same way. */
function packStoredRecords(columns: readonly unknown[][]): Uint8Array<ArrayBuffer> {
  const middle = columns.slice(1, -1);
  const slice = (group: number) =>
    middle.map((column) => column.slice(group * GROUP_ROWS, (group + 1) * GROUP_ROWS));
  const timestamps = Float64Array.from(columns[0] as readonly number[]);
  return packRecordGroups(
    timestamps,
    fullGroups(timestamps.length),
    (group) => recordPacker.pack(slice(group)).slice(1),
    columns.at(-1)!,
    (group) => {
      let bits = 0;
      const severities = middle[SEVERITY_KEY]!;
      const to = Math.min(severities.length, (group + 1) * GROUP_ROWS);
      for (let index = group * GROUP_ROWS; index < to; index++) {
        bits |= severityBit(severities[index] as number);
      }
      return bits;
    },
  );
}

/** Rows per group for `count` records in groups of {@linkcode GROUP_ROWS}. */
function fullGroups(count: number): Uint32Array {
  const groups = new Uint32Array(Math.ceil(count / GROUP_ROWS)).fill(GROUP_ROWS);
  if (count % GROUP_ROWS !== 0) groups[groups.length - 1] = count % GROUP_ROWS;
  return groups;
}

function sameKeys(keys: readonly string[], expected: readonly string[]): boolean {
  return keys.length === expected.length && keys.every((key, index) => key === expected[index]);
}

/**
 * A batch has a handful of signatures among thousands of records: they are
 * kept once each, and a record keeps the index of its own.
 */
function dictionaryOf(values: readonly unknown[]): [unknown[], number[]] {
  const distinct: unknown[] = [];
  const indexOf = new Map<unknown, number>();
  const indices = values.map((value) => {
    let index = indexOf.get(value);
    if (index === undefined) {
      index = distinct.push(value) - 1;
      indexOf.set(value, index);
    }
    return index;
  });
  return [distinct, indices];
}

function decodeRecordColumns(bytes: Uint8Array): StoredRecord[] {
  const [keys, ...values] = new Unpackr().unpack(bytes) as [string[], ...unknown[]];
  const [distinct, indices] = values.pop() as [unknown[], number[]];
  // Rows written before times were kept as bytes have them as a list.
  const times = values[0];
  // Copied: an unpacked bin may be a Buffer, whose slice() shares memory.
  if (times instanceof Uint8Array) values[0] = new Float64Array(new Uint8Array(times).buffer);
  const columns = [...values, indices.map((index) => distinct[index])] as unknown[][];
  return fromColumns({ [COLUMNS]: keys, values: columns }) as unknown as StoredRecord[];
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
