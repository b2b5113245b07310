import assert from "node:assert/strict";
import { composeOnMemory, fullHttpApp } from "../../test/support/full_app.ts";

const CSV = [
  "Key,Created,Resolved,Company,Site",
  "T-1,2024-03-01T08:00:00Z,2024-03-01T12:00:00Z,acme,prod",
].join("\n");

async function importCsv(query: string) {
  const app = await fullHttpApp();
  const response = await app.request(`/v1/tickets/import?${query}`, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: CSV,
  });
  const body = await response.json();
  const ticket = response.status === 200
    ? await (await app.request(`/v1/tickets/${body.ticket_ids[0]}`)).json()
    : undefined;
  return { status: response.status, body, ticket };
}

Deno.test("POST /v1/tickets/import takes the customer and environment from the columns the query names", async () => {
  for (
    const query of [
      "customer=Company&environment=Site",
      "mapping=" + encodeURIComponent(JSON.stringify({ customer: "Company", environment: "Site" })),
    ]
  ) {
    const imported = await importCsv(query);
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.equal(imported.body.imported, 1);
    assert.equal(imported.ticket.customer, "acme");
    assert.match(imported.ticket.environment, /prod/);
  }
});

Deno.test("POST /v1/tickets/import refuses a mapping to a column the CSV does not have", async () => {
  const unknownColumn = await importCsv("environment=Region");
  assert.equal(unknownColumn.status, 400);
  assert.equal(unknownColumn.body.error.code, "validation_failed");
  assert.match(unknownColumn.body.error.message, /no column named "Region" for the environment/);
  assert.deepEqual(unknownColumn.body.error.details.header, [
    "Key",
    "Created",
    "Resolved",
    "Company",
    "Site",
  ]);

  const unknownPart = await importCsv("mapping=" + encodeURIComponent(`{"planet":"Site"}`));
  assert.equal(unknownPart.status, 400);
  assert.match(unknownPart.body.error.message, /"planet" is not a ticket part/);

  const notJson = await importCsv("mapping=customer");
  assert.equal(notJson.status, 400);
  assert.match(notJson.body.error.message, /mapping is not JSON/);

  const conflicting = await importCsv(
    "customer=Site&mapping=" + encodeURIComponent(`{"customer":"Company"}`),
  );
  assert.equal(conflicting.status, 400);
  assert.match(conflicting.body.error.message, /mapped to "Company" and to "Site"/);
});

Deno.test("an imported ticket answered and solved in the same instant ends solved, not reopened", async () => {
  const app = await fullHttpApp();
  const opened = "2026-11-13T16:17:14.159Z";
  const solved = "2026-11-14T03:08:57.916Z";
  const simulator = {
    tickets: [{
      id: "T-1",
      customer: "acme",
      environment: "prod",
      subject: "Add a new admin user",
      description: "How do I add an admin?",
      severity: "low",
      reporter: "noah@acme.example",
      opened_at: opened,
      window: null,
      status: "solved",
      assignee: "Ben Okafor",
      escalated: false,
      communications: [
        {
          at: opened,
          author: "noah@acme.example",
          visibility: "public",
          body: "How do I add an admin?",
        },
        { at: solved, author: "Ben Okafor", visibility: "public", body: "Settings, then Users." },
      ],
      resolution: {
        root_cause: "Question about how to use the product, no defect",
        solution: "Explained the steps",
        prevention: null,
        resolver: "Ben Okafor",
        resolved_at: solved,
      },
    }],
  };
  // An export's rows of one second keep their order: worked on, then solved; and solved, then reopened.
  const csv = [
    "Number,Timestamp,Status",
    "INC1,2024-03-01T08:00:00Z,New",
    "INC1,2024-03-01T09:00:00Z,In Progress",
    "INC1,2024-03-01T09:00:00Z,Resolved",
    "INC2,2024-03-01T08:00:00Z,New",
    "INC2,2024-03-01T09:00:00Z,Resolved",
    "INC2,2024-03-01T09:00:00Z,Reopened",
  ].join("\n");
  const imports = [
    { type: "application/json", body: JSON.stringify(simulator), expected: ["solved"] },
    { type: "text/csv", body: csv, expected: ["solved", "open"] },
  ];
  for (const { type, body, expected } of imports) {
    const response = await app.request("/v1/tickets/import", {
      method: "POST",
      headers: { "content-type": type },
      body,
    });
    const receipt = await response.json();
    assert.equal(response.status, 200, JSON.stringify(receipt));
    const statuses = [];
    for (const id of receipt.ticket_ids) {
      statuses.push((await (await app.request(`/v1/tickets/${id}`)).json()).status);
    }
    assert.deepEqual(statuses, expected, type);
  }
});

Deno.test("resolution patterns count tickets still open: a month of quick ones and open ones is no faster month", async () => {
  const now = Date.UTC(2027, 0, 31);
  const { app } = await composeOnMemory(now);
  const day = 24 * 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const rows = ["Number,Opened,Resolved,Priority"];
  // The month before: ten tickets, each resolved in 100 h.
  for (let i = 0; i < 10; i++) {
    const opened = now - 50 * day + i * 3_600_000;
    rows.push(`P-${i},${iso(opened)},${iso(opened + 100 * 3_600_000)},low`);
  }
  // This month: four resolved in 2 h, six open for 20 days and counting.
  for (let i = 0; i < 10; i++) {
    const opened = now - 20 * day + i * 3_600_000;
    rows.push(`R-${i},${iso(opened)},${i < 4 ? iso(opened + 2 * 3_600_000) : ""},low`);
  }
  const imported = await app.http.request("/v1/tickets/import", {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: rows.join("\n"),
  });
  assert.equal(imported.status, 200, await imported.clone().text());
  const patterns = await (await app.http.request("/v1/analytics/resolution?by=severity")).json();
  const low = patterns.groups.find((g: { key: string }) => g.key === "low");
  assert.equal(low.tickets, 20);
  assert.equal(low.resolved, 14);
  // Over resolved tickets alone this month read 2 h against 100 h: its slow tickets are still open.
  assert.equal(low.trend.last_30d_median_hours, null, "fewer than half resolved: not known yet");
  assert.equal(low.trend.previous_30d_median_hours, 100);
  assert.equal(low.median_hours, 100);
  assert.equal(low.p80_hours, null, "the six open ones may never resolve");
});
