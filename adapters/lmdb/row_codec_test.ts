import assert from "node:assert/strict";
import fc from "fast-check";
import { Packr } from "msgpackr";
import { eventRowCodec } from "./row_codec.ts";

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
