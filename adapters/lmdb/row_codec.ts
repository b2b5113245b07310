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
import { Packr, Unpackr } from "msgpackr";

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
      const data = mapLists(
        row.data,
        (value) =>
          Array.isArray(value) && value.length >= MIN_COLUMNAR ? toColumns(value) ?? value : value,
      );
      return packer.pack(data === undefined ? row : { ...row, data });
    },
    decode(bytes: Uint8Array): unknown {
      const row = new Unpackr().unpack(bytes) as { data: unknown };
      const data = mapLists(row.data, (value) => isColumns(value) ? fromColumns(value) : value);
      return data === undefined ? row : { ...row, data };
    },
  };
}
