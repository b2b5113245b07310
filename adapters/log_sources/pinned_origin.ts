import type { ParsedLog } from "../../domain/log_record.ts";
import type { SourcedLog } from "../../ports/log_source.ts";

/**
 * The record without a customer or environment of its own, so the batch's
 * context (set by an `ingest:` token) decides its origin: a record cannot
 * claim another one.
 *
 * @example
 * ```ts
 * import { withoutOwnOrigin } from "./pinned_origin.ts";
 * import assert from "node:assert/strict";
 * const parsed = { message: "x", customer: "globex", environment: "prod", attributes: {} };
 * assert.deepEqual(withoutOwnOrigin(parsed), { message: "x", attributes: {} });
 * ```
 */
export function withoutOwnOrigin(parsed: ParsedLog): ParsedLog {
  if (parsed.customer === undefined && parsed.environment === undefined) return parsed;
  const { customer: _customer, environment: _environment, ...rest } = parsed;
  return rest;
}

/** {@linkcode withoutOwnOrigin} for every record, in place. */
export function pinToContext(records: SourcedLog[]): void {
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const parsed = withoutOwnOrigin(record.parsed);
    if (parsed !== record.parsed) records[i] = { ...record, parsed };
  }
}
