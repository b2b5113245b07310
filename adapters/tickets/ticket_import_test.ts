import assert from "node:assert/strict";
import { LoupeError } from "../../ports/errors.ts";
import { parseCsvTickets } from "./ticket_import.ts";

const CSV = [
  "Key,Created,Resolved,Company,Site,Headline,Prio,Contact",
  "T-1,2024-03-01T08:00:00Z,2024-03-01T12:00:00Z,Acme,prod-eu,Checkout fails,1 - Critical,ann",
  "T-2,2024-03-02T08:00:00Z,,Globex,staging,Slow search,4 - Low,bob",
].join("\n");

Deno.test("a CSV import maps the columns it names to customer, environment, subject, severity and reporter", () => {
  const [first, second] = parseCsvTickets(CSV, {
    mapping: {
      customer: "Company",
      environment: "site",
      subject: "Headline",
      severity: "Prio",
      reporter: "Contact",
    },
  });
  assert.deepEqual(
    [first!.customer, first!.environment, first!.subject, first!.severity, first!.reporter],
    ["Acme", "prod-eu", "Checkout fails", "critical", "ann"],
  );
  assert.deepEqual([second!.customer, second!.environment, second!.severity], [
    "Globex",
    "staging",
    "low",
  ]);
});

Deno.test("without a mapping only the usual column names are recognised", () => {
  const [first] = parseCsvTickets(CSV);
  // "Company" is a usual name for the customer; "Site" is not one for the environment.
  assert.equal(first!.customer, "Acme");
  assert.equal(first!.environment, "unknown");
});

Deno.test("a mapped column that is not in the header is a clear error naming the header", () => {
  assert.throws(
    () => parseCsvTickets(CSV, { mapping: { environment: "Region" } }),
    (error: unknown) =>
      error instanceof LoupeError && error.code === "validation_failed" &&
      error.message.includes(`no column named "Region" for the environment`) &&
      error.message.includes(`"Site"`),
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => parseCsvTickets(CSV, { mapping: { planet: "Site" } as any }),
    (error: unknown) => error instanceof LoupeError && error.message.includes(`"planet"`),
  );
});
