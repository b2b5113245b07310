import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { hmacPseudonymizer } from "./hmac.ts";

Deno.test("each value's pseudonym begins its own HMAC-SHA256, whatever was hashed before it", () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 100 }),
      // Drawn from few values, so they recur across the remembered generations.
      fc.uniqueArray(fc.string({ unit: "grapheme", maxLength: 300 }), {
        minLength: 1,
        maxLength: 12,
      })
        .chain((pool) => fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 60 })),
      fc.integer({ min: 1, max: 8 }),
      (secret, values, generation) => {
        const pseudonymizer = hmacPseudonymizer(secret, generation);
        for (const value of values) {
          assert.equal(
            pseudonymizer.pseudonymize(value),
            createHmac("sha256", secret).update(value, "utf8").digest("hex").slice(0, 8),
          );
        }
      },
    ),
  );
});
