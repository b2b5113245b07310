import type {
  CustomerCount,
  ExampleLine,
  QuarantinePage,
  SignatureDetail,
  SignaturePage,
  SignatureQuery,
  SignatureSummary,
} from "../../ports/application.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { ProjectionReader } from "../../ports/projection_store.ts";
import type { QuarantinedLine } from "../../domain/log_record.ts";
import type { Origin } from "../../domain/customers/mod.ts";
import { type AttributedOrigin, type Attribution, originKey } from "../customers/attribution.ts";
import { hourCounts } from "../projections/hour_rows.ts";
import { ISSUE_GROUP_TABLES, issueOfSignature } from "../projections/issue_groups.ts";
import {
  type CatalogEntry,
  type CustomerTally,
  type OriginTally,
  TABLES,
} from "../projections/signatures.ts";
import { HOUR_MS } from "../../domain/time.ts";

/**
 * The signature catalogue, filtered. A time range is answered from the hourly
 * rollups (hour granularity), never by scanning records; customers are
 * counted through the directory in force.
 */
export function listSignatures(
  reader: ProjectionReader,
  attribution: Attribution,
  query: SignatureQuery,
): SignaturePage {
  const matching: SignatureSummary[] = [];
  const origins = query.customer === undefined ? undefined : attribution.originsOf(query.customer);
  const entries = origins === undefined
    ? [...reader.range<CatalogEntry>(TABLES.signatures)].map((e) => e.value)
    : customerEntries(reader, origins);
  const ranged = query.from !== undefined || query.to !== undefined;
  for (const entry of entries) {
    if (entry.count === 0) continue;
    if (query.minSeverity !== undefined && entry.severityNumber < query.minSeverity) continue;
    let shown = entry;
    if (ranged) {
      const count = countInRange(reader, entry.signatureId, origins, query);
      if (count === 0) continue;
      shown = { ...shown, count };
    }
    matching.push({ ...shown, customers: origins === undefined ? -1 : 1 });
  }
  // Ties broken by id so pages never overlap or skip.
  matching.sort((a, b) => b.count - a.count || (a.signatureId < b.signatureId ? -1 : 1));
  const items = matching.slice(query.offset, query.offset + query.limit).map((summary) =>
    summary.customers === -1
      ? { ...summary, customers: attribution.affectedCount(summary.signatureId) }
      : summary
  );
  return { total: matching.length, items };
}

/** The catalogue entries of a customer's signatures, with the customer's own counts. */
function customerEntries(
  reader: ProjectionReader,
  origins: readonly AttributedOrigin[],
): CatalogEntry[] {
  const own = new Map<string, CustomerTally>();
  for (const origin of origins) {
    const key = originKey(origin);
    for (const { key: found } of reader.range<number>(TABLES.originSignatures, { prefix: key })) {
      const signatureId = String(found[3]);
      const tally = reader.get<CustomerTally>(TABLES.byOrigin, [signatureId, ...key]);
      if (tally === undefined) continue;
      const before = own.get(signatureId);
      own.set(
        signatureId,
        before === undefined ? tally : {
          count: before.count + tally.count,
          firstSeen: Math.min(before.firstSeen, tally.firstSeen),
          lastSeen: Math.max(before.lastSeen, tally.lastSeen),
        },
      );
    }
  }
  const entries: CatalogEntry[] = [];
  for (const [signatureId, tally] of own) {
    const entry = reader.get<CatalogEntry>(TABLES.signatures, [signatureId]);
    if (entry !== undefined) {
      entries.push({
        ...entry,
        count: tally.count,
        firstSeen: tally.firstSeen,
        lastSeen: tally.lastSeen,
      });
    }
  }
  return entries;
}

/** Customer -> the signature's counts at that customer's origins; unattributed ones left out. */
export function affectedCustomers(
  reader: ProjectionReader,
  attribution: Attribution,
  signatureId: string,
): Map<string, { origins: Origin[]; tallies: OriginTally[] }> {
  const byCustomer = new Map<string, { origins: Origin[]; tallies: OriginTally[] }>();
  for (
    const { key, value } of reader.range<OriginTally>(TABLES.byOrigin, { prefix: [signatureId] })
  ) {
    const origin = { owner: String(key[1]), tenant: String(key[2]), environment: String(key[3]) };
    const customer = attribution.customerOf(origin);
    if (customer === null) continue;
    const entry = byCustomer.get(customer);
    if (entry === undefined) byCustomer.set(customer, { origins: [origin], tallies: [value] });
    else {
      entry.origins.push(origin);
      entry.tallies.push(value);
    }
  }
  return byCustomer;
}

function countInRange(
  reader: ProjectionReader,
  signatureId: string,
  origins: readonly Origin[] | undefined,
  query: SignatureQuery,
): number {
  const fromHour = query.from === undefined
    ? undefined
    : Math.floor(query.from / HOUR_MS) * HOUR_MS;
  const toHour = query.to === undefined ? undefined : Math.ceil(query.to / HOUR_MS) * HOUR_MS;
  const sum = (table: string, prefix: readonly (string | number)[]) => {
    let total = 0;
    for (const [, n] of hourCounts(reader, table, prefix, fromHour, toHour)) total += n;
    return total;
  };
  if (origins === undefined) return sum(TABLES.hourlyTotal, [signatureId]);
  let total = 0;
  for (const origin of origins) total += sum(TABLES.hourly, [signatureId, ...originKey(origin)]);
  return total;
}

export function signatureDetail(
  reader: ProjectionReader,
  attribution: Attribution,
  signatureId: string,
): SignatureDetail {
  const entry = reader.get<CatalogEntry>(TABLES.signatures, [signatureId]);
  if (entry === undefined) {
    throw new LoupeError("not_found", `Cannot find signature ${signatureId}`);
  }
  const byCustomer = new Map<string | null, CustomerCount>();
  for (
    const { key, value } of reader.range<OriginTally>(TABLES.byOrigin, { prefix: [signatureId] })
  ) {
    const customer = attribution.customerOf({
      owner: String(key[1]),
      tenant: String(key[2]),
      environment: String(key[3]),
    });
    const before = byCustomer.get(customer);
    byCustomer.set(customer, {
      customer,
      count: (before?.count ?? 0) + value.count,
      firstSeen: Math.min(before?.firstSeen ?? Infinity, value.firstSeen),
      lastSeen: Math.max(before?.lastSeen ?? -Infinity, value.lastSeen),
    });
  }
  const examples = [...(reader.get<ExampleLine[]>(TABLES.examples, [signatureId]) ?? [])].reverse();
  return {
    ...entry,
    issueId: reader.get(ISSUE_GROUP_TABLES.signatures, [signatureId]) === undefined
      ? null
      : issueOfSignature(reader, signatureId),
    customers: [...byCustomer.keys()].filter((c) => c !== null).length,
    examples,
    // Unattributed last among equals, then by id, so the order is stable.
    byCustomer: [...byCustomer.values()].sort((a, b) =>
      b.count - a.count || (a.customer === null ? 1 : 0) - (b.customer === null ? 1 : 0) ||
      (String(a.customer) < String(b.customer) ? -1 : 1)
    ),
  };
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
