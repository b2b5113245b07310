import { recordAt, recordGroupsOf, type StoredLoupeEvent } from "../../ports/event_store.ts";
import type { ProjectionReader, ProjectionWriter } from "../../ports/projection_store.ts";
import {
  contextualField,
  type LogBatchIngestedData,
  type StoredRecord,
} from "../../domain/events.ts";
import type { QuarantinedLine } from "../../domain/log_record.ts";
import type { MinerEvent } from "../../domain/mining/miner_events.ts";
import { severityTextOf } from "../../domain/severity.ts";
import { EXAMPLES_KEPT, type RecordGroup, summarize } from "./batch_summary.ts";
import type { Projection } from "./projection.ts";
import { addHourCounts } from "./hour_rows.ts";
import { asOfInfo } from "./as_of.ts";
import type { ExampleLine, SignatureSummary } from "../../ports/application.ts";
import { DAY_MS } from "../../domain/time.ts";

/** Counts of one signature (or one environment) as stored. */
export interface CustomerTally {
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** `[version, count, firstSeen, lastSeen]`; "" for records without a version. */
export type VersionTally = readonly [string, number, number, number];

/** One signature at one origin: its counts and the versions that logged it. */
export interface OriginTally extends CustomerTally {
  readonly versions: readonly VersionTally[];
}

/** A catalogue entry as stored; customers are counted by the queries, through the directory. */
export type CatalogEntry = Omit<SignatureSummary, "customers"> & {
  /** Distinct origins that logged it: its customers change only when this does (or the directory). */
  readonly origins: number;
};

export interface IngestTotals {
  readonly records: number;
  readonly quarantined: number;
  readonly batches: number;
  /** Time of the latest record: "now" for questions about historical data. */
  readonly latestRecordAt?: number;
}

export { EXAMPLES_KEPT };

export const TABLES = {
  signatures: "signatures",
  /** [signatureId, owner, tenant, environment] -> OriginTally. */
  byOrigin: "signature_origins",
  /** [owner, tenant, environment, signatureId] -> CustomerTally: what an origin logged, and when. */
  originSignatures: "origin_signatures",
  /** [signatureId, owner, tenant, environment, day] -> records by hour (see hour_rows.ts). */
  hourly: "signature_origin_hours",
  /** [signatureId, day] -> records by hour (see hour_rows.ts). */
  hourlyTotal: "signature_hours",
  /** [signatureId, version, day] -> records: per-version series, by day (versions last weeks). */
  versionDaily: "signature_version_days",
  /** [version, hour] -> every record of that version: its traffic. */
  versionTraffic: "version_hours",
  /** [signatureId, version] -> records, all time. */
  versionTotals: "signature_versions",
  /** [version] -> every record of that version, all time. */
  versionTrafficTotals: "version_totals",
  examples: "signature_examples",
  minerLog: "miner_log",
  quarantine: "quarantine",
  totals: "ingest_totals",
} as const;

/**
 * The signature catalogue and per-signature counts per origin (customer or
 * cluster, tenant, environment) per hour and per version: the base that
 * impact, trends and version correlation read.
 */
export const signatureProjection: Projection = {
  name: "signatures@2",
  tables: Object.values(TABLES),
  apply(events, tx) {
    const delta = new ChunkDelta();
    for (const event of events) delta.add(event);
    delta.writeTo(tx);
  },
};

interface Tally {
  count: number;
  firstSeen: number;
  lastSeen: number;
  severityNumber: number;
}

interface OriginDelta {
  readonly key: readonly string[];
  readonly tally: Tally;
  readonly versions: Map<string, Tally>;
  readonly hours: Map<number, number>;
}

/** Aggregates a chunk of events in memory, then writes each key once. */
class ChunkDelta {
  readonly minerEvents: { position: number; index: number; event: MinerEvent }[] = [];
  readonly signatures = new Map<string, Tally>();
  /** signatureId -> origin id -> counts. */
  readonly byOrigin = new Map<string, Map<string, OriginDelta>>();
  /** signatureId -> version -> day -> records. */
  readonly versionDaily = new Map<string, Map<string, Map<number, number>>>();
  /** version -> hour -> records. */
  readonly versionTraffic = new Map<string, Map<number, number>>();
  /**
   * The latest records of each signature in the chunk (by index in their
   * batch), built and made into example lines only when written.
   */
  readonly examples = new Map<string, { index: number; batch: LogBatchIngestedData }[]>();
  readonly quarantine: { position: number; index: number; line: QuarantinedLine }[] = [];
  records = 0;
  quarantined = 0;
  batches = 0;
  latestRecordAt = -Infinity;

  add(event: StoredLoupeEvent): void {
    switch (event.type) {
      // Kept as the miner wrote them, without the store's envelope: the miner log stores them.
      case "SignatureDiscovered":
        this.minerEvents.push({
          position: event.position,
          index: 0,
          event: { type: event.type, data: event.data },
        });
        return;
      case "SignatureGeneralized":
        this.minerEvents.push({
          position: event.position,
          index: 0,
          event: { type: event.type, data: event.data },
        });
        return;
      case "LogBatchIngested":
        this.addBatch(event.position, event.data);
        return;
    }
  }

  addBatch(position: number, batch: LogBatchIngestedData): void {
    this.batches++;
    this.records += recordGroupsOf(batch).count;
    this.quarantined += batch.quarantined.length;
    batch.quarantined.forEach((line, index) => this.quarantine.push({ position, index, line }));
    const { groups, latest } = summarize(batch);
    for (const group of groups) {
      const { signatureId, version, hour } = group;
      if (group.lastSeen > this.latestRecordAt) this.latestRecordAt = group.lastSeen;
      tally(this.signatures, signatureId, group);
      let origins = this.byOrigin.get(signatureId);
      if (origins === undefined) this.byOrigin.set(signatureId, origins = new Map());
      const originId = `${group.owner}\u0000${group.tenant}\u0000${group.environment}`;
      let at = origins.get(originId);
      if (at === undefined) {
        at = {
          key: [group.owner, group.tenant, group.environment],
          tally: newTally(group),
          versions: new Map(),
          hours: new Map(),
        };
        origins.set(originId, at);
      } else bump(at.tally, group);
      tally(at.versions, version, group);
      at.hours.set(hour, (at.hours.get(hour) ?? 0) + group.count);
      let versions = this.versionDaily.get(signatureId);
      if (versions === undefined) this.versionDaily.set(signatureId, versions = new Map());
      increment(versions, version, Math.floor(hour / DAY_MS) * DAY_MS, group.count);
      increment(this.versionTraffic, version, hour, group.count);
    }
    for (const [signatureId, indexes] of latest) {
      let examples = this.examples.get(signatureId);
      if (examples === undefined) this.examples.set(signatureId, examples = []);
      for (const index of indexes) examples.push({ index, batch });
      if (examples.length > EXAMPLES_KEPT) examples.splice(0, examples.length - EXAMPLES_KEPT);
    }
  }

  writeTo(tx: ProjectionWriter): void {
    for (const { position, index, event } of this.minerEvents) {
      const existing = tx.get<CatalogEntry>(TABLES.signatures, [event.data.signatureId]);
      // Its discovery may be unreadable (its customer forgotten): the miner
      // restores a generalization it has no discovery for as one.
      const unknown = existing === undefined || existing.generalizations === -1;
      tx.put(
        TABLES.minerLog,
        [position, index],
        event.type === "SignatureGeneralized" && unknown
          ? {
            type: "SignatureDiscovered",
            data: {
              signatureId: event.data.signatureId,
              template: event.data.template,
              state: event.data.state,
            },
          } satisfies MinerEvent
          : event,
      );
      tx.put(
        TABLES.signatures,
        [event.data.signatureId],
        {
          signatureId: event.data.signatureId,
          template: event.data.template,
          severityNumber: existing?.severityNumber ?? 0,
          count: existing?.count ?? 0,
          firstSeen: existing?.firstSeen ?? null,
          lastSeen: existing?.lastSeen ?? null,
          generalizations: (existing?.generalizations ?? -1) + 1,
          origins: existing?.origins ?? 0,
        } satisfies CatalogEntry,
      );
    }
    for (const [signatureId, origins] of this.byOrigin) {
      const totals = new Map<number, number>();
      let newOrigins = 0;
      for (const { key, tally: delta, versions, hours } of origins.values()) {
        const originKey = [signatureId, ...key];
        const before = tx.get<OriginTally>(TABLES.byOrigin, originKey);
        if (before === undefined) newOrigins++;
        const merged = mergeOrigin(before, delta, versions);
        tx.put(TABLES.byOrigin, originKey, merged);
        tx.put(
          TABLES.originSignatures,
          [...key, signatureId],
          {
            count: merged.count,
            firstSeen: merged.firstSeen,
            lastSeen: merged.lastSeen,
          } satisfies CustomerTally,
        );
        addHourCounts(tx, TABLES.hourly, originKey, hours);
        for (const [hour, n] of hours) totals.set(hour, (totals.get(hour) ?? 0) + n);
      }
      addHourCounts(tx, TABLES.hourlyTotal, [signatureId], totals);
      const delta = this.signatures.get(signatureId)!;
      // A batch whose signature's discovery was lost (a failed append the
      // miner had already learned from) still counts; the template arrives
      // when the miner rediscovers it.
      const entry = tx.get<CatalogEntry>(TABLES.signatures, [signatureId]) ?? {
        signatureId,
        template: "",
        severityNumber: 0,
        count: 0,
        firstSeen: null,
        lastSeen: null,
        generalizations: -1,
        origins: 0,
      };
      const merged = mergeCounts(
        entry.firstSeen === null ? undefined : entry as CustomerTally,
        delta,
      );
      tx.put(
        TABLES.signatures,
        [signatureId],
        {
          ...entry,
          ...merged,
          severityNumber: Math.max(entry.severityNumber, delta.severityNumber),
          origins: entry.origins + newOrigins,
        } satisfies CatalogEntry,
      );
    }
    for (const [signatureId, versions] of this.versionDaily) {
      for (const [version, days] of versions) {
        let total = 0;
        for (const [day, n] of days) {
          add(tx, TABLES.versionDaily, [signatureId, version, day], n);
          total += n;
        }
        add(tx, TABLES.versionTotals, [signatureId, version], total);
      }
    }
    for (const [version, hours] of this.versionTraffic) {
      let total = 0;
      for (const [hour, n] of hours) {
        add(tx, TABLES.versionTraffic, [version, hour], n);
        total += n;
      }
      add(tx, TABLES.versionTrafficTotals, [version], total);
    }
    for (const [signatureId, recent] of this.examples) {
      const before = tx.get<ExampleLine[]>(TABLES.examples, [signatureId]) ?? [];
      const latest = recent.slice(-EXAMPLES_KEPT).map((e) =>
        toExample(recordAt(recordGroupsOf(e.batch), e.index)!, e.batch)
      );
      tx.put(TABLES.examples, [signatureId], [...before, ...latest].slice(-EXAMPLES_KEPT));
    }
    for (const { position, index, line } of this.quarantine) {
      tx.put(TABLES.quarantine, [position, index], line);
    }
    const totals = tx.get<IngestTotals>(TABLES.totals, ["all"]) ??
      { records: 0, quarantined: 0, batches: 0 };
    tx.put(
      TABLES.totals,
      ["all"],
      {
        records: totals.records + this.records,
        quarantined: totals.quarantined + this.quarantined,
        batches: totals.batches + this.batches,
        ...(totals.latestRecordAt === undefined && this.latestRecordAt === -Infinity
          ? {}
          : { latestRecordAt: Math.max(totals.latestRecordAt ?? -Infinity, this.latestRecordAt) }),
      } satisfies IngestTotals,
    );
  }
}

function add(tx: ProjectionWriter, table: string, key: readonly (string | number)[], n: number) {
  tx.put(table, key, (tx.get<number>(table, key) ?? 0) + n);
}

function increment<K>(map: Map<K, Map<number, number>>, key: K, slot: number, n: number): void {
  let counts = map.get(key);
  if (counts === undefined) map.set(key, counts = new Map());
  counts.set(slot, (counts.get(slot) ?? 0) + n);
}

function newTally(group: RecordGroup): Tally {
  return {
    count: group.count,
    firstSeen: group.firstSeen,
    lastSeen: group.lastSeen,
    severityNumber: group.severityNumber,
  };
}

function bump(existing: Tally, group: RecordGroup): void {
  existing.count += group.count;
  if (group.firstSeen < existing.firstSeen) existing.firstSeen = group.firstSeen;
  if (group.lastSeen > existing.lastSeen) existing.lastSeen = group.lastSeen;
  if (group.severityNumber > existing.severityNumber) {
    existing.severityNumber = group.severityNumber;
  }
}

function mergeOrigin(
  before: OriginTally | undefined,
  delta: Tally,
  versions: ReadonlyMap<string, Tally>,
): OriginTally {
  const merged = new Map<string, VersionTally>();
  for (const v of before?.versions ?? []) merged.set(v[0], v);
  for (const [version, t] of versions) {
    const old = merged.get(version);
    merged.set(
      version,
      old === undefined ? [version, t.count, t.firstSeen, t.lastSeen] : [
        version,
        old[1] + t.count,
        Math.min(old[2], t.firstSeen),
        Math.max(old[3], t.lastSeen),
      ],
    );
  }
  return {
    ...mergeCounts(before, delta),
    versions: [...merged.values()].sort((a, b) => a[2] - b[2] || (a[0] < b[0] ? -1 : 1)),
  };
}

function tally(map: Map<string, Tally>, key: string, group: RecordGroup): void {
  const existing = map.get(key);
  if (existing === undefined) map.set(key, newTally(group));
  else bump(existing, group);
}

function mergeCounts(before: CustomerTally | undefined, delta: Tally): CustomerTally {
  if (before === undefined) {
    return { count: delta.count, firstSeen: delta.firstSeen, lastSeen: delta.lastSeen };
  }
  return {
    count: before.count + delta.count,
    firstSeen: Math.min(before.firstSeen, delta.firstSeen),
    lastSeen: Math.max(before.lastSeen, delta.lastSeen),
  };
}

function toExample(record: StoredRecord, batch: LogBatchIngestedData): ExampleLine {
  const { context, source } = batch;
  return {
    timestamp: record.timestamp,
    customer: contextualField(record, context, "customer"),
    environment: contextualField(record, context, "environment"),
    service: contextualField(record, context, "service"),
    version: contextualField(record, context, "version"),
    severityText: severityTextOf(record.severityNumber),
    message: record.message,
    source,
    line: record.line,
  };
}

/**
 * The latest trustworthy record time: "now" for questions about the data. A
 * handful of records far ahead of the rest do not move it (see as_of.ts).
 */
export function dataAsOf(reader: ProjectionReader): number {
  const totals = reader.get<IngestTotals>(TABLES.totals, ["all"]);
  if (totals?.latestRecordAt === undefined) return 0;
  return asOfInfo(reader, totals.records).asOf || totals.latestRecordAt;
}

/** How far back the list views (trends, summaries) look for signatures still logging. */
const RECENT_MS = 8 * DAY_MS;

/** Signatures at or above a severity that logged in the last 8 days of data: what list views show. */
export function recentSignatures(reader: ProjectionReader, minSeverity: number): CatalogEntry[] {
  const recent = dataAsOf(reader) - RECENT_MS;
  const out: CatalogEntry[] = [];
  for (const { value } of reader.range<CatalogEntry>(TABLES.signatures)) {
    if (value.severityNumber < minSeverity || value.count === 0) continue;
    if ((value.lastSeen ?? -Infinity) < recent) continue;
    out.push(value);
  }
  return out;
}

/** The miner's learned events, in the order they were appended. */
export function minerLog(reader: ProjectionReader): MinerEvent[] {
  return [...reader.range<MinerEvent>(TABLES.minerLog)].map((entry) => entry.value);
}
