/**
 * Redaction applied where logs are parsed (on the parsing workers too), so a
 * record, a quarantined line and everything mined from them are redacted
 * before they reach the store or the miner.
 *
 * @module
 */
import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import { PrivateKeyFollower, Redactor, redactParsedLog } from "../../domain/redaction/mod.ts";
import type { SourcedLog } from "../../ports/log_source.ts";
import type { RedactionSettings } from "../../ports/redaction.ts";
import { hmacPseudonymizer } from "./hmac.ts";

// Settings reach a worker as a fresh clone per message: the compiled
// redactor is kept for the last settings seen, by content.
let lastKey: string | undefined;
let lastRedactor: Redactor | undefined;

/** The redactor for `settings`, built once per distinct settings. */
export function redactorOf(settings: RedactionSettings): Redactor {
  const key = `${settings.secret}\u0000${JSON.stringify(settings.rules)}`;
  if (key !== lastKey) {
    const hash = hmacPseudonymizer(settings.secret);
    lastRedactor = new Redactor(settings.rules, (value) => hash.pseudonymize(value));
    lastKey = key;
  }
  return lastRedactor!;
}

/**
 * Records and quarantined lines of one source, redacted in place (the
 * arrays are the parser's own). Each record follows its own customer's
 * rules: its `customer` field, or the source's. One `follower` per source,
 * across its batches, finds private keys split over records.
 */
export function redactSourced(
  records: SourcedLog[],
  quarantined: QuarantinedLine[],
  context: SourceContext,
  redactor: Redactor,
  follower: PrivateKeyFollower = new PrivateKeyFollower(),
): void {
  const sourceRedactor = redactor.forCustomer(context.customer);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const customer = record.parsed.customer;
    const own = customer === undefined ? sourceRedactor : redactor.forCustomer(customer);
    const parsed = redactParsedLog(record.parsed, own, follower);
    if (parsed !== record.parsed) records[i] = { ...record, parsed };
  }
  for (let i = 0; i < quarantined.length; i++) {
    const line = quarantined[i]!;
    const raw = sourceRedactor.text(line.raw);
    // A parser's reason can quote the line (`"jane@acme.example" is not valid JSON`).
    const reason = sourceRedactor.text(line.reason);
    if (raw !== line.raw || reason !== line.reason) quarantined[i] = { ...line, raw, reason };
  }
}
