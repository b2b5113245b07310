/**
 * Forgetting a tenant registered after its logs arrived, stopped dead at
 * each step on a real LMDB store: after the keys are deleted, after the
 * erasure is recorded, midway through the rebuild. The process is gone
 * (nothing it kept in memory survives), the store is opened again, and the
 * views must be exactly those of a forgetting that ran to the end: none of
 * the tenant's records, and every other record counted once.
 */
import assert from "node:assert/strict";
import { customerOf } from "../../test/contracts/customer_directory_contract.ts";
import { openLocalStore } from "../main/cli.ts";
import { erasureOf, Loupe, PROJECTIONS } from "../app/loupe.ts";
import type { ErasureDeps, ErasureService } from "./erasure.ts";
import type { IngestRequest } from "../../ports/application.ts";
import type { EventStore } from "../../ports/event_store.ts";
import { ERASURE_STREAM } from "../../domain/privacy/retention.ts";
import type { LocalStore } from "../main/cli.ts";
import { dumpTables } from "../../test/support/app.ts";
import type { IngestTotals } from "../projections/signatures.ts";
import { ENVIRONMENT_TABLES } from "../projections/environment_logs.ts";

const T0 = Date.UTC(2026, 2, 2, 10);
const HOUR = 3_600_000;
const clock = { now: () => T0 + 100 * HOUR };

const acme = customerOf("acme", {
  deploymentModel: "multi-tenant",
  environments: ["mt-eu/prod"],
  tenantId: "acme-tenant",
});
const globex = customerOf("globex", {
  deploymentModel: "multi-tenant",
  environments: ["mt-eu/prod"],
  tenantId: "globex-tenant",
});

/** One push of the cluster: the three origins interleaved, over three days. */
function push(n: number): IngestRequest {
  const records = [];
  for (let i = 0; i < 6; i++) {
    const tenant = ["acme-tenant", "globex-tenant", ""][i % 3]!;
    const words = ["acmequokka", "zanzibarflamingo", "clusterheron"][i % 3]!;
    records.push({
      parsed: {
        timestamp: T0 + n * 7 * HOUR + i,
        message: `cache ${words} warmed in ${i} ms`,
        attributes: tenant === "" ? {} : { tenant_id: tenant },
      },
      line: i + 1,
    });
  }
  return {
    source: "test",
    format: "jsonl",
    context: { customer: "mt-eu", environment: "prod" },
    quarantined: [],
    records,
  };
}

async function open(dir: string): Promise<{ local: LocalStore; loupe: Loupe }> {
  const local = await openLocalStore(dir, { encryption: true, clock });
  let id = 0;
  const loupe = await Loupe.start({
    store: local.store,
    projectionStore: local.projectionStore,
    clock,
    newId: () => `id${String(++id).padStart(8, "0")}`,
  });
  return { local, loupe };
}

function erasureIn(
  local: LocalStore,
  loupe: Loupe,
  eraseAndRebuild: ErasureDeps["eraseAndRebuild"],
  store: EventStore = local.store,
): ErasureService {
  return erasureOf(loupe, { store, clock, defaultRetentionDays: null, eraseAndRebuild });
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyDir(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** What a person can count in the views: records per origin and in all, and no word of globex. */
function counted(local: LocalStore) {
  const tables = dumpTables(local.projectionStore, PROJECTIONS.flatMap((p) => p.tables));
  const text = JSON.stringify(tables);
  const totals = local.projectionStore.get<IngestTotals>("ingest_totals", ["all"]);
  const origins = Object.fromEntries(
    [...local.projectionStore.range<{ count: number }>(ENVIRONMENT_TABLES.environments)].map((
      { key, value },
    ) => [key.join("/"), value.count]),
  );
  return {
    records: totals?.records,
    origins,
    globexWords: text.includes("zanzibarflamingo") || text.includes("globex-tenant"),
    acmeWords: text.includes("acmequokka"),
  };
}

class Crash extends Error {}

/** The store, but the process dies as it records an erasure (the keys are gone by then). */
function diesOnRecord(store: EventStore): EventStore {
  return new Proxy(store, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (name === "append") {
        return (stream: string, ...rest: [never, never]) =>
          stream === ERASURE_STREAM ? Promise.reject(new Crash()) : target.append(stream, ...rest);
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test("forgetting a late-registered tenant, stopped at any step, ends as if it had run to the end after a restart", async () => {
  const work = await Deno.makeTempDir({ prefix: "loupe-erasure-crash-" });
  try {
    // Given: logs of three origins, then the late tenant registered.
    const prepared = `${work}/prepared`;
    {
      const { local, loupe } = await open(prepared);
      const customers = loupe.customerService();
      await customers.importCustomers([acme]);
      for (let n = 0; n < 10; n++) await loupe.ingest(push(n));
      await customers.importCustomers([acme, globex]);
      await local.store.close();
    }

    // The reference: a forgetting that ran to the end.
    const reference = `${work}/reference`;
    await copyDir(prepared, reference);
    let expected;
    {
      const { local, loupe } = await open(reference);
      const before = counted(local);
      assert.equal(before.records, 60);
      assert.ok(before.globexWords, "the test can fail: globex is in the views before");
      const erasure = erasureIn(
        local,
        loupe,
        (erase, rebuildIf) => loupe.eraseAndRebuild(erase, rebuildIf),
      );
      const receipt = await erasure.forget("globex", "test");
      assert.ok(receipt.keysDeleted > 0);
      expected = counted(local);
      await local.store.close();
    }
    assert.equal(expected.records, 40);
    assert.deepEqual(expected.origins, { "mt-eu/acme-tenant/prod": 20, "mt-eu//prod": 20 });
    assert.equal(expected.globexWords, false);
    assert.equal(expected.acmeWords, true);

    // When: the same forgetting, the process gone at each step in turn.
    const steps: Record<string, (loupe: Loupe, erase: () => Promise<unknown>) => Promise<void>> = {
      "after the keys are deleted, before the erasure is recorded": async (_loupe, erase) => {
        await erase();
      },
      "after the keys are deleted and the erasure recorded": async (_loupe, erase) => {
        await erase();
        throw new Crash();
      },
      "midway through the rebuild": async (loupe, erase) => {
        await erase();
        await loupe.projector.reset();
        throw new Crash();
      },
      "after the rebuild, before it is marked done": async (loupe, erase) => {
        await erase();
        await loupe.rebuild();
        throw new Crash();
      },
    };
    for (const [step, crashAt] of Object.entries(steps)) {
      const dir = `${work}/${step.replaceAll(" ", "-").replaceAll(",", "")}`;
      await copyDir(prepared, dir);
      {
        const { local, loupe } = await open(dir);
        const erasure = erasureIn(local, loupe, async (erase) => {
          await crashAt(loupe, erase);
          throw new Crash();
        }, step.includes("before the erasure is recorded") ? diesOnRecord(local.store) : undefined);
        await assert.rejects(erasure.forget("globex", "test"), Crash);
        // The process dies: only what is on disk stays.
        await local.store.close();
      }
      // Then: opened again, the views are those of the finished forgetting.
      const { local } = await open(dir);
      try {
        assert.deepEqual(counted(local), expected, step);
      } finally {
        await local.store.close();
      }
    }
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
