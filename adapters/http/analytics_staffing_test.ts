import assert from "node:assert/strict";
import { fullHttpApp } from "../../test/support/full_app.ts";

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

Deno.test("staffing expects tickets from the customers an issue hit in the last 3 days who have not filed yet", async () => {
  const app = await fullHttpApp();
  const customers = Array.from({ length: 18 }, (_, i) => `c${String(i).padStart(2, "0")}`);
  const directory = [
    "customer_id,name,tier,contract_value,region,deployment_model,environments,tenant_id,primary_contact,primary_email",
    ...customers.map((c) =>
      `${c},${c.toUpperCase()},business,1000,eu-west,single-tenant,${c}/prod,,Ann,ann@${c}.example`
    ),
  ].join("\n");
  const imported = await app.request("/v1/customers/import", {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: directory,
  });
  assert.equal(imported.status, 200, await imported.text());

  // c00-c09 hit by an old problem ten days ago, c10-c17 by a new one in the last day.
  const push = async (customer: string, message: string, at: number) => {
    const line = JSON.stringify({ timestamp: new Date(at).toISOString(), level: "ERROR", message });
    const response = await app.request(`/v1/logs?customer=${customer}&environment=prod`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: `${line}\n${line}\n`,
    });
    assert.equal(response.status < 300, true, await response.text());
  };
  for (const [i, c] of customers.entries()) {
    if (i < 10) {
      await push(c, `Disk quota exceeded on volume vol-${i} for tenant ${c}`, NOW - 10 * DAY);
    } else {await push(
        c,
        `Payment gateway timeout after 30000 ms for order ${i}77`,
        NOW - 20 * HOUR,
      );}
  }
  const signatures = await (await app.request("/v1/signatures?limit=50")).json();
  const signatureOf = (text: string) =>
    signatures.items.find((s: { template: string }) => s.template.includes(text))!.id;
  const oldProblem = signatureOf("Disk quota");
  const newProblem = signatureOf("Payment gateway");

  // Half of the old problem's customers filed; one of the new one's so far.
  const filers = [
    ...customers.slice(0, 5).map((c) => ({ c, signature: oldProblem, at: NOW - 9 * DAY })),
    { c: "c10", signature: newProblem, at: NOW - 10 * HOUR },
  ];
  for (const [k, f] of filers.entries()) {
    const body = {
      tickets: [{
        id: `T-${k}`,
        customer: f.c,
        environment: "prod",
        subject: "Something fails",
        description: "It fails",
        severity: "high",
        reporter: `ann@${f.c}.example`,
        opened_at: new Date(f.at).toISOString(),
        status: "open",
      }],
    };
    const response = await app.request("/v1/tickets/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const receipt = await response.json();
    const linked = await app.request(`/v1/tickets/${receipt.ticket_ids[0]}/links`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ signature_id: f.signature }),
    });
    assert.equal(linked.status, 200, await linked.text());
  }

  const from = new Date(Math.floor(NOW / DAY) * DAY).toISOString();
  const to = new Date(Math.floor(NOW / DAY) * DAY + 4 * DAY).toISOString();
  const staffing = await (await app.request(`/v1/analytics/staffing?from=${from}&to=${to}`)).json();
  const emerging = staffing.emerging_issues;
  assert.equal(emerging.length, 1, JSON.stringify(emerging));
  const [only] = emerging;
  assert.equal(only.customers_hit, 8);
  assert.equal(only.customers_filed, 1);
  assert.equal(only.customers_pending, 7);
  // Five of the ten customers hit 3-28 days before filed, with a weak prior of one in ten.
  assert.ok(Math.abs(only.expected_tickets - 7 * (5 + 1) / (10 + 10)) < 0.01, JSON.stringify(only));
  const fromEmerging = staffing.shifts.reduce(
    (sum: number, s: { from_emerging_issues: number }) => sum + s.from_emerging_issues,
    0,
  );
  // All of them within the 3 days after now, spread over the shifts.
  assert.ok(Math.abs(fromEmerging - only.expected_tickets) < 0.05, `${fromEmerging}`);
  assert.equal(staffing.assumptions.agent_hours.source, "assumed");
});
