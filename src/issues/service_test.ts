import assert from "node:assert/strict";
import fc from "fast-check";
import {
  assertRebuildGivesTheSameTables,
  memoryLoupe,
  requestOf,
  type SimpleLine,
} from "../../test/support/app.ts";
import { ImpactService } from "../impact/service.ts";
import { IssueService } from "./service.ts";
import { TrendService } from "../trends/service.ts";
import type { Loupe } from "../app/loupe.ts";
import type { EventStore } from "../../ports/event_store.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";

const HOUR = 3_600_000;
const START = Date.UTC(2026, 9, 1);
const TRACE = "\njava.lang.ArithmeticException: Rounding necessary\n" +
  "\tat java.base/java.math.BigDecimal.setScale(BigDecimal.java:2911)\n" +
  "\tat com.acme.payments.money.Amounts.toMinorUnits(Amounts.java:41)";

function issueService(loupe: Loupe, store: EventStore, projections: ProjectionStore) {
  const impact = new ImpactService(projections, loupe.attribution);
  const trends = new TrendService(projections, loupe.attribution);
  return new IssueService(projections, loupe.attribution, impact, trends, {
    store,
    clock: { now: () => START },
    settled: () => loupe.settled(),
  });
}

/** Two days of background, then one regression logged by a few customers in many shapes. */
function fleet(): SimpleLine[] {
  const lines: SimpleLine[] = [];
  for (let h = 0; h < 48; h++) {
    for (let i = 0; i < 5; i++) {
      lines.push({
        message: `Order ord_${h}x${i} placed with ${i} items`,
        customer: `c${i}`,
        timestamp: START + h * HOUR + i * 60_000,
        severity: 9,
      });
    }
  }
  const currencies = ["CHF", "JPY", "SEK", "CHF", "EUR", "JPY"];
  currencies.forEach((currency, i) => {
    const order = `ord_${["aqqdktmnyn", "bkud9nhsc6", "x9ddauligx", "pjqaqlr4we"][i % 4]}`;
    lines.push({
      message:
        `Payment capture for order ${order} aborted after amount scale mismatch for ${currency}` +
        (i % 2 === 0 ? TRACE : ""),
      customer: `c${i % 3}`,
      timestamp: START + 47 * HOUR + i * 60_000,
      severity: 17,
    });
  });
  return lines;
}

Deno.test("one problem in many shapes is one issue: its signatures, why, its customers and facets", async () => {
  const { loupe, store, projectionStore } = await memoryLoupe();
  await loupe.ingest(requestOf(fleet()));
  const issues = issueService(loupe, store, projectionStore);
  const payment = loupe.listSignatures({ limit: 100, offset: 0, minSeverity: 17 }).items;
  assert.ok(payment.length >= 1);
  const ids = new Set(payment.map((s) => loupe.signature(s.signatureId).issueId));
  assert.equal(ids.size, 1, "every payment fragment names the same issue");
  const issue = issues.issue([...ids][0]!);
  assert.equal(issue.signatures.length, payment.length);
  assert.equal(issue.count, 6);
  assert.deepEqual(issue.affected.map((a) => a.customer).sort(), ["c0", "c1", "c2"]);
  const currency = issue.facets.find((f) => f.values.some((v) => v.value === "CHF"));
  assert.ok(currency !== undefined, JSON.stringify(issue.facets));
  assert.deepEqual(
    currency.values.map((v) => [v.value, v.count]).sort(),
    [["CHF", 2], ["EUR", 1], ["JPY", 2], ["SEK", 1]],
  );
  const listed = issues.issues({ limit: 10, offset: 0 });
  assert.equal(listed.items.filter((i) => i.issueId === issue.issueId).length, 1);
  assert.equal(listed.items[0]!.detection?.kind, "new");
});

Deno.test("an error whose first lines arrive after its later ones is still a new issue, detected at its first line", async () => {
  // A backfill imports one customer's files after another's: c1 logged the
  // regression first (day 4), but c0's later lines (day 8) are stored first.
  const { loupe, store, projectionStore } = await memoryLoupe();
  const DAY = 24 * HOUR;
  const regression = (customer: string, at: number): SimpleLine => ({
    message: "Report rendering crashed in the PDF composer with an index out of bounds",
    customer,
    timestamp: at,
    severity: 17,
  });
  const background = (customer: string) =>
    Array.from({ length: 10 }, (_, day): SimpleLine => ({
      message: "Nightly report generated for every account",
      customer,
      timestamp: START + day * DAY,
      severity: 9,
    }));
  await loupe.ingest(
    requestOf([...background("c0"), regression("c0", START + 8 * DAY)], "c0/app.log"),
  );
  await loupe.ingest(
    requestOf([...background("c1"), regression("c1", START + 4 * DAY)], "c1/app.log"),
  );
  const listed = issueService(loupe, store, projectionStore).issues({ limit: 10, offset: 0 });
  assert.equal(listed.total, 1, "the regression is listed as a detected issue");
  assert.equal(listed.items[0]!.detection?.kind, "new");
  assert.equal(listed.items[0]!.detection?.detectedAt, START + 4 * DAY);
  assert.equal(listed.items[0]!.firstSeen, START + 4 * DAY);
});

/** Error lines of unrelated problems, each its own issue. */
const problems = fc.uniqueArray(
  fc.constantFrom(
    "Ledger sync aborted because the billing upstream rejected the batch",
    "Tax engine unreachable while computing invoice totals",
    "Currency conversion service answered with an empty rate table",
    "Bank statement import stopped at a malformed header row",
    "Payment service provider refused the settlement file",
    "Warehouse management system returned stale stock levels",
  ),
  { minLength: 3, maxLength: 6 },
);

async function withProblems(messages: readonly string[]) {
  const { loupe, store, projectionStore } = await memoryLoupe();
  await loupe.ingest(requestOf(messages.map((message, i) => ({
    message,
    customer: `c${i}`,
    timestamp: START + i * 60_000,
    severity: 17,
  }))));
  return { loupe, store, projectionStore, issues: issueService(loupe, store, projectionStore) };
}

function grouping(issues: IssueService): Map<string, string> {
  return new Map(issues.index().issueOf);
}

Deno.test("property: merge then split restores the original issues", async () => {
  await fc.assert(
    fc.asyncProperty(problems, fc.nat(), fc.boolean(), async (messages, pick, nameThem) => {
      const { issues } = await withProblems(messages);
      const before = grouping(issues);
      const ids = [...new Set(before.values())].sort();
      const target = ids[pick % ids.length]!;
      const merged = ids.filter((id) => id !== target).slice(0, 1 + pick % (ids.length - 1));
      const receipt = await issues.merge(target, merged, "ana");
      const after = issues.issue(target);
      assert.equal(receipt.issue.issueId, target);
      assert.ok(after.mergeReasons.includes("merged by a person"));
      const moved = [...before].filter(([, issue]) => merged.includes(issue)).map(([s]) => s);
      assert.equal(after.signatures.length, 1 + moved.length);
      await issues.split(target, nameThem ? moved : [], "ana");
      assert.deepEqual(grouping(issues), before);
    }),
    { numRuns: 25 },
  );
});

Deno.test("property: replay equals live with merges and splits in the log", async () => {
  await fc.assert(
    fc.asyncProperty(problems, fc.nat(), async (messages, pick) => {
      const { loupe, store, projectionStore, issues } = await withProblems(messages);
      const ids = [...new Set(issues.index().issueOf.values())].sort();
      const target = ids[pick % ids.length]!;
      const others = ids.filter((id) => id !== target);
      await issues.merge(target, others, null);
      // More lines after the correction still land in the merged issue.
      await loupe.ingest(
        requestOf([{ message: messages[0]!, timestamp: START + HOUR, severity: 17 }]),
      );
      const [first] = issues.index().members.get(target)!;
      if (pick % 2 === 0) await issues.split(target, [first!], null);
      await assertRebuildGivesTheSameTables(store, projectionStore);
    }),
    { numRuns: 15 },
  );
});

Deno.test("merge and split refuse what makes no sense, in the one error shape", async () => {
  const { issues } = await withProblems([
    "Tax engine unreachable while computing invoice totals",
    "Payment service provider refused the settlement file",
  ]);
  const [a, b] = [...new Set(issues.index().issueOf.values())].sort();
  await assert.rejects(() => issues.merge("iss_nope", [a!], null), { code: "not_found" });
  await assert.rejects(() => issues.merge(a!, [a!], null), { code: "conflict" });
  await assert.rejects(() => issues.split(a!, [], null), { code: "conflict" });
  await assert.rejects(
    () => issues.split(a!, [...issues.index().members.get(b!)!], null),
    { code: "validation_failed" },
  );
});

Deno.test("property: a record with no readable time never moves as of", async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.nat({ max: 3 }), async (timeless, at) => {
      const { loupe, store, projectionStore } = await memoryLoupe();
      const issues = issueService(loupe, store, projectionStore);
      const lines = fleet();
      await loupe.ingest(requestOf(lines));
      const asOf = issues.asOfInfo().asOf;
      const noTime: SimpleLine[] = Array.from({ length: timeless }, (_, i) => ({
        message: `truncated line ${i}`,
        severity: 17,
      }));
      // Timeless lines alone, or among timed ones: neither moves it.
      await loupe.ingest(requestOf(at % 2 === 0 ? noTime : [...noTime, ...lines.slice(0, 3)]));
      assert.equal(issues.asOfInfo().asOf, asOf);
      assert.ok(issues.issues({ limit: 10, offset: 0, status: "active" }).total >= 1);
    }),
    { numRuns: 10 },
  );
});
