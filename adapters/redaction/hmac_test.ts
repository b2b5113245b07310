import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { hmacPseudonymizer } from "./hmac.ts";

Deno.test("each value's pseudonym is its own HMAC-SHA256, whatever was hashed before it", () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 100 }),
      fc.array(fc.string({ unit: "grapheme", maxLength: 300 }), { minLength: 1, maxLength: 20 }),
      (secret, values) => {
        const pseudonymizer = hmacPseudonymizer(secret);
        for (const value of values) {
          assert.equal(
            pseudonymizer.pseudonymize(value),
            createHmac("sha256", secret).update(value, "utf8").digest("hex"),
          );
        }
      },
    ),
  );
});
