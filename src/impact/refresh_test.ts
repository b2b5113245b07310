import assert from "node:assert/strict";
import fc from "fast-check";
import { customerWeight, TIER_DEFAULT_VALUE } from "../../domain/customers/mod.ts";
import { impactOf } from "../../domain/impact/mod.ts";
import type { ParsedLog } from "../../domain/log_record.ts";
import type { IngestRequest } from "../../ports/application.ts";
import type { AffectedCustomer } from "../../ports/impact.ts";
import { Pacer } from "../../ports/pacing.ts";
import type { ProjectionReader } from "../../ports/projection_store.ts";
import { TENANTS_AND_OWN_ENVIRONMENTS as DIRECTORY } from "../../test/support/directory.ts";
import { assertRebuildGivesTheSameTables, memoryLoupe } from "../../test/support/app.ts";
import type { Attribution } from "../customers/attribution.ts";
import { CustomerService } from "../customers/service.ts";
import { IssueService } from "../issues/service.ts";
import { type CatalogEntry, type OriginTally, TABLES } from "../projections/signatures.ts";
import { TrendService } from "../trends/service.ts";
import { ImpactService } from "./service.ts";

const HOUR = 3_600_000;
const START = Date.UTC(2026, 9, 1);

/** Two fragments of one problem (one issue of two signatures) and one of another. */
const MESSAGES = [
  "Payment capture failed because the card was declined: code 51",
  "Payment capture failed because the card was declined: code 54",
  "Search index rebuild stalled on a locked segment",
];

const lineArbitrary = fc.record({
  owner: fc.constantFrom("acme", "beta", "eu-1", "stranger"),
  tenant: fc.constantFrom("", "g", "d"),
  environment: fc.constantFrom("prod", "staging"),
  version: fc.constantFrom("", "1.0", "2.0"),
  message: fc.integer({ min: 0, max: MESSAGES.length - 1 }),
  hour: fc.integer({ min: 0, max: 300 }),
}, { noNullPrototype: true });
type Line = typeof lineArbitrary extends fc.Arbitrary<infer T> ? T : never;

function request(lines: readonly Line[]): IngestRequest {
  return {
    source: "fleet.log",
    format: "jsonl",
    context: {},
    quarantined: [],
    records: lines.map((line, index) => {
      const parsed: ParsedLog = {
        message: MESSAGES[line.message]!,
        timestamp: START + line.hour * HOUR + index,
        customer: line.owner,
        environment: line.environment,
        ...(line.version === "" ? {} : { version: line.version }),
        severity: { number: 17, text: "ERROR" },
        attributes: line.tenant === "" ? {} : { tenant_id: line.tenant },
      };
      return { parsed, line: index + 1 };
    }),
  };
}

/**
 * The customers hit as they were worked out before the refresh in slices:
 * every origin tally of every signature, read in one go.
 */
function affectedByScan(
  reader: ProjectionReader,
  attribution: Attribution,
  signatureIds: readonly string[],
): AffectedCustomer[] {
  const directory = attribution.directory();
  const byCustomer = new Map<string, {
    count: number;
    firstSeen: number;
    lastSeen: number;
    environments: Map<string, number>;
    versions: Map<string, { count: number; firstSeen: number }>;
  }>();
  const tallies = signatureIds.flatMap((id) => [
    ...reader.range<OriginTally>(TABLES.byOrigin, { prefix: [id] }),
  ]);
  for (const { key, value } of tallies) {
    const environment = String(key[3]);
    const customer = directory.customerOf(String(key[1]), String(key[2]), environment);
    if (customer === null) continue;
    let at = byCustomer.get(customer);
    if (at === undefined) {
      at = {
        count: 0,
        firstSeen: Infinity,
        lastSeen: -Infinity,
        environments: new Map(),
        versions: new Map(),
      };
      byCustomer.set(customer, at);
    }
    at.count += value.count;
    at.firstSeen = Math.min(at.firstSeen, value.firstSeen);
    at.lastSeen = Math.max(at.lastSeen, value.lastSeen);
    at.environments.set(
      environment,
      Math.min(at.environments.get(environment) ?? Infinity, value.firstSeen),
    );
    for (const [version, count, firstSeen] of value.versions) {
      const v = at.versions.get(version);
      at.versions.set(version, {
        count: (v?.count ?? 0) + count,
        firstSeen: Math.min(v?.firstSeen ?? Infinity, firstSeen),
      });
    }
  }
  return [...byCustomer].map(([customer, at]): AffectedCustomer => {
    const known = directory.customer(customer);
    return {
      customer,
      name: known?.name ?? null,
      tier: known?.tier ?? null,
      weight: known === undefined ? TIER_DEFAULT_VALUE.standard! : customerWeight(known),
      count: at.count,
      firstSeen: at.firstSeen,
      lastSeen: at.lastSeen,
      environments: [...at.environments].map(([environment, firstSeen]) => ({
        environment,
        firstSeen,
      })).sort((a, b) => a.firstSeen - b.firstSeen),
      versions: [...at.versions].map(([version, v]) => ({ version, ...v }))
        .sort((a, b) => a.firstSeen - b.firstSeen),
    };
  }).sort((a, b) => b.weight - a.weight || b.count - a.count || (a.customer < b.customer ? -1 : 1));
}

async function loaded(batches: readonly (readonly Line[])[], directory: boolean) {
  const { loupe, store, projectionStore } = await memoryLoupe();
  if (directory) {
    await new CustomerService({
      store,
      projections: projectionStore,
      attribution: loupe.attribution,
      clock: { now: () => START },
      settled: () => loupe.settled(),
    }).importCustomers(DIRECTORY);
  }
  for (const batch of batches) if (batch.length > 0) await loupe.ingest(request(batch));
  await loupe.settled();
  return { loupe, store, reader: projectionStore };
}

/** Each signature's summary and each issue's, as the list views ask them. */
function summariesOf(reader: ProjectionReader, impact: ImpactService, issues: IssueService) {
  const out = new Map<string, { affected: AffectedCustomer[]; impact: number }>();
  for (const { value } of reader.range<CatalogEntry>(TABLES.signatures)) {
    if (value.count === 0) continue;
    const { affected, impact: score } = impact.affectedSummary(value.signatureId);
    out.set(value.signatureId, { affected, impact: score });
  }
  for (const [issueId, ids] of issues.index().members) {
    const entries = ids.map((id) => reader.get<CatalogEntry>(TABLES.signatures, [id])!)
      .filter((e) => e.count > 0);
    if (entries.length === 0) continue;
    const { affected, impact: score } = impact.issueSummary(
      entries.map((e) => e.signatureId),
      Math.max(...entries.map((e) => e.severityNumber)),
    );
    out.set(issueId, { affected, impact: score });
  }
  return out;
}

function scanned(reader: ProjectionReader, attribution: Attribution, issues: IssueService) {
  const out = new Map<string, { affected: AffectedCustomer[]; impact: number }>();
  const score = (severityNumber: number, affected: AffectedCustomer[]) =>
    impactOf(severityNumber, affected, attribution.customerCount()).score;
  for (const { value } of reader.range<CatalogEntry>(TABLES.signatures)) {
    if (value.count === 0) continue;
    const affected = affectedByScan(reader, attribution, [value.signatureId]);
    out.set(value.signatureId, { affected, impact: score(value.severityNumber, affected) });
  }
  for (const [issueId, ids] of issues.index().members) {
    const entries = ids.map((id) => reader.get<CatalogEntry>(TABLES.signatures, [id])!)
      .filter((e) => e.count > 0);
    if (entries.length === 0) continue;
    const affected = affectedByScan(reader, attribution, entries.map((e) => e.signatureId));
    out.set(issueId, {
      affected,
      impact: score(Math.max(...entries.map((e) => e.severityNumber)), affected),
    });
  }
  return out;
}

Deno.test("property: the customers hit worked out a slice at a time, in the background, equal those read from every origin tally in one go", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(lineArbitrary, { minLength: 1, maxLength: 60 }),
      fc.array(lineArbitrary, { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 1, max: 4 }),
      fc.boolean(),
      fc.boolean(),
      async (lines, later, parts, reversed, directory) => {
        // Cut in parts, maybe newest first: first lines arrive after later ones.
        const sorted = [...lines].sort((a, b) => a.hour - b.hour);
        const size = Math.ceil(sorted.length / parts);
        const batches = Array.from(
          { length: parts },
          (_, i) => sorted.slice(i * size, (i + 1) * size),
        );
        if (reversed) batches.reverse();
        const { loupe, store, reader } = await loaded(batches, directory);
        const attribution = loupe.attribution;
        const impact = new ImpactService(reader, attribution);
        const issues = new IssueService(
          reader,
          attribution,
          impact,
          new TrendService(reader, attribution),
        );
        // Slices of no length: the refresh lets the event loop run between every two signatures.
        impact.keepFreshInBackground(new Pacer(0));
        await impact.refresh();
        assert.deepEqual(summariesOf(reader, impact, issues), scanned(reader, attribution, issues));
        // One asked there and then, as before: it keeps each summary within an hour of data too.
        const plain = new ImpactService(reader, attribution);
        assert.deepEqual(summariesOf(reader, plain, issues), scanned(reader, attribution, issues));
        // More lines, later and earlier ones: until the refresh ends, each reads as it was...
        const before = summariesOf(reader, impact, issues);
        await loupe.ingest(request(later.map((l) => ({ ...l, hour: l.hour + 200 }))));
        await loupe.settled();
        const meanwhile = summariesOf(reader, impact, issues);
        for (const [id, summary] of meanwhile) {
          if (before.has(id)) assert.deepEqual(summary, before.get(id), id);
        }
        // ...and after it, as the one asked there and then reads them.
        await impact.refresh();
        assert.deepEqual(summariesOf(reader, impact, issues), summariesOf(reader, plain, issues));
        // Computed afresh, each equals the scan again.
        assert.deepEqual(
          summariesOf(reader, new ImpactService(reader, attribution), issues),
          scanned(reader, attribution, issues),
        );
        plain.warm();
        impact.forgetCaches();
        await impact.refresh();
        assert.deepEqual(summariesOf(reader, impact, issues), scanned(reader, attribution, issues));
        await assertRebuildGivesTheSameTables(store, reader);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("a signature logged at more origins than a step reads is summed over all of them, in the order one read gives", async () => {
  // 150 origins: tallies are read 64 at a time.
  const lines = Array.from({ length: 300 }, (_, i) => ({
    owner: `site-${String(i % 150).padStart(3, "0")}`,
    tenant: "",
    environment: i % 3 === 0 ? "staging" : "prod",
    version: i % 2 === 0 ? "1.0" : "2.0",
    message: i % 2,
    hour: (i * 7) % 100,
  })) as unknown as Line[];
  const { loupe, reader } = await loaded([lines.slice(150), lines.slice(0, 150)], false);
  const attribution = loupe.attribution;
  const issues = new IssueService(
    reader,
    attribution,
    new ImpactService(reader, attribution),
    new TrendService(reader, attribution),
  );
  const impact = new ImpactService(reader, attribution);
  impact.keepFreshInBackground(new Pacer(0));
  await impact.refresh();
  const expected = scanned(reader, attribution, issues);
  assert.ok([...expected.values()].some((s) => s.affected.length === 150));
  assert.deepEqual(summariesOf(reader, impact, issues), expected);
});
