import assert from "node:assert/strict";
import fc from "fast-check";
import { SignatureMiner } from "./miner.ts";
import { skeletonsOf } from "./skeletons.ts";

const word = fc.constantFrom("disk", "full", "took", "ms", "user", "at", "Jul", "failed");
const value = fc.oneof(
  fc.nat().map(String),
  fc.ipV4(),
  fc.uuid(),
  fc.constantFrom("/var/log/app.log", "0x1f", "12:01:33", "id=42"),
);
const line = fc.array(fc.oneof(word, value), { minLength: 0, maxLength: 6 }).map((tokens) =>
  tokens.join(" ")
);
const trace = fc.tuple(line, fc.constantFrom("IllegalStateException", "IOException"), fc.nat(99))
  .map(([head, exception, at]) =>
    `${head}\njava.lang.${exception}: bad ${at}\n\tat com.acme.Pay.charge(Pay.java:${at})`
  );
const messages = fc.array(fc.oneof({ arbitrary: line, weight: 4 }, trace), { maxLength: 60 });

Deno.test("skeletonsOf: each message points at its own key, kept once, with its first message", () => {
  fc.assert(
    fc.property(messages, (batch) => {
      const { keys, examples, skeletonOf } = skeletonsOf(batch);
      assert.equal(skeletonOf.length, batch.length);
      assert.equal(new Set(keys).size, keys.length);
      assert.equal(examples.length, keys.length);
      batch.forEach((message, i) => {
        const k = skeletonOf[i]!;
        // A message's key does not depend on the batch around it.
        assert.equal(keys[k], skeletonsOf([message]).keys[0]);
        assert.equal(examples[k], batch[batch.findIndex((_, j) => skeletonOf[j] === k)]);
      });
      // Keys are numbered in the order they first appear.
      let seen = -1;
      for (const k of skeletonOf) {
        assert.ok(k <= seen + 1);
        seen = Math.max(seen, k);
      }
    }),
  );
});

Deno.test("mining skeletons that crossed a thread boundary answers as mining the messages", () => {
  fc.assert(
    fc.property(fc.array(messages, { maxLength: 5 }), (batches) => {
      const direct = new SignatureMiner();
      const reduced = new SignatureMiner();
      for (const batch of batches) {
        assert.deepEqual(
          reduced.mineSkeletons(structuredClone(skeletonsOf(batch))),
          direct.mine(batch),
        );
      }
    }),
    { numRuns: 50 },
  );
});
