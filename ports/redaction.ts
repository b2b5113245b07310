import type { RedactionRules } from "../domain/redaction/mod.ts";

/**
 * The keyed hash behind placeholders: the first hex digits (at least six)
 * of HMAC-SHA256(deployment secret, value). Synchronous, because it runs on
 * every value found in the ingest hot path.
 */
export interface Pseudonymizer {
  pseudonymize(value: string): string;
}

/** What redaction needs to reach a parsing worker: plain data, cloned into it. */
export interface RedactionSettings {
  /** The deployment secret the pseudonyms are keyed with; never logged. */
  readonly secret: string;
  readonly rules: RedactionRules;
}
