/**
 * The rules every push to `POST /v1/logs` obeys, whatever its body (lines,
 * JSON, CSV or OTLP): a cap on records per request, a cap on quarantine rows
 * stored per batch, and idempotency keys scoped to the origin and bound to
 * the request. One module, so the text path and the OTLP path cannot drift.
 *
 * @module
 */
import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import { LoupeError } from "../../ports/errors.ts";
import { idempotencyKeyOf, requestFingerprint } from "./idempotency.ts";

/** Lines (or OTLP log records) per ingest request when the configuration names no limit. */
export const DEFAULT_MAX_LINES = 100_000;
/** Quarantined lines stored per batch; the rest are counted in one summary row. */
export const QUARANTINE_ROWS_PER_BATCH = 1_000;

/** Refuses a request that carries more than `maxLines` lines or records. */
export function checkLineCount(count: number, maxLines: number, what = "lines"): void {
  if (count > maxLines) {
    throw new LoupeError(
      "payload_too_large",
      `Request body has more than ${maxLines} ${what}: send at most ${maxLines} per request`,
      { limit_lines: maxLines },
    );
  }
}

/**
 * The idempotency fields of an ingest request, from its `Idempotency-Key`
 * header: the key checked, scoped to the origin (another customer's key never
 * collides), and a fingerprint of what the request says (another body under
 * a used key is refused with 409). Empty when the request sent no key.
 */
export function ingestIdempotency(
  header: string | null | undefined,
  context: Pick<SourceContext, "customer" | "environment">,
  fingerprintParts: () => readonly (string | Uint8Array)[],
): { idempotencyKey?: string; fingerprint?: string } {
  const key = idempotencyKeyOf(header ?? undefined);
  if (key === undefined) return {};
  return {
    idempotencyKey: `logs\u0000${context.customer ?? ""}\u0000${
      context.environment ?? ""
    }\u0000${key}`,
    fingerprint: requestFingerprint(fingerprintParts()),
  };
}

/** A query string in one order, for fingerprints: `?a=1&b=2` and `?b=2&a=1` say the same. */
export function canonicalQuery(query: Record<string, string>): string {
  return JSON.stringify(Object.keys(query).sort().map((key) => [key, query[key]]));
}

/**
 * The quarantined lines a batch stores: the first ones as they are, the rest
 * counted in one row, so a body of junk cannot store millions of rows.
 */
export function capQuarantine(lines: readonly QuarantinedLine[]): readonly QuarantinedLine[] {
  if (lines.length <= QUARANTINE_ROWS_PER_BATCH) return lines;
  const kept = lines.slice(0, QUARANTINE_ROWS_PER_BATCH);
  const first = lines[QUARANTINE_ROWS_PER_BATCH]!;
  kept.push({
    source: first.source,
    line: first.line,
    ...(first.offset === undefined ? {} : { offset: first.offset }),
    reason: `${
      lines.length - QUARANTINE_ROWS_PER_BATCH
    } more lines quarantined from line ${first.line} on, not kept (at most ${QUARANTINE_ROWS_PER_BATCH} rows per batch); the first: ${first.reason}`,
    raw: first.raw,
  });
  return kept;
}
