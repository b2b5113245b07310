import assert from "node:assert/strict";
import fc from "fast-check";
import { Pacer } from "../ports/pacing.ts";
import { parseJsonPaced } from "./paced_json.ts";
import { cutText, jsonFragments } from "../test/support/json_fragments.ts";

/** Either the value, or that it threw a SyntaxError. */
async function outcome(parse: () => unknown): Promise<unknown> {
  try {
    return { value: await parse() };
  } catch (error) {
    assert.ok(error instanceof SyntaxError, String(error));
    return "SyntaxError";
  }
}

Deno.test("property: the paced parse reads any JSON document as JSON.parse does", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.jsonValue(),
      fc.constantFrom(undefined, 0, 1, 2, "\t"),
      fc.integer({ min: 0, max: 4 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      async (value, space, depth, cuts) => {
        const text = JSON.stringify(value, null, space);
        assert.deepEqual(await parseJsonPaced(text, new Pacer(1000), depth), JSON.parse(text));
        assert.deepEqual(
          await parseJsonPaced(cutText(text, cuts), new Pacer(1000), depth),
          JSON.parse(text),
          "the same text in parts",
        );
      },
    ),
  );
});

Deno.test("property: malformed text is refused exactly when JSON.parse refuses it", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(jsonFragments, { maxLength: 14 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      async (parts, cuts) => {
        const text = parts.join("");
        const expected = await outcome(() => JSON.parse(text));
        assert.deepEqual(
          await outcome(() => parseJsonPaced(text, new Pacer(1000))),
          expected,
          text,
        );
        assert.deepEqual(
          await outcome(() => parseJsonPaced(cutText(text, cuts), new Pacer(1000))),
          expected,
          `${text} in parts`,
        );
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("a large export is parsed in slices: timers run meanwhile", async () => {
  const tickets = Array.from({ length: 300 }, (_, i) => ({
    id: `T-${i}`,
    subject: `Checkout fails with card declined (${i}) \u00e9\u{1F600}`,
    comments: [{ body: "Looking into it.", at: "2026-01-01T00:00:00Z" }],
  }));
  const bytes = new TextEncoder().encode(JSON.stringify({ tickets }));
  let turns = 0;
  const timer = setInterval(() => turns++, 0);
  try {
    // A slice of 0 ms yields at every member: the loop runs between them.
    const text = new TextDecoder().decode(bytes);
    const parsed = await parseJsonPaced(text, new Pacer(0)) as { tickets: unknown[] };
    assert.equal(parsed.tickets.length, tickets.length);
    assert.deepEqual(parsed.tickets[299], tickets[299]);
  } finally {
    clearInterval(timer);
  }
  assert.ok(turns > 100, `timers ran ${turns} times`);
});
