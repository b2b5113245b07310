import type { LogBatchIngestedData } from "../../domain/events.ts";
import { originOf } from "../../domain/customers/mod.ts";
import { recordGroupsOf } from "../../ports/event_store.ts";

const HOUR = 3_600_000;
/** Example lines kept per signature. */
export const EXAMPLES_KEPT = 10;

/**
 * The records of one batch that share everything the read models count
 * by: signature, origin (owner, tenant, environment), version, hour and
 * severity.
 */
export interface RecordGroup {
  readonly signatureId: string;
  readonly owner: string;
  readonly tenant: string;
  readonly environment: string;
  /** "" for records without a version. */
  readonly version: string;
  readonly hour: number;
  readonly severityNumber: number;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export interface BatchSummary {
  readonly groups: readonly RecordGroup[];
  /** Per signature, the indexes of its last {@linkcode EXAMPLES_KEPT} records, in order. */
  readonly latest: ReadonlyMap<string, readonly number[]>;
}

const summaries = new WeakMap<LogBatchIngestedData, BatchSummary>();

/**
 * A batch's records grouped once for every projection that counts them: a
 * batch of thousands of records has a few hundred groups at most, and each
 * projection then works per group instead of per record. Kept per batch
 * object, so the projections of one chunk share it.
 */
export function summarize(batch: LogBatchIngestedData): BatchSummary {
  let summary = summaries.get(batch);
  if (summary === undefined) summaries.set(batch, summary = summarizeNow(batch));
  return summary;
}

function summarizeNow(batch: LogBatchIngestedData): BatchSummary {
  const { context } = batch;
  const grouped = recordGroupsOf(batch);
  const groups: RecordGroup[] = [];
  // signature -> origin and version -> hour -> severity -> group. Nested maps
  // instead of one key string per record: building and hashing that string
  // was a sixth of replay's time. Signature ids repeat as the same strings
  // (one per batch and signature), so their hashes are computed once.
  const bySignature = new Map<string, Map<string, Map<number, Map<number, RecordGroup>>>>();
  const latest = new Map<string, number[]>();
  // A batch stored with its origin has all its records from there: their
  // customer, environment and attributes need not be read.
  const shared = batch.origin;
  let previous: { owner: string; tenant: string; environment: string; version: string } | undefined;
  let previousKey = "";
  for (let group = 0; group < grouped.groups.length; group++) {
    const first = grouped.groups[group]!.first;
    const signatureIds = grouped.field(group, "signatureId");
    const timestamps = grouped.field(group, "timestamp");
    const severities = grouped.field(group, "severityNumber");
    const versions = grouped.field(group, "version");
    const customers = shared === undefined ? grouped.field(group, "customer") : undefined;
    const environments = shared === undefined ? grouped.field(group, "environment") : undefined;
    const attributes = shared === undefined ? grouped.field(group, "attributes") : undefined;
    for (let at = 0; at < signatureIds.length; at++) {
      const signatureId = signatureIds[at]!;
      const timestamp = timestamps[at]!;
      const severityNumber = severities[at]!;
      const { owner, tenant, environment } = shared ?? originOf({
        customer: customers![at] ?? null,
        environment: environments![at] ?? null,
        attributes: attributes![at]!,
      }, context);
      const version = versions[at] ?? context.version ?? "";
      // A batch's records mostly share their origin and version: their key is
      // built when they change.
      if (
        previous === undefined || previous.owner !== owner || previous.tenant !== tenant ||
        previous.environment !== environment || previous.version !== version
      ) {
        previous = { owner, tenant, environment, version };
        previousKey = `${owner}\u0000${tenant}\u0000${environment}\u0000${version}`;
      }
      const hour = Math.floor(timestamp / HOUR) * HOUR;
      const byOrigin = getOrAdd(bySignature, signatureId, () => new Map());
      const byHour = getOrAdd(byOrigin, previousKey, () => new Map());
      const bySeverity = getOrAdd(byHour, hour, () => new Map());
      const found = bySeverity.get(severityNumber);
      if (found === undefined) {
        const added: RecordGroup = {
          signatureId,
          owner,
          tenant,
          environment,
          version,
          hour,
          severityNumber,
          count: 1,
          firstSeen: timestamp,
          lastSeen: timestamp,
        };
        bySeverity.set(severityNumber, added);
        groups.push(added);
      } else {
        found.count++;
        if (timestamp < found.firstSeen) found.firstSeen = timestamp;
        if (timestamp > found.lastSeen) found.lastSeen = timestamp;
      }
      let indexes = latest.get(signatureId);
      if (indexes === undefined) latest.set(signatureId, indexes = []);
      indexes.push(first + at);
      if (indexes.length > 2 * EXAMPLES_KEPT) indexes.splice(0, indexes.length - EXAMPLES_KEPT);
    }
  }
  for (const [signatureId, indexes] of latest) {
    if (indexes.length > EXAMPLES_KEPT) latest.set(signatureId, indexes.slice(-EXAMPLES_KEPT));
  }
  return { groups, latest };
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, value = make());
  return value;
}
