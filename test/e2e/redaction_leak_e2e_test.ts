/**
 * Planted personal data and secrets of every detected kind, in every field
 * Loupe stores, through every way in (file import in each format, HTTP push
 * in each body type, quarantined lines, tickets and their comments and
 * resolutions): afterwards no API response, no report file and no byte of
 * the store holds any of them.
 */
import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";
import { startServer } from "../support/server.ts";

const PEM_BODY = "MIIBOgIBAAJBALeakPemBodyLine0123456789abcdefABCDEFghijkl";
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`;

/** What is planted, and the strings that must never be found again. */
const PLANTED = {
  email: { text: "leak.alice@example-corp.com", search: ["leak.alice@example-corp.com"] },
  ipv4: { text: "203.0.113.77", search: ["203.0.113.77"] },
  ipv6: { text: "2001:db8:4:5::77", search: ["2001:db8:4:5::77"] },
  card: { text: "5555 5555 5555 4444", search: ["5555 5555 5555 4444", "5555555555554444"] },
  iban: {
    text: "GB82 WEST 1234 5698 7654 32",
    search: ["GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"],
  },
  bearer: { text: "Bearer Zq8xV2pLm4Tn7Rw1Ks9d", search: ["Zq8xV2pLm4Tn7Rw1Ks9d"] },
  basic_auth: {
    text: "Authorization: Basic bGVha3VzZXI6TGVha0Jhc2ljOTk=",
    search: ["bGVha3VzZXI6TGVha0Jhc2ljOTk="],
  },
  jwt: {
    text: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsZWFrLXRlc3QifQ.Qm9ndXNTaWduYXR1cmVMZWFr",
    search: ["eyJzdWIiOiJsZWFrLXRlc3QifQ", "Qm9ndXNTaWduYXR1cmVMZWFr"],
  },
  api_key: {
    text: "sk_live_51LeakTestKeyAbCdEf123 ghp_LeakTestToken0123456789abcdefABCDEF " +
      "AKIAJLEAKTEST7EXAMPL xoxb-1111-2222-LeakTestSlack sk-proj-LeakOpenAi1234567890Abc " +
      "https://hooks.slack.com/services/T0LEAK1/B0LEAK2/LeakHookSecret42",
    search: [
      "LeakHookSecret42",
      "51LeakTestKeyAbCdEf123",
      "LeakOpenAi1234567890Abc",
      "LeakTestToken0123456789abcdefABCDEF",
      "AKIAJLEAKTEST7EXAMPL",
      "LeakTestSlack",
    ],
  },
  url_credentials: {
    text: "https://svcuser:Pa55LeakWord@db.example.net/orders",
    search: ["Pa55LeakWord"],
  },
  secret: {
    text: "password=LeakPass42x Authorization: Token LeakAuthTok9876 ; " +
      "Authorization: Digest username=leakdigestuser, response=LeakDigestResp77",
    search: ["LeakPass42x", "LeakAuthTok9876", "leakdigestuser", "LeakDigestResp77"],
  },
  private_key: { text: PEM, search: [PEM_BODY] },
  phone: { text: "+44 20 7946 0018", search: ["+44 20 7946 0018"] },
  ssn: { text: "219-09-9999", search: ["219-09-9999"] },
} as const;

const ALL = Object.values(PLANTED).map((p) => p.text).join(" ; ");
// Values an attribute carries whole, by a key that names a secret.
const ATTRIBUTE_SECRET = "attrSecretValue987";
const SEARCHED = [...Object.values(PLANTED).flatMap((p) => p.search), ATTRIBUTE_SECRET];
// Single-line texts (the PEM spans lines).
const ONE_LINE = Object.entries(PLANTED).filter(([type]) => type !== "private_key")
  .map(([, p]) => p.text).join(" ; ");

const T0 = Date.parse("2026-03-02T10:00:00Z");
const iso = (offset: number) => new Date(T0 + offset * 1000).toISOString();

function jsonLines(): string {
  return [
    { time: iso(1), level: "error", msg: `login failed ${ALL}`, user_email: PLANTED.email.text },
    {
      time: iso(2),
      level: "error",
      msg: "payment failed",
      api_key: ATTRIBUTE_SECRET,
      card: 5555555555554444,
      stack: `java.lang.IllegalStateException: ${ALL}\n\tat com.acme.Pay.charge(Pay.java:42)`,
      client: { ip: PLANTED.ipv4.text, phone: PLANTED.phone.text },
    },
  ].map((r) => JSON.stringify(r)).join("\n") + "\n" +
    // Not JSON: quarantined with its raw text.
    `{"msg": "broken ${ONE_LINE}\n`;
}

function logfmt(): string {
  return `time=${iso(3)} level=error msg="checkout failed ${ONE_LINE.replaceAll('"', "")}" ` +
    `password=${ATTRIBUTE_SECRET} user=${PLANTED.email.text} ip=${PLANTED.ipv4.text}\n`;
}

function syslog(): string {
  return `<131>1 ${iso(4)} host-1 checkout 4242 ID47 ` +
    `[meta@32473 email="${PLANTED.email.text}" ip="${PLANTED.ipv4.text}" token="${ATTRIBUTE_SECRET}"] ` +
    `request rejected ${ONE_LINE}\n`;
}

function log4j(): string {
  const time = iso(5).replace("T", " ").replace("Z", "").replace(".", ",");
  return `${time} ERROR [main] com.acme.Checkout - charge failed for ${PLANTED.email.text}\n` +
    `java.lang.RuntimeException: ${ONE_LINE}\n` +
    `\tat com.acme.Checkout.charge(Checkout.java:10)\n` +
    `Caused by: java.io.IOException: key follows\n${PEM}\n` +
    `\tat com.acme.Vault.read(Vault.java:7)\n`;
}

/** A ticketing tool's export of one ticket, as `/v1/tickets/import` and `replay --tickets` read it. */
function ticketHistoryCsv(id: string): string {
  return "id,customer,environment,subject,description,severity,reporter,created_at\n" +
    `${id},globex,prod,${cell(`Refund for ${ONE_LINE}`)},${cell(ALL)},high,${
      cell(PLANTED.email.text)
    },2026-03-01T09:00:00Z\n`;
}

/** A quoted CSV cell. */
function cell(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

function csv(): string {
  return "timestamp,level,service,message,email,card\n" +
    `${iso(6)},ERROR,billing,${cell(`invoice failed ${ONE_LINE}`)},${PLANTED.email.text},${
      cell(PLANTED.card.text)
    }\n`;
}

/** Text with a byte that is not UTF-8: quarantined, raw text kept as far as it decodes. */
function invalidUtf8(): Uint8Array<ArrayBuffer> {
  const before = new TextEncoder().encode(`${iso(7)} ERROR bad bytes ${ONE_LINE} `);
  return new Uint8Array([...before, 0xff, 0x0a]);
}

async function writeFleet(root: string) {
  const dir = `${root}/acme/prod`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/orders.jsonl`, jsonLines());
  await Deno.writeTextFile(`${dir}/checkout.log`, logfmt());
  await Deno.writeTextFile(`${dir}/gateway.syslog`, syslog());
  await Deno.writeTextFile(`${dir}/payments.log`, log4j());
  await Deno.writeTextFile(`${dir}/billing.csv`, csv());
  await Deno.writeFile(`${dir}/broken.log`, invalidUtf8());
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* filesUnder(path);
    else if (entry.isFile) yield path;
  }
}

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0]!;
  outer: for (let i = haystack.indexOf(first); i >= 0; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return -1;
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function leaksIn(where: string, bytes: Uint8Array): string[] {
  const found: string[] = [];
  for (const value of SEARCHED) {
    if (indexOfBytes(bytes, new TextEncoder().encode(value)) >= 0) found.push(`${where}: ${value}`);
  }
  return found;
}

Deno.test("no planted value survives in any reply, report or byte of the store", async () => {
  const work = await Deno.makeTempDir({ prefix: "loupe-leak-e2e-" });
  const dataDir = `${work}/data`;
  const logs = `${work}/logs`;
  const leaks: string[] = [];
  const replies: string[] = [];
  try {
    await writeFleet(logs);
    await Deno.writeTextFile(`${work}/history.csv`, ticketHistoryCsv("R-1"));
    await Deno.writeTextFile(
      `${work}/articles.json`,
      JSON.stringify([{ id: "kb-replay", title: `Imported ${ONE_LINE}`, body: ALL }]),
    );
    const imported = await runEntry("replay", [
      "--data",
      dataDir,
      "--import",
      logs,
      "--layout",
      "customer/environment",
      "--tickets",
      `${work}/history.csv`,
      "--articles",
      `${work}/articles.json`,
    ]);
    assert.equal(imported.code, 0, imported.stderr);
    const summary = JSON.parse(imported.stdout);
    assert.ok(summary.imported_records >= 6, imported.stdout);
    assert.ok(summary.imported_quarantined >= 2, imported.stdout);
    leaks.push(...leaksIn("replay --import output", new TextEncoder().encode(imported.stdout)));

    const server = await startServer(dataDir);
    try {
      const call = async (path: string, init: RequestInit = {}) => {
        const response = await fetch(`${server.url}${path}`, init);
        const text = await response.text();
        replies.push(text);
        leaks.push(...leaksIn(`${init.method ?? "GET"} ${path}`, new TextEncoder().encode(text)));
        return { status: response.status, text };
      };
      const post = (path: string, type: string, body: BodyInit) =>
        call(path, { method: "POST", headers: { "content-type": type }, body });
      const push = "/v1/logs?customer=globex&environment=prod&service=api";
      assert.equal((await post(push, "application/x-ndjson", jsonLines())).status, 200);
      assert.equal(
        (await post(push, "application/json", JSON.stringify([{ msg: ALL, email: ONE_LINE }])))
          .status,
        200,
      );
      assert.equal((await post(`${push}&format=logfmt`, "text/plain", logfmt())).status, 200);
      assert.equal((await post(`${push}&format=syslog`, "text/plain", syslog())).status, 200);
      assert.equal((await post(`${push}&format=text`, "text/plain", log4j())).status, 200);
      assert.equal((await post(push, "text/csv", csv())).status, 200);
      assert.equal((await post(push, "text/plain", invalidUtf8())).status, 200);
      // OTLP/JSON is mapped on the serving thread, not by the body parsers.
      const otlp = {
        resourceLogs: [{
          resource: {
            attributes: [{ key: "customer.id", value: { stringValue: "globex" } }],
          },
          scopeLogs: [{
            logRecords: [{
              timeUnixNano: String(BigInt(Date.parse(iso(7))) * 1_000_000n),
              severityText: "ERROR",
              body: { stringValue: `otlp ${ALL}` },
              attributes: [{ key: "user.email", value: { stringValue: PLANTED.email.text } }],
            }],
          }],
        }],
      };
      assert.equal(
        (await post("/v1/logs", "application/json", JSON.stringify(otlp))).status,
        200,
      );
      // A refused body's error names the bad line's reason: it must not quote it.
      assert.equal(
        (await post(`${push}&strict=true`, "application/x-ndjson", jsonLines())).status,
        400,
      );

      // A metric's name is text too: a label may carry a user or a host.
      const metricName = `mailbox_size{user="${PLANTED.email.text}",host=${PLANTED.ipv4.text}}`;
      const metrics = await post(
        "/v1/metrics",
        "application/json",
        JSON.stringify({
          environment: "prod",
          customer: "globex",
          at: new Date().toISOString(),
          [metricName]: 3,
        }),
      );
      assert.equal(metrics.status, 200, metrics.text);

      const ticket = await post(
        "/v1/tickets",
        "application/json",
        JSON.stringify({
          customer: "globex",
          environment: "prod",
          subject: `Checkout broken for ${PLANTED.email.text}`,
          description: `Customer says: ${ALL}`,
          severity: "high",
          reporter: PLANTED.email.text,
        }),
      );
      assert.equal(ticket.status, 201, ticket.text);
      const ticketId = JSON.parse(ticket.text).id as string;
      const json = { "content-type": "application/json" };
      await call(`/v1/tickets/${ticketId}/comments`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ author: "agent-1", body: `Call back on ${ALL}` }),
      });
      await call(`/v1/tickets/${ticketId}`, {
        method: "PATCH",
        headers: json,
        body: JSON.stringify({ subject: `Still broken ${ONE_LINE}`, description: ALL }),
      });
      await call(`/v1/tickets/${ticketId}/resolution`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({
          root_cause: `Leaked ${ALL}`,
          solution: `Rotated ${ONE_LINE}`,
          prevention: ALL,
          resolver: PLANTED.email.text,
        }),
      });

      // A ticket system's history, imported with its real times.
      const history = await post("/v1/tickets/import", "text/csv", ticketHistoryCsv("H-1"));
      assert.equal(history.status, 200, history.text);

      // Knowledge-base articles: written, edited, imported and retired.
      const article = await post(
        "/v1/kb/articles",
        "application/json",
        JSON.stringify({
          title: `Checkout for ${PLANTED.email.text}`,
          symptom: ONE_LINE,
          steps: [`Run with ${ONE_LINE}`],
          body: ALL,
          tags: [PLANTED.email.text],
        }),
      );
      assert.equal(article.status, 201, article.text);
      const articleId = JSON.parse(article.text).article_id as string;
      await call(`/v1/kb/articles/${articleId}`, {
        method: "PUT",
        headers: json,
        body: JSON.stringify({ title: `Edited ${ONE_LINE}`, cause: ALL }),
      });
      const articleImport = await post(
        "/v1/kb/articles/import",
        "application/json",
        JSON.stringify([{ id: "kb-1", title: `Imported ${ONE_LINE}`, body: ALL }]),
      );
      assert.equal(articleImport.status, 200, articleImport.text);
      await call(`/v1/kb/articles/kb-1/retire`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ reason: `Asked by ${PLANTED.email.text}` }),
      });

      const signatures = JSON.parse((await call("/v1/signatures?limit=1000")).text);
      assert.ok(signatures.total > 0);
      for (const { id } of signatures.items) {
        await call(`/v1/signatures/${id}`);
        await call(`/v1/signatures/${id}/impact`);
        await call(`/v1/signatures/${id}/trend`);
        await call(`/v1/signatures/${id}/tickets`);
      }
      const quarantine = await call("/v1/quarantine?limit=1000");
      assert.ok(JSON.parse(quarantine.text).total >= 4, quarantine.text);
      for (
        const path of [
          "/v1/tickets",
          `/v1/tickets/${ticketId}`,
          `/v1/tickets/${ticketId}/comments`,
          `/v1/tickets/${ticketId}/resolution`,
          `/v1/tickets/${ticketId}/logs?limit=1000`,
          `/v1/tickets/${ticketId}/candidates`,
          `/v1/tickets/${ticketId}/metrics`,
          "/v1/customers",
          "/v1/customers/globex/impact?min_severity=TRACE",
          "/v1/customers/acme/impact?min_severity=TRACE",
          "/v1/trends?severity=TRACE",
          "/v1/issues",
          "/v1/priorities?min_severity=TRACE",
          "/metrics",
          "/v1/kb/articles?status=all",
          `/v1/kb/articles/${articleId}`,
          "/v1/kb/articles/kb-1",
          "/v1/kb/articles/export?format=jsonl",
        ]
      ) await call(path);
    } finally {
      await server.stop();
    }

    const reports = `${work}/reports`;
    const reported = await runEntry("replay", ["--data", dataDir, "--report", reports]);
    assert.equal(reported.code, 0, reported.stderr);
    let reportFiles = 0;
    for await (const file of filesUnder(reports)) {
      reportFiles++;
      leaks.push(...leaksIn(file, await Deno.readFile(file)));
    }
    assert.ok(reportFiles > 0);

    let storeBytes = 0;
    for await (const file of filesUnder(dataDir)) {
      const bytes = await Deno.readFile(file);
      storeBytes += bytes.length;
      leaks.push(...leaksIn(file, bytes));
    }
    assert.ok(storeBytes > 0);

    // The values were there, redacted, not dropped: each type left its placeholder.
    const seen = replies.join("\n");
    for (const type of Object.keys(PLANTED)) {
      assert.match(seen, new RegExp(`<${type}:[0-9a-f]{6}>`), `no <${type}:...> in any reply`);
    }
    assert.deepEqual(leaks, []);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
