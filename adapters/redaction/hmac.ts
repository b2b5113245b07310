import { createHmac } from "node:crypto";
import type { Pseudonymizer } from "../../ports/redaction.ts";

/** Values whose hash is remembered; the same addresses and users recur line after line. */
const CACHE_LIMIT = 20_000;

/**
 * HMAC-SHA256 keyed with the deployment secret, through node:crypto because
 * it is synchronous (Web Crypto's is not, and redaction runs inside parsing).
 *
 * @example
 * ```ts
 * import { hmacPseudonymizer } from "./hmac.ts";
 * import assert from "node:assert/strict";
 * const hash = hmacPseudonymizer("key");
 * assert.equal(
 *   hash.pseudonymize("The quick brown fox jumps over the lazy dog"),
 *   "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
 * );
 * ```
 */
export function hmacPseudonymizer(secret: string): Pseudonymizer {
  const known = new Map<string, string>();
  return {
    pseudonymize(value) {
      let hex = known.get(value);
      if (hex === undefined) {
        hex = createHmac("sha256", secret).update(value).digest("hex");
        if (known.size >= CACHE_LIMIT) known.clear();
        known.set(value, hex);
      }
      return hex;
    },
  };
}
