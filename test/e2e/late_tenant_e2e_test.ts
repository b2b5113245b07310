/**
 * A tenant of a shared cluster registered only after its logs arrived, end
 * to end through the real server on a real LMDB. The cluster pushes records
 * of three origins mixed in the same pushes: a tenant the directory knows
 * (acme), one it does not know yet (globex), and the cluster's own lines
 * that name no tenant. Once globex is registered, its token sees its earlier
 * records and it counts among the customers an issue hit; once it is
 * forgotten, none of its words is in any reply, report or byte of the data
 * directory, while acme's and the cluster's own records are all there.
 */
import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";
import { startServer } from "../support/server.ts";

const ADMIN = "admin-key-for-the-late-tenant-test";
const CLUSTER = "mt-eu";
const PUSH = `/v1/logs?customer=${CLUSTER}&environment=prod&service=checkout`;

/** Words only the late tenant's records hold. */
const GLOBEX = {
  message: "zanzibarflamingo",
  attribute: "globexattrquince",
  error: "GlobexVaultNarwhal",
};
const ACME = { message: "acmequokka", attribute: "acmeattrlemur" };
const CLUSTER_OWN = { message: "clusterheronwatch" };

const T0 = Date.parse("2026-03-02T10:00:00Z");
const HOUR = 3_600_000;

const line = (at: number, tenant: string | null, level: string, msg: string, extra = {}) =>
  JSON.stringify({
    time: new Date(at).toISOString(),
    level,
    msg,
    ...(tenant === null ? {} : { tenant_id: tenant }),
    ...extra,
  });

/** Three days of the cluster's logs, the three origins interleaved in every push. */
function pushes(): string[][] {
  const all: string[][] = [];
  for (let hour = 0; hour < 60; hour += 6) {
    const at = T0 + hour * HOUR;
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) {
      lines.push(
        line(at + i, "acme-tenant", "info", `cache ${ACME.message} warmed in ${i} ms`, {
          note: ACME.attribute,
        }),
      );
      lines.push(
        line(at + i, "globex-tenant", "info", `vault ${GLOBEX.message} refused ${i} times`, {
          note: GLOBEX.attribute,
        }),
      );
      lines.push(line(at + i, null, "info", `node ${CLUSTER_OWN.message} healthy after ${i} s`));
      // One issue hits both tenants.
      const tenant = i % 2 === 0 ? "globex-tenant" : "acme-tenant";
      lines.push(
        line(at + i, tenant, "error", `PaymentGatewayException: charge failed after ${i} ms`),
      );
    }
    // An error only the late tenant logs, with its words in the template and a stack.
    lines.push(
      line(at + 5, "globex-tenant", "error", `${GLOBEX.error} sealed the ledger`, {
        stack: `E\n\tat ${GLOBEX.error}.open(V.java:1)`,
      }),
    );
    all.push(lines);
  }
  return all;
}

const CSV_HEADER =
  "customer_id,name,tier,contract_value,region,deployment_model,environments,tenant_id,primary_contact,primary_email\n";
const ACME_ROW =
  `acme,Acme Kestrel Works,business,5000,eu-west,multi-tenant,${CLUSTER}/prod,acme-tenant,,\n`;
const GLOBEX_ROW =
  `globex,Globex Holdings,enterprise,200000,eu-west,multi-tenant,${CLUSTER}/prod,globex-tenant,,\n`;

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* filesUnder(path);
    else if (entry.isFile) yield path;
  }
}

function found(values: readonly string[], text: string): string[] {
  return values.filter((value) => text.includes(value));
}

async function storeHolds(dir: string, values: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  for await (const file of filesUnder(dir)) {
    // Latin-1 keeps every byte one character, so a search finds raw bytes too.
    const text = new TextDecoder("latin1").decode(await Deno.readFile(file));
    hits.push(...found(values, text).map((value) => `${file}: ${value}`));
  }
  return hits;
}

async function reportsOf(work: string, dataDir: string, name: string): Promise<string> {
  const dir = `${work}/${name}`;
  const replayed = await runEntry("replay", ["--data", dataDir, "--report", dir]);
  assert.equal(replayed.code, 0, replayed.stderr);
  let text = "";
  for await (const file of filesUnder(dir)) text += `${file}\n${await Deno.readTextFile(file)}\n`;
  return text;
}

Deno.test("a tenant registered after its logs arrived: its token sees them, it counts as hit, and forgetting it leaves none of its words", async () => {
  const work = await Deno.makeTempDir({ prefix: "loupe-late-tenant-e2e-" });
  const dataDir = `${work}/data`;
  let server = await startServer(dataDir, { LOUPE_API_KEY: ADMIN });
  try {
    const call = async (path: string, init: RequestInit = {}, token = ADMIN) => {
      const response = await fetch(`${server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
      });
      return { status: response.status, text: await response.text() };
    };
    const importCsv = async (rows: string) => {
      const reply = await call("/v1/customers/import", {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: CSV_HEADER + rows,
      });
      assert.equal(reply.status, 200, reply.text);
    };

    await importCsv(ACME_ROW);
    for (const lines of pushes()) {
      const reply = await call(PUSH, {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body: lines.join("\n") + "\n",
      });
      assert.equal(reply.status, 200, reply.text);
    }
    // The late tenant is registered only now.
    await importCsv(ACME_ROW + GLOBEX_ROW);

    const created = await call("/v1/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "globex portal", role: "customer:globex" }),
    });
    assert.equal(created.status, 201, created.text);
    const globexToken = JSON.parse(created.text).secret as string;

    // (a) Its token sees its earlier records, and the issue counts it as hit.
    const own = await call("/v1/customers/globex/impact?min_severity=TRACE", {}, globexToken);
    assert.equal(own.status, 200, own.text);
    assert.match(own.text, /zanzibarflamingo|GlobexVaultNarwhal/);
    const view = JSON.parse((await call("/v1/customers/globex")).text);
    assert.ok(view.records > 0, JSON.stringify(view));
    const signatures = JSON.parse((await call("/v1/signatures?limit=1000")).text);
    const payment = signatures.items.find((s: { template: string }) =>
      s.template.includes("PaymentGatewayException")
    );
    assert.ok(payment, JSON.stringify(signatures));
    const detail = await call(`/v1/signatures/${payment.id}/issue`);
    const issue = JSON.parse(detail.text);
    const hit = issue.customers.map((c: { customer: string }) => c.customer);
    assert.deepEqual([...hit].sort(), ["acme", "globex"], detail.text);
    assert.equal(issue.customers_affected, 2, detail.text);
    const signatureImpact = await call(`/v1/signatures/${payment.id}/impact`);
    assert.match(signatureImpact.text, /"globex"/);

    const scoped = await call("/v1/signatures?limit=1000", {}, globexToken);
    assert.equal(scoped.status, 200, scoped.text);
    assert.match(scoped.text, /PaymentGatewayException/);
    assert.match(scoped.text, /GlobexVaultNarwhal/);

    // A replay of the same data directory rebuilds the same views.
    const views = async () => {
      const texts = [];
      for (
        const path of [
          "/v1/customers",
          "/v1/customers/globex",
          "/v1/customers/acme",
          "/v1/signatures?limit=1000",
          `/v1/signatures/${payment.id}/impact`,
          `/v1/signatures/${payment.id}/issue`,
          "/v1/customers/globex/impact?min_severity=TRACE",
        ]
      ) texts.push(`${path}: ${(await call(path)).text}`);
      return texts;
    };
    const live = await views();
    await server.stop();
    const replayed = await runEntry("replay", ["--data", dataDir]);
    assert.equal(replayed.code, 0, replayed.stderr);
    server = await startServer(dataDir, { LOUPE_API_KEY: ADMIN });
    assert.deepEqual(await views(), live);

    // (b) Forgotten: nothing of its words anywhere, everything else kept.
    const forgotten = await call("/v1/customers/globex/data", { method: "DELETE" });
    assert.equal(forgotten.status, 200, forgotten.text);
    const replies: string[] = [];
    const crawl = async () => {
      const list = JSON.parse((await call("/v1/signatures?limit=1000")).text);
      replies.push(JSON.stringify(list));
      for (const { id } of list.items) {
        for (const part of ["", "/impact", "/trend", "/issue"]) {
          replies.push((await call(`/v1/signatures/${id}${part}`)).text);
        }
      }
      for (
        const path of [
          "/v1/issues?limit=1000&include_upgrade_noise=true",
          `/v1/issues/${issue.id}`,
          "/v1/customers",
          "/v1/customers/acme/impact?min_severity=TRACE",
          "/v1/trends?severity=TRACE",
          "/v1/priorities?min_severity=TRACE",
          "/v1/quarantine?limit=1000",
          "/healthz",
          "/metrics",
        ]
      ) replies.push((await call(path)).text);
      return replies.join("\n");
    };
    const after = await crawl();
    assert.deepEqual(found(Object.values(GLOBEX), after), []);
    assert.deepEqual(found([ACME.message, CLUSTER_OWN.message], after), [
      ACME.message,
      CLUSTER_OWN.message,
    ]);
    const acmeView = JSON.parse((await call("/v1/customers/acme")).text);
    assert.equal(acmeView.records, 10 * 4 + 10 * 2, JSON.stringify(acmeView));
    // The cluster's own lines name no tenant: nobody's, and all still there.
    const list = JSON.parse((await call("/v1/customers")).text);
    assert.equal(list.unattributed.records, 10 * 4, JSON.stringify(list.unattributed));
    assert.equal((await call("/v1/customers/globex")).status, 404);
    const afterForget = await views();

    await server.stop();
    // A replay rebuilds the same answers, and its reports hold none of the words.
    const reports = await reportsOf(work, dataDir, "reports");
    assert.deepEqual(found(Object.values(GLOBEX), reports), []);
    assert.deepEqual(await storeHolds(dataDir, Object.values(GLOBEX)), []);
    assert.ok((await storeHolds(dataDir, [ACME.message])).length > 0);
    assert.ok((await storeHolds(dataDir, [CLUSTER_OWN.message])).length > 0);

    // The replay that wrote the reports rebuilt the views: the same answers.
    server = await startServer(dataDir, { LOUPE_API_KEY: ADMIN });
    assert.deepEqual(await views(), afterForget);
  } finally {
    await server.stop().catch(() => {});
    await Deno.remove(work, { recursive: true });
  }
});
