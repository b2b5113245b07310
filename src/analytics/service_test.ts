import assert from "node:assert/strict";
import { composeOnMemory } from "../../test/support/full_app.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = 1_800_000_000_000;
const root = new URL("../../", import.meta.url).pathname;

/** Forty-eight resolved tickets of granite-wines, a day or so each, with no issue. */
function history() {
  return {
    tickets: Array.from({ length: 48 }, (_, i) => {
      const opened = NOW - 30 * DAY + i * 12 * HOUR;
      return {
        id: `H-${i}`,
        customer: "granite-wines",
        environment: "prod",
        subject: `question ${i}`,
        description: "How do I export?",
        severity: "medium",
        reporter: "arjun.murphy@granite-wines.example",
        opened_at: new Date(opened).toISOString(),
        window: null,
        status: "closed",
        assignee: null,
        escalated: false,
        communications: [],
        resolution: {
          root_cause: "a question",
          solution: "answered",
          prevention: null,
          resolver: "Farid Haddad",
          resolved_at: new Date(opened + (6 + (i % 5) * 6) * HOUR).toISOString(),
        },
      };
    }),
  };
}

/** Lines every hour from `from` to `to` (days before now) on one version: the error, or traffic. */
function lines(from: number, to: number, version: string, error: boolean): string {
  const out: string[] = [];
  for (let at = NOW - from * DAY; at < NOW - to * DAY; at += HOUR) {
    out.push(JSON.stringify({
      time: new Date(at).toISOString(),
      level: error ? "error" : "info",
      msg: error ? "Export failed for order 1001: checksum mismatch" : "Export done for order 7",
      service: "export",
      version,
    }));
  }
  return out.join("\n") + "\n";
}

Deno.test("the analytics service reads from the logs whether a release fixed a ticket's issue and whether its environment runs it yet", async () => {
  const { app } = await composeOnMemory(NOW);
  const call = async (path: string, method = "GET", body?: string, type = "application/json") => {
    const response = await app.http.request(path, {
      method,
      headers: body === undefined ? {} : { "content-type": type },
      body,
    });
    return { status: response.status, body: await response.json() };
  };
  await call(
    "/v1/customers/import",
    "POST",
    await Deno.readTextFile(`${root}fixtures/scenario/customers.csv`),
    "text/csv",
  );
  const push = (customer: string, text: string) =>
    call(`/v1/logs?customer=${customer}&environment=prod`, "POST", text, "application/x-ndjson");
  // willow-toys moved to 5.1 ten days ago and has been quiet on the error since; granite-wines
  // still runs 5.0 and still logs it.
  await push("willow-toys", lines(20, 10, "5.0", true) + lines(10, 0, "5.1", false));
  await push("granite-wines", lines(20, 0, "5.0", true));
  assert.equal((await call("/v1/tickets/import", "POST", JSON.stringify(history()))).status, 200);
  const signatures = await call("/v1/signatures?severity=ERROR");
  const signatureId = signatures.body.items[0]?.id;
  assert.ok(signatureId, JSON.stringify(signatures.body));

  const open = async (customer: string) => {
    const opened = await call(
      "/v1/tickets",
      "POST",
      JSON.stringify({
        customer,
        environment: "prod",
        subject: "Exports fail",
        description: "Export failed with a checksum mismatch",
        severity: "high",
        reporter: `ops@${customer}.example`,
      }),
    );
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    await call(
      `/v1/tickets/${opened.body.id}/links`,
      "POST",
      JSON.stringify({ signature_id: signatureId }),
    );
    const prediction = await call(`/v1/tickets/${opened.body.id}/prediction`);
    assert.equal(prediction.status, 200, JSON.stringify(prediction.body));
    return prediction.body;
  };
  assert.equal((await open("granite-wines")).range_group, "issue, fix rolling out");
  assert.equal((await open("willow-toys")).range_group, "issue, fix here");
});
