/**
 * When a tenant is registered does not matter: the views, and what is left
 * after the tenant is forgotten, are the same whether the directory knew it
 * before its first record arrived, after some of its pushes, or only after
 * its last.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { customerOf } from "../../test/contracts/customer_directory_contract.ts";
import { dumpTables, memoryLoupe } from "../../test/support/app.ts";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import type { IngestRequest } from "../../ports/application.ts";
import type { Attributes } from "../../domain/log_record.ts";
import { erasureOf, type Loupe, PROJECTIONS } from "../app/loupe.ts";

const T0 = Date.UTC(2026, 2, 2, 10);
const HOUR = 3_600_000;

const acme = customerOf("acme", {
  deploymentModel: "multi-tenant",
  environments: ["mt-eu/prod"],
  tenantId: "acme-t",
});
const globex = customerOf("globex", {
  deploymentModel: "multi-tenant",
  environments: ["mt-eu/prod"],
  tenantId: "globex-t",
});

/** The late tenant's own words: none may be left once it is forgotten. */
const GLOBEX_WORD = "zanzibarflamingo";
const TENANTS = ["acme-t", "globex-t", "", "stranger-t"] as const;

const recordArb = fc.record({
  tenant: fc.constantFrom(...TENANTS),
  kind: fc.integer({ min: 0, max: 2 }),
  n: fc.integer({ min: 0, max: 9 }),
  hour: fc.integer({ min: 0, max: 71 }),
}, { noNullPrototype: true });
type Line = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;

function messageOf(line: Line): string {
  const own = line.tenant === "globex-t" ? GLOBEX_WORD : `word${line.tenant.length}`;
  return [
    `payment failed after ${line.n} ms`,
    `vault ${own} refused ${line.n} times`,
    `cache warmed for ${own}`,
  ][line.kind]!;
}

function requestOf(lines: readonly Line[]): IngestRequest {
  return {
    source: "test",
    format: "jsonl",
    context: { customer: "mt-eu", environment: "prod" },
    quarantined: [],
    records: lines.map((line, index) => ({
      parsed: {
        timestamp: T0 + line.hour * HOUR + index,
        message: messageOf(line),
        severity: { number: 17, text: "ERROR" as const },
        attributes: line.tenant === "" ? {} as Attributes : { tenant_id: line.tenant },
      },
      line: index + 1,
    })),
  };
}

/** What a person reads: every signature with its counts, each customer's own, the directory's records. */
function views(loupe: Loupe) {
  const page = (customer?: string) =>
    loupe.listSignatures({
      limit: 1000,
      offset: 0,
      minSeverity: 0,
      ...(customer === undefined ? {} : { customer }),
    }).items;
  const customers = loupe.customerService().listCustomers(100, 0);
  return {
    all: page(),
    acme: page("acme"),
    globex: page("globex"),
    records: customers.items.map((c) => [c.customerId, c.records]),
    unattributed: customers.unattributed.records,
  };
}

async function run(pushes: readonly (readonly Line[])[], registerAt: number) {
  const clock = { now: () => T0 + 100 * HOUR };
  const { loupe, store, projectionStore } = await memoryLoupe(new MemoryEventStore({ clock }));
  const customers = loupe.customerService();
  await customers.importCustomers([acme]);
  for (let i = 0; i <= pushes.length; i++) {
    if (i === registerAt) await customers.importCustomers([acme, globex]);
    if (i < pushes.length && pushes[i]!.length > 0) await loupe.ingest(requestOf(pushes[i]!));
  }
  const registered = views(loupe);
  await erasureOf(loupe, { store, clock, defaultRetentionDays: null }).forget("globex", "test");
  const tables = JSON.stringify(dumpTables(projectionStore, PROJECTIONS.flatMap((p) => p.tables)));
  return { registered, forgotten: views(loupe), leaks: tables.includes(GLOBEX_WORD) };
}

Deno.test("views, and what forgetting leaves, are the same whether a tenant is registered before its logs or after", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(recordArb, { maxLength: 8 }), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      async (pushes, at) => {
        const late = at % (pushes.length + 1);
        const early = await run(pushes, 0);
        const later = await run(pushes, late);
        assert.deepEqual(later.registered, early.registered);
        assert.deepEqual(later.forgotten, early.forgotten);
        // Templates learned from the tenant's lines, in a push of its own or
        // mixed with others', or generalized later by others' lines, keep
        // its words: they are sealed under its keys too, and go with it.
        assert.equal(early.leaks, false, "the tenant's words left after forgetting it");
        assert.equal(later.leaks, false, "the tenant's words left after forgetting it");
      },
    ),
    { numRuns: 40 },
  );
});
