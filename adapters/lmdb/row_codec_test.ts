import assert from "node:assert/strict";
import fc from "fast-check";
import { Packr } from "msgpackr";
import type { ParsedLog } from "../../domain/log_record.ts";
import type { SourceBatch } from "../../ports/log_source.ts";
import {
  type LogBatchIngestedData,
  type StoredRecord,
  storedRecordOf,
} from "../../domain/events.ts";
import {
  decodedData,
  mayHoldSeverity,
  recordGroupsOf,
  severityBit,
} from "../../ports/event_store.ts";
import {
  encodeRecordColumns,
  eventRowCodec,
  GROUP_ROWS,
  recordColumnsWithSignatures,
} from "./row_codec.ts";

const scalar = fc.oneof(
  fc.string(),
  fc.integer(),
  // msgpack has no -0: it reads back as 0, columns or not.
  fc.double({ noNaN: true }).filter((x) => !Object.is(x, -0)),
  fc.boolean(),
  fc.constant(null),
);
// msgpack reads an own "__proto__" key as the prototype; event data has none.
const key = fc.string().filter((k) => k !== "__proto__");
const record = fc.record({
  timestamp: fc.integer(),
  message: fc.string(),
  attributes: fc.array(scalar, { maxLength: 6 }),
  offset: fc.option(fc.integer()),
}, { noNullPrototype: true });

Deno.test("a row reads back as written: lists of same-shaped objects, mixed lists, other data", () => {
  const codec = eventRowCodec();
  fc.assert(
    fc.property(
      fc.record({
        type: fc.string(),
        data: fc.record({
          records: fc.oneof(
            fc.array(record, { maxLength: 60 }),
            // Long enough to be stored by columns.
            fc.array(record, { minLength: 16, maxLength: 60 }),
            // Long, with objects of other shapes among the records.
            fc.array(
              fc.oneof(
                { weight: 8, arbitrary: record },
                scalar,
                fc.dictionary(key, scalar, { noNullPrototype: true }),
                fc.record({ timestamp: fc.integer(), message: fc.string() }, {
                  noNullPrototype: true,
                }),
              ),
              { minLength: 16, maxLength: 40 },
            ),
          ),
          context: fc.dictionary(key, fc.string(), { noNullPrototype: true }),
          note: fc.option(fc.string()),
        }, { noNullPrototype: true }),
      }, { noNullPrototype: true }),
      (row) => assert.deepStrictEqual(codec.decode(codec.encode(row)), row),
    ),
    { numRuns: 1000 },
  );
});

Deno.test("rows written before columns existed still read", () => {
  const row = {
    type: "LogBatchIngested",
    data: { records: Array.from({ length: 40 }, (_, i) => ({ line: i, message: `m${i}` })) },
  };
  assert.deepStrictEqual(eventRowCodec().decode(new Packr().pack(row)), row);
});

/** Twenty records, and their fields as columns, as rows were written before groups. */
function oldColumns() {
  const records = Array.from(
    { length: 20 },
    (_, i) =>
      storedRecordOf({ message: `m${i}`, attributes: {} }, {}, 1_700_000 + i, i + 1, i, "s"),
  );
  const keys = Object.keys(records[0]!) as (keyof typeof records[0])[];
  const columns = keys.map((key) => records.map((record) => record[key]));
  return { records, keys, columns };
}

Deno.test("record columns written with their times as a list still read", () => {
  const { records, keys, columns } = oldColumns();
  const packer = new Packr();
  // The timestamps as a msgpack list, the signatures as a dictionary.
  const bytes = packer.pack([keys, ...columns.slice(0, -1), [["s"], records.map(() => 0)]]);
  const row = { type: "LogBatchIngested", data: { records: bytes } };
  assert.deepStrictEqual(eventRowCodec().decode(packer.pack(row)), {
    type: "LogBatchIngested",
    data: { records },
  });
});

const parsedLog: fc.Arbitrary<ParsedLog> = fc.record({
  timestamp: fc.integer({ min: 0, max: 4e12 }),
  severity: fc.constantFrom(
    { number: 9, text: "INFO" } as const,
    { number: 17, text: "ERROR" } as const,
  ),
  message: fc.string(),
  customer: fc.constantFrom("acme", "globex"),
  environment: fc.string(),
  service: fc.string(),
  version: fc.constantFrom("2.3.1", "2.4.0"),
  attributes: fc.dictionary(key, scalar, { noNullPrototype: true }),
}, { requiredKeys: ["message", "attributes"], noNullPrototype: true });

Deno.test("records encoded where they were parsed read back as the records ingest would store", () => {
  const codec = eventRowCodec();
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          parsed: parsedLog,
          line: fc.nat(),
          offset: fc.option(fc.nat(), { nil: undefined }),
        }, {
          requiredKeys: ["parsed", "line"],
          noNullPrototype: true,
        }),
        { maxLength: 40 },
      ),
      fc.record({ customer: fc.constantFrom("acme", "initech"), version: fc.constant("2.3.1") }, {
        requiredKeys: [],
        noNullPrototype: true,
      }),
      fc.array(fc.constantFrom("sig-a", "sig-b", "sig-c"), { minLength: 40, maxLength: 40 }),
      fc.integer({ min: 0, max: 4e12 }),
      (records, context, signatures, receivedAt) => {
        const batch: SourceBatch = {
          source: "a.log",
          context,
          format: "logfmt",
          records,
          quarantined: [],
        };
        const encoded = structuredClone(encodeRecordColumns(batch));
        const row = {
          type: "LogBatchIngested",
          data: {
            context,
            records: recordColumnsWithSignatures(encoded, signatures, receivedAt),
            note: 1,
          },
        };
        const expected = records.map((r, i) =>
          storedRecordOf(r.parsed, context, receivedAt, r.line, r.offset, signatures[i]!)
        );
        const plainRow = { ...row, data: { ...row.data, records: expected } };
        assert.deepStrictEqual(codec.decode(codec.encode(row)), plainRow);
        assert.deepStrictEqual(codec.decode(codec.encode(plainRow)), plainRow);
        if (records.length >= 16) {
          assert.deepStrictEqual(
            codec.encode(plainRow),
            codec.encode(row),
            "records given as objects are kept as if encoded where parsed",
          );
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("record columns of one block, as rows were written before groups, still read", () => {
  const { records, keys, columns } = oldColumns();
  const packer = new Packr();
  const times = new Float64Array(columns[0] as number[]);
  // The timestamps as the bytes of a Float64Array, the signatures as a dictionary.
  const bytes = packer.pack([
    keys,
    new Uint8Array(times.buffer),
    ...columns.slice(1, -1),
    [["s"], records.map(() => 0)],
  ]);
  const row = { type: "LogBatchIngested", data: { records: bytes } };
  const decoded = eventRowCodec().decode(packer.pack(row)) as { data: LogBatchIngestedData };
  assert.deepStrictEqual(decoded, { type: "LogBatchIngested", data: { records } });
  assert.deepStrictEqual(recordGroupsOf(decoded.data).records(0), records);
});

Deno.test("grouped records: all groups read as the whole batch, and each group's summary holds its records", () => {
  const codec = eventRowCodec();
  const stored: fc.Arbitrary<StoredRecord> = fc.record({
    timestamp: fc.oneof(fc.integer({ min: 0, max: 4e12 }), fc.constant(Number.NaN)),
    customer: fc.constantFrom(null, "acme"),
    environment: fc.constantFrom(null, "prod"),
    service: fc.constantFrom(null, "api"),
    version: fc.constantFrom(null, "2.3.1"),
    severityNumber: fc.integer({ min: 0, max: 40 }),
    message: fc.string({ maxLength: 8 }),
    attributes: fc.constantFrom([], ["k", "v"]),
    line: fc.nat(),
    offset: fc.option(fc.nat()),
    signatureId: fc.constantFrom("sig-a", "sig-b"),
  }, { noNullPrototype: true });
  fc.assert(
    fc.property(
      fc.array(stored, { minLength: 16, maxLength: 3 * GROUP_ROWS + 10, size: "max" }),
      fc.integer({ min: 0, max: 4e12 }),
      (records, receivedAt) => {
        // Encoded where parsed (times that state none get the received time) and as objects.
        const parsedBatch: SourceBatch = {
          source: "a.log",
          context: {},
          format: "jsonl",
          records: records.map((record) => ({
            parsed: {
              timestamp: Number.isNaN(record.timestamp) ? undefined : record.timestamp,
              severity: { number: record.severityNumber, text: "INFO" as const },
              message: record.message,
              customer: record.customer ?? undefined,
              environment: record.environment ?? undefined,
              service: record.service ?? undefined,
              version: record.version ?? undefined,
              attributes: record.attributes.length === 0
                ? {}
                : { k: "v" } as Record<string, string>,
            },
            line: record.line,
            offset: record.offset ?? undefined,
          })),
          quarantined: [],
        };
        const expected = records.map((record) => ({
          ...record,
          timestamp: Number.isNaN(record.timestamp) ? receivedAt : record.timestamp,
        }));
        const rows = [
          {
            records: recordColumnsWithSignatures(
              structuredClone(encodeRecordColumns(parsedBatch)),
              records.map((record) => record.signatureId),
              receivedAt,
            ),
          },
          { records: expected },
        ];
        for (const data of rows) {
          const row = { type: "LogBatchIngested", data };
          const read = (codec.decode(codec.encode(row)) as {
            data: LogBatchIngestedData;
          }).data;
          const grouped = recordGroupsOf(read);
          assert.ok(grouped.groups.length >= Math.ceil(records.length / GROUP_ROWS));
          const concatenated: StoredRecord[] = [];
          grouped.groups.forEach((group, index) => {
            const members = grouped.records(index);
            assert.equal(group.first, concatenated.length);
            for (const record of members) {
              assert.ok(group.earliest <= record.timestamp && record.timestamp <= group.latest);
              assert.ok((group.severities & severityBit(record.severityNumber)) !== 0);
              assert.ok(mayHoldSeverity(group.severities, record.severityNumber));
              concatenated.push(record);
            }
          });
          assert.deepStrictEqual(concatenated, expected);
          assert.deepStrictEqual(read.records, expected);
        }
      },
    ),
    { numRuns: 15 },
  );
});

Deno.test("property: a field or a record read alone is that of the whole records, as stored and as just appended", () => {
  const codec = eventRowCodec();
  const stored: fc.Arbitrary<StoredRecord> = fc.record({
    timestamp: fc.oneof(fc.integer({ min: 0, max: 4e12 }), fc.double({ noNaN: true })),
    customer: fc.constantFrom(null, "acme"),
    environment: fc.constantFrom(null, "prod"),
    service: fc.constantFrom(null, "api"),
    version: fc.constantFrom(null, "2.3.1"),
    severityNumber: fc.integer({ min: 0, max: 40 }),
    message: fc.string({ unit: "binary", maxLength: 300 }),
    // Nested values are packed as msgpack records, whose structures a field alone cannot read.
    attributes: fc.oneof(
      fc.array(scalar, { maxLength: 6 }),
      fc.tuple(fc.constant("nested"), fc.record({ a: scalar }, { noNullPrototype: true })),
    ),
    line: fc.oneof(fc.nat(), fc.integer({ min: 2 ** 32, max: 2 ** 52 })),
    offset: fc.option(fc.nat()),
    signatureId: fc.constantFrom("sig-a", "sig-b", "sig-c"),
  }, { noNullPrototype: true }) as fc.Arbitrary<StoredRecord>;
  const keys = Object.keys(storedRecordOf({ message: "", attributes: {} }, {}, 0, 0, 0, "")) as (
    keyof StoredRecord
  )[];
  fc.assert(
    fc.property(
      fc.array(stored, { minLength: 16, maxLength: GROUP_ROWS + 40 }),
      fc.array(parsedLog, { minLength: 1, maxLength: 40 }),
      (records, parsed) => {
        // Read back from the store.
        const row = { type: "LogBatchIngested", data: { records } };
        const bytes = codec.encode(row);
        const read = () => (codec.decode(bytes) as { data: LogBatchIngestedData }).data;
        // Just appended: encoded where parsed, decoded for the listeners.
        const columns = encodeRecordColumns({
          source: "a.log",
          context: {},
          format: "jsonl",
          records: parsed.map((log, line) => ({ parsed: log, line })),
          quarantined: [],
        });
        const signatures = parsed.map((_, i) => `sig-${i % 3}`);
        const appended = () =>
          decodedData({
            records: recordColumnsWithSignatures(columns, signatures, 1e12),
          }) as LogBatchIngestedData;
        for (const batch of [read, appended]) {
          const one = recordGroupsOf(batch());
          const all = recordGroupsOf(batch());
          one.groups.forEach((_, group) => {
            const members = all.records(group);
            members.forEach((record, offset) => {
              assert.deepStrictEqual(one.record(group, offset), record);
            });
            assert.equal(one.record(group, members.length), undefined);
          });
          for (const key of keys) {
            const alone = recordGroupsOf(batch());
            const whole = recordGroupsOf(batch());
            assert.equal(
              alone.count,
              whole.groups.reduce((n, _, g) => n + whole.records(g).length, 0),
            );
            alone.groups.forEach((_, group) => {
              assert.deepStrictEqual(
                Array.from(alone.field(group, key)),
                whole.records(group).map((record) => record[key]),
                key,
              );
            });
          }
        }
        assert.equal(recordGroupsOf(read()).count, records.length);
        assert.deepStrictEqual(
          appended().records,
          recordColumnsWithSignatures(columns, signatures, 1e12).decode(),
        );
      },
    ),
    { numRuns: 40 },
  );
});
