import assert from "node:assert/strict";
import { startServer } from "../support/server.ts";

const START = Date.parse("2026-03-01T08:00:00Z");
const iso = (millis: number) => new Date(millis).toISOString();
const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n") + "\n";

const CSV = `customer_id,name,tier,contract_value,region,deployment_model,environments,tenant_id
acme,Acme Ltd,enterprise,200000,eu-west,single-tenant,acme/prod,
bolt,Bolt GmbH,standard,5000,eu-west,multi-tenant,mt-1/prod,bolt-t
cove,Cove SA,business,40000,eu-west,multi-tenant,mt-1/prod,cove-t
`;

/** A shared cluster logging for two tenants and for itself; acme on its own environment. */
function clusterLogs(): string {
  const lines: unknown[] = [];
  for (let i = 0; i < 30; i++) {
    const tenant = i % 3 === 0 ? "bolt-t" : i % 3 === 1 ? "cove-t" : undefined;
    lines.push({
      time: iso(START + i * 60_000),
      level: "error",
      msg: `Invoice sync failed for batch ${1000 + i}: upstream returned 502`,
      ...(tenant === undefined ? {} : { tenant_id: tenant }),
    });
  }
  return ndjson(lines);
}

async function json(response: Response) {
  return { status: response.status, body: await response.json() };
}

Deno.test("customer directory over real HTTP: import, attribution by tenant, isolation, errors", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-customers-e2e-" });
  let server = await startServer(dataDir);
  try {
    const post = (path: string, body: string, type: string) =>
      fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": type }, body });
    assert.equal(
      (await post("/v1/logs?customer=mt-1&environment=prod", clusterLogs(), "application/x-ndjson"))
        .status,
      200,
    );
    const acme = await post(
      "/v1/logs?customer=acme&environment=prod",
      ndjson([{
        time: iso(START),
        level: "error",
        msg: "Invoice sync failed for batch 7: upstream returned 502",
      }]),
      "application/x-ndjson",
    );
    assert.equal(acme.status, 200);
    await acme.body?.cancel();
    const { body: page } = await json(await fetch(`${server.url}/v1/signatures?severity=ERROR`));
    const signatureId = page.items[0].id as string;

    await t.step("without a directory, the owner a source names is the customer", async () => {
      const { body } = await json(await fetch(`${server.url}/v1/signatures/${signatureId}`));
      assert.deepEqual(
        body.by_customer.map((c: { customer: string; count: number }) => [c.customer, c.count]),
        [["mt-1", 30], ["acme", 1]],
      );
    });

    await t.step("importing the CRM export registers each customer once", async () => {
      const first = await json(await post("/v1/customers/import", CSV, "text/csv"));
      assert.equal(first.status, 200);
      assert.deepEqual(first.body.registered, ["acme", "bolt", "cove"]);
      const again = await json(await post("/v1/customers/import", CSV, "text/csv"));
      assert.deepEqual([again.body.registered, again.body.unchanged], [[], 3]);
    });

    await t.step(
      "records already stored are attributed by tenant; cluster lines are unattributed",
      async () => {
        const { body } = await json(await fetch(`${server.url}/v1/signatures/${signatureId}`));
        assert.deepEqual(
          body.by_customer.map((
            c: { customer: string | null; count: number },
          ) => [c.customer, c.count]),
          [["bolt", 10], ["cove", 10], [null, 10], ["acme", 1]],
        );
        assert.equal(body.customers, 3);
        const { body: list } = await json(await fetch(`${server.url}/v1/customers`));
        assert.equal(list.total, 3);
        assert.equal(list.unattributed.records, 10);
        assert.deepEqual(list.unattributed.origins.map((o: { owner: string }) => o.owner), [
          "mt-1",
        ]);
        const bolt = list.items.find((c: { customer_id: string }) => c.customer_id === "bolt");
        assert.deepEqual(bolt.origins.map((o: { tenant: string }) => o.tenant), ["bolt-t"]);
        assert.equal(bolt.weight_used, 5000);
      },
    );

    await t.step("a customer's views show only its own records", async () => {
      const { body: filtered } = await json(
        await fetch(`${server.url}/v1/signatures?customer=cove`),
      );
      assert.deepEqual(filtered.items.map((s: { count: number }) => s.count), [10]);
      const { body: ticket } = await json(
        await fetch(`${server.url}/v1/tickets`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            customer: "cove",
            environment: "prod",
            subject: "Invoices do not sync",
            description: "Since this morning our invoices are not synchronised",
            severity: "high",
            reporter: "cove admin",
            window: { from: iso(START - 3_600_000), to: iso(START + 3_600_000) },
          }),
        }),
      );
      const { body: logs } = await json(
        await fetch(`${server.url}/v1/tickets/${ticket.id}/logs?limit=100`),
      );
      assert.equal(logs.items.length, 10);
      assert.ok(
        logs.items.every((l: { customer: string }) => l.customer === "cove"),
        "shown as the customer, not the cluster",
      );
      const batches = logs.items.map((l: { message: string }) =>
        Number(/batch (\d+)/.exec(l.message)![1]) - 1000
      );
      assert.ok(batches.every((i: number) => i % 3 === 1), "only cove's tenant lines");
    });

    await t.step("bad imports say what was wrong and change nothing", async () => {
      const bad = await json(
        await post(
          "/v1/customers/import",
          "customer_id,name,contract_value\nzed,Zed,many\n",
          "text/csv",
        ),
      );
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /line 2 \(contractValue\): "many" is not a number/);
      const clash = await json(
        await post(
          "/v1/customers/import",
          "customer_id,name,environments\nzed,Zed,acme/prod\n",
          "text/csv",
        ),
      );
      assert.equal(clash.status, 400);
      assert.match(clash.body.error.message, /acme and zed both claim acme\/prod/);
      const media = await json(await post("/v1/customers/import", "<xml/>", "application/xml"));
      assert.equal(media.status, 415);
      const missing = await json(await fetch(`${server.url}/v1/customers/nobody`));
      assert.equal(missing.status, 404);
      const { body: list } = await json(await fetch(`${server.url}/v1/customers`));
      assert.equal(list.total, 3);
    });

    await t.step("a restart keeps the directory and the attribution", async () => {
      await server.stop();
      server = await startServer(dataDir);
      const { body } = await json(await fetch(`${server.url}/v1/customers/bolt`));
      assert.equal(body.records, 10);
      const removed = await fetch(`${server.url}/v1/customers/bolt`, { method: "DELETE" });
      assert.equal(removed.status, 204);
      const { body: after } = await json(await fetch(`${server.url}/v1/customers`));
      assert.equal(
        after.unattributed.records,
        20,
        "bolt's records are unattributed once it is gone",
      );
    });
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
