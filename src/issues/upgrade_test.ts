import assert from "node:assert/strict";
import fc from "fast-check";
import {
  lifecycleOf,
  type OriginLines,
  type UpgradeVerdict,
  upgradeVerdict,
  type UpgradeWindow,
} from "../../domain/issues/mod.ts";
import type { ParsedLog } from "../../domain/log_record.ts";
import type { IngestRequest } from "../../ports/application.ts";
import type { ProjectionReader } from "../../ports/projection_store.ts";
import { assertRebuildGivesTheSameTables, memoryLoupe } from "../../test/support/app.ts";
import { ImpactService } from "../impact/service.ts";
import { ENVIRONMENT_TABLES, type EnvTally } from "../projections/environment_logs.ts";
import { hourCounts } from "../projections/hour_rows.ts";
import { originFirsts, SIGNATURE_ORIGIN_TABLES } from "../projections/signature_origins.ts";
import { type CatalogEntry, type OriginTally, TABLES } from "../projections/signatures.ts";
import { TrendService } from "../trends/service.ts";
import { IssueService } from "./service.ts";

const HOUR = 3_600_000;
const START = Date.UTC(2026, 9, 1);
const ORIGINS = [
  { customer: "acme", environment: "prod" },
  { customer: "acme", environment: "staging" },
  { customer: "globex", environment: "prod" },
  { customer: "initech", environment: "prod" },
] as const;
const ERRORS = [
  "Ledger export aborted because the archive volume is read only",
  "Payment gateway refused the capture for an expired token",
  "Search index rebuild stalled on a locked segment",
];

/**
 * The verdict as it was computed before the origin index: every origin
 * tally of every signature of the issue, and each origin's versions.
 */
function verdictByScan(reader: ProjectionReader, signatureIds: readonly string[]): UpgradeVerdict {
  const byOrigin = new Map<string, { key: string[]; tallies: OriginTally[]; sigs: string[] }>();
  for (const signatureId of signatureIds) {
    for (
      const { key, value } of reader.range<OriginTally>(TABLES.byOrigin, { prefix: [signatureId] })
    ) {
      const originKey = [String(key[1]), String(key[2]), String(key[3])];
      const id = originKey.join("/");
      const at = byOrigin.get(id);
      if (at === undefined) {
        byOrigin.set(id, { key: originKey, tallies: [value], sigs: [signatureId] });
      } else {
        at.tallies.push(value);
        at.sigs.push(signatureId);
      }
    }
  }
  const windows: UpgradeWindow[] = [];
  for (const [origin, { key }] of byOrigin) {
    const versions = [...reader.range<EnvTally>(ENVIRONMENT_TABLES.versions, { prefix: key })]
      .filter(({ key: k }) => String(k[3]) !== "");
    const records = versions.reduce((sum, { value }) => sum + value.count, 0);
    const timeline = versions
      .filter(({ value }) => value.count >= Math.max(10, records * 0.01))
      .map(({ key: k, value }) => ({ origin, version: String(k[3]), at: value.firstSeen }))
      .sort((a, b) => a.at - b.at);
    windows.push(...timeline.slice(1));
  }
  if (windows.length === 0) return { noise: false, note: null };
  const lines: OriginLines[] = [...byOrigin].map(([origin, { key, tallies, sigs }]) => ({
    origin,
    hours: sigs.flatMap((s) => [...hourCounts(reader, TABLES.hourly, [s, ...key])].map(([h]) => h)),
    firstSeen: Math.min(...tallies.map((t) => t.firstSeen)),
    lastSeen: Math.max(...tallies.map((t) => t.lastSeen)),
  }));
  return upgradeVerdict(lines, windows);
}

function request(lines: readonly (ParsedLog & { line: number })[]): IngestRequest {
  return {
    source: "fleet.log",
    format: "jsonl",
    context: {},
    quarantined: [],
    records: lines.map(({ line, ...parsed }) => ({ parsed, line })),
  };
}

const errorLine = fc.record({
  origin: fc.integer({ min: 0, max: ORIGINS.length - 1 }),
  error: fc.integer({ min: 0, max: ERRORS.length - 1 }),
  /** Minutes from the origin's upgrade: mostly near it, where the windows are. */
  minutes: fc.oneof(fc.integer({ min: -30, max: 90 }), fc.integer({ min: -3000, max: 3000 })),
  versioned: fc.boolean(),
}, { noNullPrototype: true });

Deno.test("property: an issue's upgrade verdict, customers hit, count, last line and status from the origin index and runs of hours equal those read from every origin tally and hour", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 20, max: 80 }), { minLength: ORIGINS.length, maxLength: 4 }),
      fc.array(errorLine, { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 4 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 96 }),
      async (upgradeHours, errors, parts, reversed, earlierBy) => {
        const { loupe, store, projectionStore } = await memoryLoupe();
        const lines: (ParsedLog & { line: number })[] = [];
        // Every origin logs a quiet line every 10 minutes for 4 days, on 1.0 then on 2.0.
        ORIGINS.forEach((origin, o) => {
          for (let m = 0; m < 4 * 24 * 60; m += 10) {
            const at = START + m * 60_000;
            lines.push({
              message: `Heartbeat ${o} sent to the collector`,
              timestamp: at,
              ...origin,
              version: at < START + upgradeHours[o]! * HOUR ? "1.0" : "2.0",
              severity: { number: 9, text: "INFO" },
              attributes: {},
              line: lines.length + 1,
            });
          }
        });
        for (const e of errors) {
          const at = START + upgradeHours[e.origin]! * HOUR + e.minutes * 60_000;
          lines.push({
            message: ERRORS[e.error]!,
            timestamp: Math.max(START, at),
            ...ORIGINS[e.origin]!,
            ...(e.versioned ? { version: "2.0" } : {}),
            severity: { number: 17, text: "ERROR" },
            attributes: {},
            line: lines.length + 1,
          });
        }
        // Cut in parts, maybe newest first: first lines arrive after later ones.
        const size = Math.ceil(lines.length / parts);
        const batches = Array.from(
          { length: parts },
          (_, i) => lines.slice(i * size, (i + 1) * size),
        );
        if (reversed) batches.reverse();
        for (const batch of batches) await loupe.ingest(request(batch));
        await loupe.settled();
        const reader = projectionStore;
        const attribution = loupe.attribution;
        const trends = new TrendService(reader, attribution);
        const issues = new IssueService(
          reader,
          attribution,
          new ImpactService(reader, attribution),
          trends,
        );
        for (const [issueId, signatureIds] of issues.index().members) {
          const view = issues.issue(issueId);
          // Count, last line and status as the issue's hours give them, as of the data and earlier.
          // Counted from either end of the hours, as of a moment within an hour too.
          const within = START + earlierBy * HOUR + 17 * 60_000;
          for (const asOf of [view.asOf, view.asOf - earlierBy * HOUR, within, START - HOUR]) {
            const hours = new Map<number, number>();
            for (const s of signatureIds) {
              for (
                const [h, n] of hourCounts(reader, TABLES.hourlyTotal, [s], undefined, asOf + 1)
              ) {
                hours.set(h, (hours.get(h) ?? 0) + n);
              }
            }
            const list = [...hours.keys()].sort((a, b) => a - b);
            const at = asOf === view.asOf ? view : issues.issue(issueId, asOf);
            assert.equal(at.count, [...hours.values()].reduce((a, b) => a + b, 0));
            assert.equal(at.status, lifecycleOf(list, asOf));
            assert.equal(
              at.lastSeen,
              Math.min(
                asOf,
                Math.max(
                  ...signatureIds.map((s) =>
                    reader.get<CatalogEntry>(TABLES.signatures, [s])?.lastSeen ?? -Infinity
                  ),
                ),
                list.length === 0 ? -Infinity : list[list.length - 1]! + HOUR - 1,
              ),
            );
          }
          const expected = verdictByScan(reader, signatureIds);
          assert.deepEqual(
            { noise: view.upgradeNoise, note: view.upgradeNote },
            expected,
            `issue ${issueId}`,
          );
          for (const signatureId of signatureIds) {
            const tallies = [...reader.range<OriginTally>(TABLES.byOrigin, {
              prefix: [signatureId],
            })];
            // The index holds every origin of the signature with its first line...
            assert.deepEqual(
              originFirsts(reader, signatureId)
                .map((o) => [...o.key, o.firstSeen].join("/")).sort(),
              tallies.map(({ key, value }) => [...key.slice(1), value.firstSeen].join("/"))
                .sort(),
            );
            // ...and the origins that logged it without a version.
            assert.deepEqual(
              [...reader.range(SIGNATURE_ORIGIN_TABLES.unversioned, { prefix: [signatureId] })]
                .map(({ key }) => key.join("/")),
              tallies.filter(({ value }) =>
                value.versions.some(([version, n]) => version === "" && n > 0)
              ).map(({ key }) => key.join("/")),
            );
            const customers = new Set(
              tallies.map(({ key }) =>
                attribution.directory().customerOf(String(key[1]), String(key[2]), String(key[3]))
              ).filter((c) => c !== null),
            );
            assert.equal(attribution.affectedCount(signatureId), customers.size);
          }
        }
        // The list filters every issue and shows a page: as filtering every issue's whole view.
        const asOf = issues.asOfInfo().asOf;
        const views = [...issues.index().members.keys()].map((id) => issues.issue(id, asOf))
          .filter((v) => v.detection !== null)
          .sort((a, b) =>
            b.detection!.detectedAt - a.detection!.detectedAt || (a.issueId < b.issueId ? -1 : 1)
          );
        for (
          const query of [
            {},
            { includeUpgradeNoise: true },
            { status: "active" as const },
            { status: "resolved" as const, includeUpgradeNoise: true },
            { kind: "new" as const },
            { customer: "acme" },
            { customer: "globex", includeUpgradeNoise: true },
          ]
        ) {
          const expected = views.filter((v) =>
            (!v.upgradeNoise || query.includeUpgradeNoise === true) &&
            (query.status === undefined ||
              (query.status === "active" ? v.status !== "resolved" : v.status === query.status)) &&
            (query.kind === undefined || v.detection!.kind === query.kind) &&
            (query.customer === undefined || v.affected.some((a) => a.customer === query.customer))
          ).map(({ facets: _f, trend: _t, versions: _v, ...view }) => view);
          for (const [offset, limit] of [[0, 100], [1, 2]] as const) {
            const page = issues.issues({ ...query, asOf, offset, limit });
            assert.equal(page.total, expected.length, JSON.stringify(query));
            assert.deepEqual(page.items, expected.slice(offset, offset + limit));
          }
        }
        await assertRebuildGivesTheSameTables(store, projectionStore);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("an upgrade verdict kept between queries follows new lines: noise until the issue goes on after the warm-up", async () => {
  const { loupe, projectionStore: reader } = await memoryLoupe();
  const upgrade = START + 30 * HOUR;
  const line = (at: number, message: string, version: string, severity = 9) => ({
    message,
    timestamp: at,
    customer: "acme",
    environment: "prod",
    version,
    severity: { number: severity, text: severity === 17 ? "ERROR" as const : "INFO" as const },
    attributes: {},
    line: 1,
  });
  const heartbeats = Array.from({ length: 72 * 6 }, (_, i) => {
    const at = START + i * 10 * 60_000;
    return line(at, "Heartbeat sent to the collector", at < upgrade ? "1.0" : "2.0");
  });
  await loupe.ingest(request(heartbeats));
  await loupe.ingest(request([line(upgrade + 5 * 60_000, ERRORS[0]!, "2.0", 17)]));
  const issues = new IssueService(
    reader,
    loupe.attribution,
    new ImpactService(reader, loupe.attribution),
    new TrendService(reader, loupe.attribution),
  );
  const issueId = issues.issueOfSignature(
    [...reader.range<CatalogEntry>(TABLES.signatures)]
      .find((e) => e.value.template === ERRORS[0])!.value.signatureId,
  );
  assert.equal(issues.issue(issueId).upgradeNoise, true);
  await loupe.ingest(request([line(upgrade + 20 * HOUR, ERRORS[0]!, "2.0", 17)]));
  const view = issues.issue(issueId);
  assert.equal(view.upgradeNoise, false);
  assert.match(view.upgradeNote!, /persisted after it/);
});
