import assert from "node:assert/strict";
import fc from "fast-check";
import type { ParsedLog } from "../../domain/log_record.ts";
import type { IngestRequest } from "../../ports/application.ts";
import { TENANTS_AND_OWN_ENVIRONMENTS as DIRECTORY } from "../../test/support/directory.ts";
import { memoryLoupe, requestOf, type SimpleLine } from "../../test/support/app.ts";
import { customerImpactCsv } from "../../adapters/reports/impact.ts";
import { CustomerService } from "../customers/service.ts";
import { ImpactService } from "./service.ts";
import { IssueService } from "../issues/service.ts";
import { TrendService } from "../trends/service.ts";

const HOUR = 3_600_000;
const START = 1_790_000_000_000;

const MESSAGES = [
  "Payment capture failed because the card was declined",
  "Search index rebuild was slow again",
  "Webhook delivery to the partner endpoint failed",
];

interface Line {
  readonly owner: "acme" | "beta" | "eu-1" | "stranger";
  readonly tenant: "" | "g" | "d" | "x";
  readonly message: number;
  readonly hour: number;
}

const lineArbitrary: fc.Arbitrary<Line> = fc.record({
  owner: fc.constantFrom("acme", "beta", "eu-1", "stranger"),
  tenant: fc.constantFrom("", "g", "d", "x"),
  message: fc.integer({ min: 0, max: MESSAGES.length - 1 }),
  hour: fc.integer({ min: 0, max: 200 }),
}, { noNullPrototype: true });

/** Who a line is about, by the directory's rules, written out independently. */
function expectedCustomer(line: Line): string | null {
  if (line.owner === "acme" || line.owner === "beta") return line.owner;
  if (line.owner === "eu-1") {
    return line.tenant === "g" ? "gamma" : line.tenant === "d" ? "delta" : null;
  }
  return null;
}

function request(lines: readonly Line[], owner: string): IngestRequest {
  return {
    source: "test",
    format: "jsonl",
    context: { customer: owner, environment: "prod", version: "1.0.0" },
    quarantined: [],
    records: lines.map((line, index) => {
      const parsed: ParsedLog = {
        message: MESSAGES[line.message]!,
        timestamp: START + line.hour * HOUR,
        severity: { number: 17, text: "ERROR" },
        attributes: line.tenant === "" ? {} : { tenant_id: line.tenant },
      };
      return { parsed, line: index + 1 };
    }),
  };
}

async function loaded(lines: readonly Line[]) {
  const { loupe, store, projectionStore } = await memoryLoupe();
  const customers = new CustomerService({
    store,
    projections: projectionStore,
    attribution: loupe.attribution,
    clock: { now: () => START },
    settled: () => loupe.settled(),
  });
  await customers.importCustomers(DIRECTORY);
  for (const owner of ["acme", "beta", "eu-1", "stranger"]) {
    const own = lines.filter((l) => l.owner === owner);
    if (own.length > 0) await loupe.ingest(request(own, owner));
  }
  return {
    loupe,
    impact: new ImpactService(projectionStore, loupe.attribution),
    trends: new TrendService(projectionStore, loupe.attribution),
  };
}

Deno.test("property: affected customers are exactly those with a matching record, counted right", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(lineArbitrary, { minLength: 1, maxLength: 80 }), async (lines) => {
      const { loupe, impact } = await loaded(lines);
      for (const summary of loupe.listSignatures({ limit: 100, offset: 0 }).items) {
        const mine = lines.filter((l) => MESSAGES[l.message] === summary.template);
        const expected = new Map<string, number>();
        let unattributed = 0;
        for (const line of mine) {
          const customer = expectedCustomer(line);
          if (customer === null) unattributed++;
          else expected.set(customer, (expected.get(customer) ?? 0) + 1);
        }
        const view = impact.signatureImpact(summary.signatureId);
        assert.deepEqual(
          new Map(view.affected.map((a) => [a.customer, a.count])),
          expected,
          summary.template,
        );
        assert.equal(view.unattributed, unattributed);
        assert.equal(view.propagation.order.length, expected.size);
      }
    }),
    { numRuns: 30 },
  );
});

Deno.test("property: a customer's impact report shows only that customer's records, and how many others each issue hits", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(lineArbitrary, { minLength: 1, maxLength: 80 }), async (lines) => {
      const { impact } = await loaded(lines);
      for (const customer of ["acme", "beta", "gamma", "delta"]) {
        const own = lines.filter((l) => expectedCustomer(l) === customer);
        const report = impact.customerImpact(customer, { minSeverity: 0, limit: 100 });
        const counts = new Map<string, number>();
        for (const line of own) {
          counts.set(MESSAGES[line.message]!, (counts.get(MESSAGES[line.message]!) ?? 0) + 1);
        }
        assert.deepEqual(
          new Map(report.issues.map((i) => [i.template, i.count])),
          counts,
          customer,
        );
        // How many others it hits is said, not who: a count of the other customers with its records.
        for (const issue of report.issues) {
          const others = new Set(
            lines.filter((l) => MESSAGES[l.message] === issue.template)
              .map(expectedCustomer).filter((c) => c !== null && c !== customer),
          );
          assert.equal(issue.otherCustomers, others.size, `${customer}: ${issue.template}`);
        }
      }
    }),
    { numRuns: 30 },
  );
});

Deno.test("property: series buckets sum to the records ingested, whatever the bucket or scope", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(lineArbitrary, { minLength: 1, maxLength: 80 }),
      fc.constantFrom("hour", "day", "week") as fc.Arbitrary<"hour" | "day" | "week">,
      async (lines, bucket) => {
        const { loupe, trends } = await loaded(lines);
        const range = { from: START - 8 * 24 * HOUR, to: START + 210 * HOUR };
        for (const summary of loupe.listSignatures({ limit: 100, offset: 0 }).items) {
          const all = trends.series(summary.signatureId, { bucket, ...range });
          assert.equal(all.points.reduce((sum, p) => sum + p.count, 0), summary.count);
          assert.equal(all.total, summary.count);
          // A version's lines are counted by day.
          const byVersion = trends.series(summary.signatureId, {
            bucket: bucket === "hour" ? "day" : bucket,
            version: "1.0.0",
            ...range,
          });
          assert.equal(byVersion.total, summary.count);
          const gamma = trends.series(summary.signatureId, { bucket, customer: "gamma", ...range });
          assert.equal(
            gamma.total,
            lines.filter((l) =>
              MESSAGES[l.message] === summary.template && expectedCustomer(l) === "gamma"
            )
              .length,
          );
        }
      },
    ),
    { numRuns: 20 },
  );
});

Deno.test("an unknown customer or signature is not found", async () => {
  const { impact, trends } = await loaded([{ owner: "acme", tenant: "", message: 0, hour: 1 }]);
  assert.throws(
    () => impact.customerImpact("nobody", { minSeverity: 0, limit: 10 }),
    /Cannot find customer nobody/,
  );
  assert.throws(() => impact.signatureImpact("sig_nope"), /Cannot find signature sig_nope/);
  assert.throws(() => trends.trend("sig_nope"), /Cannot find signature sig_nope/);
});

Deno.test("a signature's customer count follows a new customer logging it", async () => {
  const { loupe } = await loaded([{ owner: "acme", tenant: "", message: 0, hour: 1 }]);
  const count = () => loupe.listSignatures({ limit: 10, offset: 0 }).items[0]!.customers;
  assert.equal(count(), 1);
  await loupe.ingest(request([{ owner: "eu-1", tenant: "g", message: 0, hour: 2 }], "eu-1"));
  assert.equal(count(), 2, "gamma, through its tenant on eu-1");
});

Deno.test("property: the trend in a customer's report is the signature's trend when that customer is all who log it", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 60 }),
      fc.integer({ min: 0, max: 40 }),
      async (hours, burst) => {
        // A burst in the latest hour, which is still under way.
        const last = Math.max(...hours);
        const lines = [...hours, ...new Array<number>(burst).fill(last)]
          .map((hour) => ({ owner: "acme" as const, tenant: "" as const, message: 0, hour }));
        const { impact, trends } = await loaded(lines);
        const [issue] = impact.customerImpact("acme", { minSeverity: 0, limit: 10 }).issues;
        const signature = trends.trend(issue!.signatureId).trend;
        assert.deepEqual(
          { class: issue!.trend.class, reason: issue!.trend.reason },
          { class: signature.class, reason: signature.reason },
        );
      },
    ),
    { numRuns: 40 },
  );
});

const TRACE = "\njava.lang.ArithmeticException: Rounding necessary\n" +
  "\tat java.base/java.math.BigDecimal.setScale(BigDecimal.java:2911)\n" +
  "\tat com.acme.payments.money.Amounts.toMinorUnits(Amounts.java:41)";

/** One problem logged with and without its stack trace (two signatures, one issue) by two customers. */
async function oneIssueTwoSignatures() {
  const lines: SimpleLine[] = [];
  const add = (customer: string, hour: number, trace: boolean) =>
    lines.push({
      message: `Payment capture for order ord_${hour}x aborted after amount scale mismatch` +
        (trace ? TRACE : ""),
      customer,
      timestamp: START + hour * HOUR,
      severity: 17,
    });
  for (let hour = 0; hour < 5; hour++) add("acme", hour, hour % 2 === 0);
  add("beta", 6, false);
  for (let hour = 0; hour < 3; hour++) {
    lines.push({
      message: "Search index rebuild was slow again",
      customer: "acme",
      timestamp: START + hour * HOUR,
      severity: 13,
    });
  }
  const { loupe, projectionStore } = await memoryLoupe();
  await loupe.ingest(requestOf(lines));
  return {
    loupe,
    impact: new ImpactService(projectionStore, loupe.attribution),
    trends: new TrendService(projectionStore, loupe.attribution),
  };
}

Deno.test("two signatures of one issue are one row of a customer's report, their lines summed", async () => {
  const { loupe, impact } = await oneIssueTwoSignatures();
  const payment = loupe.listSignatures({ limit: 100, offset: 0, minSeverity: 17 }).items;
  assert.equal(payment.length, 2, "with and without the stack trace");
  const issueId = loupe.signature(payment[0]!.signatureId).issueId;
  assert.equal(loupe.signature(payment[1]!.signatureId).issueId, issueId);
  const report = impact.customerImpact("acme", { minSeverity: 13, limit: 100 });
  assert.equal(report.issues.length, 2, "the payment issue and the slow index");
  const [row] = report.issues.filter((i) => i.issueId === issueId);
  assert.ok(row !== undefined);
  assert.equal(row.count, 5);
  assert.deepEqual([...row.signatureIds].sort(), payment.map((s) => s.signatureId).sort());
  assert.ok(row.signatureIds.includes(row.signatureId), "the issue's busiest signature");
  assert.equal(row.template, loupe.signature(row.signatureId).template);
  assert.equal(row.firstSeen, START);
  assert.equal(row.lastSeen, START + 4 * HOUR);
  assert.equal(row.otherCustomers, 1, "beta logs it without the trace");
  const csv = customerImpactCsv(report).trim().split("\n");
  assert.equal(csv.length, 3);
  assert.ok(csv.some((line) => line.startsWith(`${issueId},acme,`)));
});

Deno.test("the trends list has one item per issue, on its signatures' summed series", async () => {
  const { loupe, trends } = await oneIssueTwoSignatures();
  const payment = loupe.listSignatures({ limit: 100, offset: 0, minSeverity: 17 }).items;
  const issueId = loupe.signature(payment[0]!.signatureId).issueId!;
  const items = trends.trends(17);
  assert.equal(items.length, 1);
  const [item] = items;
  assert.equal(item!.issueId, issueId);
  assert.deepEqual([...item!.signatureIds].sort(), payment.map((s) => s.signatureId).sort());
  const ids = payment.map((s) => s.signatureId);
  assert.deepEqual(item!.trend, trends.trendOf(ids, trends.asOf()));
  assert.deepEqual(item!.versions, trends.versionsOf(ids));
  assert.equal(trends.trends(13).length, 2, "and the slow index at WARN");
});

Deno.test("a person's merge shows in the report and the trends list before the next hour of data", async () => {
  const { loupe, store, projectionStore } = await memoryLoupe();
  const lines: SimpleLine[] = [];
  for (let hour = 0; hour < 4; hour++) {
    lines.push(
      { message: MESSAGES[0]!, customer: "acme", timestamp: START + hour * HOUR, severity: 17 },
      { message: MESSAGES[2]!, customer: "acme", timestamp: START + hour * HOUR, severity: 17 },
    );
  }
  await loupe.ingest(requestOf(lines));
  const impact = new ImpactService(projectionStore, loupe.attribution);
  const trends = new TrendService(projectionStore, loupe.attribution);
  const issues = new IssueService(projectionStore, loupe.attribution, impact, trends, {
    store,
    clock: { now: () => START },
    settled: () => loupe.settled(),
  });
  const report = () => impact.customerImpact("acme", { minSeverity: 13, limit: 10 }).issues;
  assert.equal(report().length, 2);
  assert.equal(trends.trends(13).length, 2);
  const [a, b] = report().map((i) => i.issueId);
  await issues.merge(a!, [b!], "tester");
  await loupe.settled();
  assert.deepEqual(report().map((i) => [i.issueId, i.count, i.signatureIds.length]), [[a, 8, 2]]);
  assert.deepEqual(trends.trends(13).map((t) => [t.issueId, t.signatureIds.length]), [[a, 2]]);
});
