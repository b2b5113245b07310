import type {
  CustomerCount,
  ExampleLine,
  QuarantinePage,
  SignatureDetail,
  SignaturePage,
  SignatureQuery,
  SignatureSummary,
} from "../ports/application.ts";
import { LoupeError } from "../ports/errors.ts";
import type { ProjectionReader } from "../ports/projection_store.ts";
import type { QuarantinedLine } from "../domain/log_record.ts";
import { type CustomerTally, HOUR_MS, TABLES, UNKNOWN_CUSTOMER } from "./projections/signatures.ts";

/**
 * The signature catalogue, filtered. A time range is answered from the hourly
 * rollups (hour granularity), never by scanning records.
 */
export function listSignatures(reader: ProjectionReader, query: SignatureQuery): SignaturePage {
  const matching: SignatureSummary[] = [];
  const candidates = query.customer === undefined
    ? [...reader.range<SignatureSummary>(TABLES.signatures)].map((e) => e.value)
    : [...reader.range<number>(TABLES.customerSignatures, { prefix: [query.customer] })]
      .map((e) => reader.get<SignatureSummary>(TABLES.signatures, [e.key[1]!]))
      .filter((s): s is SignatureSummary => s !== undefined);
  const ranged = query.from !== undefined || query.to !== undefined;
  for (const summary of candidates) {
    if (summary.count === 0) continue;
    if (query.minSeverity !== undefined && summary.severityNumber < query.minSeverity) continue;
    let shown = summary;
    if (query.customer !== undefined) {
      const tally = reader.get<CustomerTally>(TABLES.byCustomer, [
        summary.signatureId,
        query.customer,
      ]);
      if (tally === undefined) continue;
      shown = { ...summary, ...tally, customers: 1 };
    }
    if (ranged) {
      const count = countInRange(reader, summary.signatureId, query);
      if (count === 0) continue;
      shown = { ...shown, count };
    }
    matching.push(shown);
  }
  // Ties broken by id so pages never overlap or skip.
  matching.sort((a, b) => b.count - a.count || (a.signatureId < b.signatureId ? -1 : 1));
  return {
    total: matching.length,
    items: matching.slice(query.offset, query.offset + query.limit),
  };
}

function countInRange(
  reader: ProjectionReader,
  signatureId: string,
  query: SignatureQuery,
): number {
  const fromHour = query.from === undefined
    ? undefined
    : Math.floor(query.from / HOUR_MS) * HOUR_MS;
  const toHour = query.to === undefined ? undefined : Math.ceil(query.to / HOUR_MS) * HOUR_MS;
  const prefix = query.customer === undefined ? [signatureId] : [signatureId, query.customer];
  const table = query.customer === undefined ? TABLES.hourlyTotal : TABLES.hourly;
  let total = 0;
  for (
    const { value } of reader.range<number>(table, {
      prefix,
      ...(fromHour === undefined ? {} : { start: [...prefix, fromHour] }),
      ...(toHour === undefined ? {} : { end: [...prefix, toHour] }),
    })
  ) total += value;
  return total;
}

export function signatureDetail(reader: ProjectionReader, signatureId: string): SignatureDetail {
  const summary = reader.get<SignatureSummary>(TABLES.signatures, [signatureId]);
  if (summary === undefined) {
    throw new LoupeError("not_found", `Cannot find signature ${signatureId}`);
  }
  const byCustomer: CustomerCount[] = [
    ...reader.range<CustomerTally>(TABLES.byCustomer, { prefix: [signatureId] }),
  ]
    .map(({ key, value }) => ({
      customer: key[1] === UNKNOWN_CUSTOMER ? null : String(key[1]),
      ...value,
    }))
    .sort((a, b) => b.count - a.count);
  const examples = [...(reader.get<ExampleLine[]>(TABLES.examples, [signatureId]) ?? [])].reverse();
  return { ...summary, examples, byCustomer };
}

export function quarantinePage(
  reader: ProjectionReader,
  limit: number,
  offset: number,
): QuarantinePage {
  const items = [
    ...reader.range<QuarantinedLine>(TABLES.quarantine, { reverse: true, limit, offset }),
  ]
    .map((e) => e.value);
  return { total: reader.count(TABLES.quarantine), items };
}
