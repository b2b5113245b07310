import assert from "node:assert/strict";
import { fullHttpApp } from "../../test/support/full_app.ts";

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
