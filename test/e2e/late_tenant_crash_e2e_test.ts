/**
 * kill -9 while a tenant registered after its logs is being forgotten. At
 * whatever moment the process dies, once restarted it is in one of two
 * states, never in between: the tenant is forgotten (none of its words in
 * any reply) or it is not (every one of its records there); and in both,
 * the other tenant's and the cluster's own records are all there, each
 * counted once.
 */
import assert from "node:assert/strict";
import { LmdbKeyStore } from "../../adapters/lmdb/key_store.ts";
import { type RunningServer, startServer } from "../support/server.ts";

const ADMIN = "admin-key-for-the-crash-test";
const PUSHES = 30;
const PER_TENANT = 100;
const T0 = Date.parse("2026-03-02T10:00:00Z");

const CSV_HEADER =
  "customer_id,name,tier,contract_value,region,deployment_model,environments,tenant_id,primary_contact,primary_email\n";
const ACME_ROW = "acme,Acme,business,5000,eu-west,multi-tenant,mt-eu/prod,acme-tenant,,\n";
const GLOBEX_ROW =
  "globex,Globex,enterprise,9000,eu-west,multi-tenant,mt-eu/prod,globex-tenant,,\n";

function push(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < PER_TENANT; i++) {
    const time = new Date(T0 + n * 3_600_000 + i).toISOString();
    lines.push(
      JSON.stringify({ time, msg: `cache acmequokka warmed in ${i} ms`, tenant_id: "acme-tenant" }),
    );
    lines.push(
      JSON.stringify({
        time,
        msg: `vault zanzibarflamingo refused ${i} times`,
        tenant_id: "globex-tenant",
      }),
    );
    lines.push(JSON.stringify({ time, msg: `node clusterheron healthy after ${i} s` }));
  }
  return lines.join("\n") + "\n";
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyDir(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

function caller(server: RunningServer) {
  return async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN}`, ...(init.headers ?? {}) },
    });
    return { status: response.status, text: await response.text() };
  };
}

Deno.test("kill -9 while forgetting a late-registered tenant: after a restart it is forgotten whole or not at all, and nothing else is lost or doubled", async () => {
  const work = await Deno.makeTempDir({ prefix: "loupe-late-tenant-crash-" });
  try {
    const prepared = `${work}/prepared`;
    {
      const server = await startServer(prepared, { LOUPE_API_KEY: ADMIN });
      try {
        const call = caller(server);
        const csv = (rows: string) =>
          call("/v1/customers/import", {
            method: "POST",
            headers: { "content-type": "text/csv" },
            body: CSV_HEADER + rows,
          });
        assert.equal((await csv(ACME_ROW)).status, 200);
        for (let n = 0; n < PUSHES; n++) {
          const reply = await call("/v1/logs?customer=mt-eu&environment=prod&service=api", {
            method: "POST",
            headers: { "content-type": "application/x-ndjson" },
            body: push(n),
          });
          assert.equal(reply.status, 200, reply.text);
        }
        assert.equal((await csv(ACME_ROW + GLOBEX_ROW)).status, 200);
      } finally {
        await server.stop();
      }
    }

    const states: string[] = [];
    // At fixed delays, and as soon as the keys file is replaced: the keys
    // are deleted then, and the views not yet rebuilt.
    for (const delayMs of [0, 100, 250, 500, 1000, "keys deleted"] as const) {
      const dir = `${work}/killed-after-${String(delayMs).replace(" ", "-")}`;
      await copyDir(prepared, dir);
      const server = await startServer(dir, { LOUPE_API_KEY: ADMIN });
      const keysFile = async () => (await Deno.stat(`${dir}/keys/data.mdb`)).ino;
      const keysBefore = await keysFile();
      const forgetting = caller(server)("/v1/customers/globex/data", { method: "DELETE" })
        .catch(() => undefined);
      if (delayMs === "keys deleted") {
        const until = Date.now() + 20_000;
        while (await keysFile().catch(() => keysBefore) === keysBefore && Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      } else await new Promise((resolve) => setTimeout(resolve, delayMs));
      await server.kill();
      const answered = await forgetting;

      const again = await startServer(dir, { LOUPE_API_KEY: ADMIN });
      let replies;
      try {
        const call = caller(again);
        replies = {
          customers: JSON.parse((await call("/v1/customers")).text),
          globex: await call("/v1/customers/globex"),
          all: [
            (await call("/v1/signatures?limit=1000")).text,
            (await call("/v1/customers")).text,
            (await call("/v1/quarantine?limit=1000")).text,
            (await call("/v1/trends?severity=TRACE")).text,
          ].join("\n"),
        };
      } finally {
        await again.stop();
      }
      // Whether the keys went is what the key store says, not what the views say.
      const keys = LmdbKeyStore.open(`${dir}/keys`);
      const forgotten = !keys.owners().some((owner) => owner.includes("globex-tenant"));
      await keys.close();
      const when = `killed after ${delayMs}${typeof delayMs === "number" ? " ms" : ""}`;
      states.push(`${when}: ${forgotten ? "forgotten" : "kept"}`);

      const { customers, globex, all } = replies;
      const acme = customers.items.find((c: { customer_id: string }) => c.customer_id === "acme");
      assert.equal(acme.records, PUSHES * PER_TENANT, when);
      assert.equal(customers.unattributed.records, PUSHES * PER_TENANT, when);
      assert.match(all, /acmequokka/);
      assert.match(all, /clusterheron/);
      if (forgotten) {
        assert.equal(globex.status, 404, when);
        assert.doesNotMatch(all, /zanzibarflamingo|globex-tenant/, when);
      } else {
        assert.equal(answered?.status === 200, false, "a forgetting answered 200 was undone");
        assert.equal(JSON.parse(globex.text).records, PUSHES * PER_TENANT, when);
        assert.match(all, /zanzibarflamingo/, when);
      }
    }
    console.log(states.join("\n"));
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
