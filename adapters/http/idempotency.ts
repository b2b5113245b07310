/**
 * The `Idempotency-Key` header at the edge: bounded and printable before it
 * reaches the store, and bound to what the request says (its fingerprint),
 * as the IETF Idempotency-Key draft and Stripe do.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { LoupeError } from "../../ports/errors.ts";

/** Longest idempotency key accepted (Stripe allows 255). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The request's key, checked, or undefined when it sent none.
 *
 * @example
 * ```ts
 * import { idempotencyKeyOf } from "./idempotency.ts";
 * import assert from "node:assert/strict";
 * assert.equal(idempotencyKeyOf("retry-7"), "retry-7");
 * assert.equal(idempotencyKeyOf(undefined), undefined);
 * assert.throws(() => idempotencyKeyOf("k".repeat(256)), /at most 255/);
 * ```
 */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.length === 0 || header.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new LoupeError(
      "validation_failed",
      `Invalid Idempotency-Key: it must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (at most ${MAX_IDEMPOTENCY_KEY_LENGTH}), got ${header.length}`,
      { header: "idempotency-key", max_length: MAX_IDEMPOTENCY_KEY_LENGTH },
    );
  }
  if (!PRINTABLE_ASCII.test(header)) {
    throw new LoupeError(
      "validation_failed",
      "Invalid Idempotency-Key: only printable ASCII characters are allowed",
      { header: "idempotency-key" },
    );
  }
  return header;
}

/**
 * A SHA-256 over the parts of a request that decide what it writes: the same
 * body and parameters give the same fingerprint.
 */
export function requestFingerprint(parts: readonly (string | Uint8Array)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) {
    const bytes = typeof part === "string" ? new TextEncoder().encode(part) : part;
    // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  }
  return hash.digest("hex");
}
