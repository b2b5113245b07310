import assert from "node:assert/strict";
import fc from "fast-check";
import { locateJsonError } from "./json_text.ts";

Deno.test("points at the line and column where a JSON text goes wrong", () => {
  assert.deepEqual(locateJsonError('[{"msg": "a"},\n{"msg": }]'), {
    line: 2,
    column: 9,
    offset: 23,
  });
  assert.deepEqual(locateJsonError('{"a": 1,}'), { line: 1, column: 9, offset: 8 });
  assert.deepEqual(locateJsonError('{"a": "unterminated'), { line: 1, column: 20, offset: 19 });
  assert.equal(locateJsonError("[1, 2]   "), undefined);
});

Deno.test("agrees with JSON.parse on what is valid", () => {
  fc.assert(
    fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      assert.equal(locateJsonError(text) === undefined, valid, text);
    }),
    { numRuns: 500 },
  );
});
