/**
 * The leak test, after forgetting: one customer's values planted in every
 * field Loupe stores (log messages, JSON attributes, logfmt, syslog
 * structured data, stack traces, CSV cells, quarantined lines, the
 * directory, ticket texts, comments, resolutions, metrics), through file
 * import and HTTP push, next to another customer's. Once the first is
 * forgotten, no API response, no report file and no byte of the data
 * directory holds any of its values, and the other customer's are all there.
 */
import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";
import { startServer } from "../support/server.ts";

/** Words only the forgotten customer's data holds (none a redaction detector touches). */
const GLOBEX = {
  message: "zanzibarflamingo",
  attribute: "globexattrquince",
  logfmt: "globexlogfmtmarmot",
  syslogData: "globexsyslogtapir",
  stack: "GlobexVaultNarwhal",
  csvCell: "globexcsvokapi",
  quarantined: "globexquarantinedaxolotl",
  name: "Globex Zanzibar Holdings",
  contact: "Prudence Quagmire",
  subject: "globexsubjectpangolin",
  description: "globexdescriptionwombat",
  comment: "globexcommentmanatee",
  resolution: "globexresolutionibex",
  otlp: "globexotlpdugong",
  metricEnvironment: "globexmetricsenv",
};
/** The customer kept: the same kinds of value. */
const ACME = { message: "acmequokka", name: "Acme Kestrel Works", ticket: "acmeticketlemur" };

const T0 = Date.parse("2026-03-02T10:00:00Z");
const iso = (offset: number) => new Date(T0 + offset * 1000).toISOString();

async function writeFleet(root: string) {
  const globex = `${root}/globex/prod`;
  const acme = `${root}/acme/prod`;
  await Deno.mkdir(globex, { recursive: true });
  await Deno.mkdir(acme, { recursive: true });
  await Deno.writeTextFile(
    `${globex}/orders.jsonl`,
    [
      { time: iso(1), level: "error", msg: `vault ${GLOBEX.message} refused`, k: GLOBEX.attribute },
      {
        time: iso(2),
        level: "error",
        msg: "charge failed",
        stack: `E\n\tat ${GLOBEX.stack}.x(V.java:1)`,
      },
    ].map((r) => JSON.stringify(r)).join("\n") + `\n{"broken ${GLOBEX.quarantined}\n`,
  );
  await Deno.writeTextFile(
    `${acme}/orders.jsonl`,
    JSON.stringify({ time: iso(1), level: "error", msg: `cache ${ACME.message} missed` }) + "\n",
  );
}

function customersCsv(): string {
  return "customer_id,name,tier,contract_value,region,deployment_model,environments,tenant_id,primary_contact,primary_email\n" +
    `globex,${GLOBEX.name},enterprise,100000,eu-west,single-tenant,globex/prod,,${GLOBEX.contact},\n` +
    `acme,${ACME.name},business,5000,eu-west,single-tenant,acme/prod,,,\n`;
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* filesUnder(path);
    else if (entry.isFile) yield path;
  }
}

function found(values: readonly string[], bytes: Uint8Array): string[] {
  // Latin-1 keeps every byte one character, so a search finds raw bytes too.
  const text = new TextDecoder("latin1").decode(bytes);
  return values.filter((value) => text.includes(value));
}

async function storeHolds(dataDir: string, values: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  for await (const file of filesUnder(dataDir)) {
    for (const value of found(values, await Deno.readFile(file))) hits.push(`${file}: ${value}`);
  }
  return hits;
}

const GLOBEX_VALUES = Object.values(GLOBEX);

Deno.test("after a customer is forgotten, no reply, report or byte of the store holds its values", async () => {
  const work = await Deno.makeTempDir({ prefix: "loupe-forget-e2e-" });
  const dataDir = `${work}/data`;
  try {
    await writeFleet(`${work}/logs`);
    await Deno.writeTextFile(`${work}/customers.csv`, customersCsv());
    const imported = await runEntry("replay", [
      "--data",
      dataDir,
      "--customers",
      `${work}/customers.csv`,
      "--import",
      `${work}/logs`,
    ]);
    assert.equal(imported.code, 0, imported.stderr);

    const server = await startServer(dataDir);
    let replies: string[] = [];
    try {
      const call = async (path: string, init: RequestInit = {}) => {
        const response = await fetch(`${server.url}${path}`, init);
        const text = await response.text();
        replies.push(text);
        return { status: response.status, text };
      };
      const send = (path: string, type: string, body: string, method = "POST") =>
        call(path, { method, headers: { "content-type": type }, body });
      const push = "/v1/logs?customer=globex&environment=prod&service=api";
      assert.equal(
        (await send(
          `${push}&format=logfmt`,
          "text/plain",
          `time=${iso(3)} level=error msg="checkout failed" detail=${GLOBEX.logfmt}\n`,
        )).status,
        200,
      );
      assert.equal(
        (await send(
          `${push}&format=syslog`,
          "text/plain",
          `<131>1 ${
            iso(4)
          } host-1 checkout 42 ID47 [meta@32473 note="${GLOBEX.syslogData}"] request rejected\n`,
        )).status,
        200,
      );
      assert.equal(
        (await send(
          push,
          "text/csv",
          `timestamp,level,message,detail\n${iso(5)},ERROR,invoice failed,${GLOBEX.csvCell}\n`,
        )).status,
        200,
      );
      const otlp = {
        resourceLogs: [{
          resource: { attributes: [{ key: "customer.id", value: { stringValue: "globex" } }] },
          scopeLogs: [{
            logRecords: [{
              timeUnixNano: String(BigInt(T0 + 6_000) * 1_000_000n),
              severityText: "ERROR",
              body: { stringValue: `otlp ${GLOBEX.otlp} failed` },
            }],
          }],
        }],
      };
      assert.equal((await send("/v1/logs", "application/json", JSON.stringify(otlp))).status, 200);
      const metrics = await send(
        "/v1/metrics",
        "application/json",
        JSON.stringify({
          environment: `globex/${GLOBEX.metricEnvironment}`,
          customer: "globex",
          at: iso(7),
          error_rate: 0.5,
        }),
      );
      assert.equal(metrics.status, 200, metrics.text);
      const opened = async (customer: string, subject: string, description: string) => {
        const reply = await send(
          "/v1/tickets",
          "application/json",
          JSON.stringify({
            customer,
            environment: "prod",
            subject,
            description,
            severity: "high",
            reporter: "ops",
          }),
        );
        assert.equal(reply.status, 201, reply.text);
        return JSON.parse(reply.text).id as string;
      };
      const ticketId = await opened("globex", `${GLOBEX.subject} down`, GLOBEX.description);
      await opened("acme", `${ACME.ticket} down`, "slow");
      await send(
        `/v1/tickets/${ticketId}/comments`,
        "application/json",
        JSON.stringify({ author: "agent-1", body: GLOBEX.comment }),
      );
      await send(
        `/v1/tickets/${ticketId}/resolution`,
        "application/json",
        JSON.stringify({ root_cause: GLOBEX.resolution, solution: "rotated", resolver: "agent-1" }),
      );

      const crawl = async () => {
        replies = [];
        const signatures = JSON.parse((await call("/v1/signatures?limit=1000")).text);
        for (const { id } of signatures.items) {
          await call(`/v1/signatures/${id}`);
          await call(`/v1/signatures/${id}/impact`);
          await call(`/v1/signatures/${id}/trend`);
          await call(`/v1/signatures/${id}/tickets`);
        }
        const tickets = JSON.parse((await call("/v1/tickets")).text);
        for (const { id } of tickets.items) {
          for (const part of ["", "/comments", "/resolution", "/logs?limit=1000", "/candidates"]) {
            await call(`/v1/tickets/${id}${part}`);
          }
        }
        for (
          const path of [
            `/v1/tickets/${ticketId}`,
            "/v1/quarantine?limit=1000",
            "/v1/customers",
            "/v1/customers/globex",
            "/v1/customers/globex/impact?min_severity=TRACE",
            "/v1/customers/acme/impact?min_severity=TRACE",
            "/v1/trends?severity=TRACE",
            "/v1/issues",
            "/v1/priorities?min_severity=TRACE",
            "/v1/metrics",
            "/metrics",
            "/healthz",
          ]
        ) await call(path);
        return new TextEncoder().encode(replies.join("\n"));
      };

      // The test can fail: before, the values are there to be found.
      const before = found(GLOBEX_VALUES, await crawl());
      for (const value of [GLOBEX.message, GLOBEX.name, GLOBEX.subject, GLOBEX.comment]) {
        assert.ok(before.includes(value), `${value} not in any reply before forgetting`);
      }
      assert.ok((await storeHolds(dataDir, GLOBEX_VALUES)).length > 0);

      const forgotten = await call("/v1/customers/globex/data", { method: "DELETE" });
      assert.equal(forgotten.status, 200, forgotten.text);
      assert.ok(JSON.parse(forgotten.text).keys_deleted > 0, forgotten.text);

      const after = await crawl();
      assert.deepEqual(found(GLOBEX_VALUES, after), []);
      assert.deepEqual(found(Object.values(ACME), after), Object.values(ACME));
    } finally {
      await server.stop();
    }

    // Reports (the store's file is compacted first: serve asked for it).
    const reports = `${work}/reports`;
    const reported = await runEntry("replay", ["--data", dataDir, "--report", reports]);
    assert.equal(reported.code, 0, reported.stderr);
    const inReports: string[] = [];
    for await (const file of filesUnder(reports)) {
      inReports.push(
        ...found(GLOBEX_VALUES, await Deno.readFile(file)).map((v) => `${file}: ${v}`),
      );
    }
    assert.deepEqual(inReports, []);
    assert.deepEqual(await storeHolds(dataDir, GLOBEX_VALUES), []);
    // The scan finds what is there: the kept customer's words, in its views.
    assert.ok((await storeHolds(dataDir, [ACME.message])).length > 0);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
