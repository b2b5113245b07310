import assert from "node:assert/strict";
import { groupingAccuracy, normalizeTemplate, parsingAccuracy } from "./accuracy.ts";

Deno.test("grouping accuracy: a perfect grouping scores 1 whatever the group names", () => {
  assert.equal(groupingAccuracy(["x", "x", "y", "z"], ["E1", "E1", "E2", "E3"]), 1);
});

Deno.test("grouping accuracy: splitting a truth group makes all its lines wrong", () => {
  // E1 (lines 0-2) is split into a/b; E2 (line 3) is right.
  assert.equal(groupingAccuracy(["a", "a", "b", "c"], ["E1", "E1", "E1", "E2"]), 0.25);
});

Deno.test("grouping accuracy: merging two truth groups makes both wrong", () => {
  // E1 and E2 merged into a; E3 right.
  assert.equal(groupingAccuracy(["a", "a", "a", "b"], ["E1", "E1", "E2", "E3"]), 0.25);
});

Deno.test("grouping accuracy: a split and a merge at once", () => {
  const predicted = ["a", "a", "b", "b", "b", "c", "d", "d"];
  const truth = ["E1", "E1", "E1", "E2", "E2", "E3", "E4", "E4"];
  // E1 split (a | b) and b also holds E2: E1, E2 wrong; E3, E4 right.
  assert.equal(groupingAccuracy(predicted, truth), 3 / 8);
});

Deno.test("grouping accuracy: empty input and length mismatch", () => {
  assert.equal(groupingAccuracy([], []), 1);
  assert.throws(() => groupingAccuracy(["a"], []), /Cannot compute grouping accuracy/);
});

Deno.test("parsing accuracy: exact templates after normalisation", () => {
  const truth = ["Took <*> ms", "open <*>", "user <*> logged in"];
  assert.equal(
    parsingAccuracy(["Took <num> ms", "open <path>", "user bob logged in"], truth),
    2 / 3,
  );
  assert.equal(parsingAccuracy([], []), 1);
  assert.throws(() => parsingAccuracy(["a"], []), /Cannot compute parsing accuracy/);
});

Deno.test("normalizeTemplate follows the Loghub-2.0 template correction", () => {
  // Consecutive and dot/colon-joined variables merge; glued words become variables.
  assert.equal(normalizeTemplate("time: <*>.<*> at <*>:<*>"), "time: <*> at <*>");
  assert.equal(normalizeTemplate("block blk_<*> done"), "block <*> done");
  // Digits, paths, booleans, whitespace.
  assert.equal(normalizeTemplate("  port 8080   open /var/log/x  true "), "port <*> open <*> <*>");
  // Typed placeholders count as <*>.
  assert.equal(normalizeTemplate("from <ip> in <duration>"), "from <*> in <*>");
  // Words stay words.
  assert.equal(normalizeTemplate("VM Paused (Lifecycle Event)"), "VM Paused (Lifecycle Event)");
});
