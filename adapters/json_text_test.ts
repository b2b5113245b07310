import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonDepthBeyond, locateJsonError, parseJsonTextPaced } from "./json_text.ts";
import { Pacer } from "../ports/pacing.ts";
import { cutText, jsonFragments } from "../test/support/json_fragments.ts";
import { LoupeError } from "../ports/errors.ts";

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

Deno.test("property: a text in parts gets the same value, the same depth refusal and the same error as whole", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.json(),
        fc.array(jsonFragments, { maxLength: 20 }).map((parts) => parts.join("")),
      ),
      fc.array(fc.nat(), { maxLength: 5 }),
      fc.integer({ min: 1, max: 4 }),
      async (text, cuts, maxDepth) => {
        const parts = cutText(text, cuts);
        const outcome = async (input: string | string[]) => {
          try {
            return { value: await parseJsonTextPaced(input, new Pacer(1000), maxDepth) };
          } catch (error) {
            assert.ok(error instanceof LoupeError, String(error));
            return { message: error.message, details: error.details };
          }
        };
        assert.deepEqual(await outcome(parts), await outcome(text), JSON.stringify(parts));
        const beyond = jsonDepthBeyond(text, maxDepth);
        if (beyond !== undefined) {
          assert.deepEqual((await outcome(parts)).details, { max_depth: maxDepth, offset: beyond });
        }
      },
    ),
    { numRuns: 1000 },
  );
});
