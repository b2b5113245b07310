import assert from "node:assert/strict";
import { parseTicketHistoryCsv, parseTicketHistoryCsvPaced } from "./history_csv.ts";
import { Pacer } from "../../ports/pacing.ts";
import { LoupeError } from "../../ports/errors.ts";

Deno.test("event log: rows sharing an id are one ticket in file order, fields from its first row, resolved at the first resolved status", () => {
  const csv = [
    "number,incident_state,sys_updated_at,opened_at,category,priority,assignment_group,resolved_at",
    "INC1,New,29/2/2016 01:16,29/2/2016 01:16,Network,2 - High,Group 7,?",
    "INC2,New,29/2/2016 02:00,29/2/2016 02:00,Software,3 - Moderate,Group 9,?",
    "INC1,Active,29/2/2016 03:16,29/2/2016 01:16,Hardware,2 - High,Group 8,?",
    "INC1,Resolved,1/3/2016 01:16,29/2/2016 01:16,Hardware,2 - High,Group 8,1/3/2016 01:16",
    "INC1,Closed,6/3/2016 01:16,29/2/2016 01:16,Hardware,2 - High,Group 8,1/3/2016 01:16",
  ].join("\n");
  const parsed = parseTicketHistoryCsv(csv, { dayFirst: true });
  assert.equal(parsed.tickets.length, 2);
  const [inc1, inc2] = parsed.tickets;
  assert.equal(inc1!.id, "INC1");
  assert.equal(inc1!.openedAt, Date.UTC(2016, 1, 29, 1, 16));
  assert.equal(inc1!.resolvedAt, Date.UTC(2016, 2, 1, 1, 16));
  // What was known at open: the first row's category, not the later one.
  assert.equal(inc1!.fields.category, "Network");
  assert.equal(inc1!.changes.length, 4);
  assert.equal(inc2!.resolvedAt, null);
  assert.deepEqual(parsed.columns.features, ["assignment_group", "category", "priority"]);
});

Deno.test("one row per ticket: opened and resolved columns, epoch seconds and ISO times", () => {
  const csv =
    "key,created,resolutiondate,type\nA-1,1456708560,2016-02-29T03:16:00Z,Bug\nA-2,1456708560,,Task\nA-3,1456708560,2016-02-29T03:16:00Z,Bug\n";
  const parsed = parseTicketHistoryCsv(csv);
  assert.equal(parsed.tickets[0]!.resolvedAt! - parsed.tickets[0]!.openedAt, 2 * 3_600_000);
  assert.equal(parsed.tickets[1]!.resolvedAt, null);
});

Deno.test("named columns and resolved statuses win over the recognised ones", () => {
  const csv =
    "SR Number,Change Date+Time,Status,Team\n1,2012-05-01T10:00:00Z,Queued,A\n1,2012-05-01T12:00:00Z,Finished,A\n";
  const parsed = parseTicketHistoryCsv(csv, {
    columns: { id: "SR Number", opened: "Change Date+Time", features: ["Team"] },
    resolvedStatuses: ["finished"],
  });
  assert.equal(parsed.tickets[0]!.resolvedAt! - parsed.tickets[0]!.openedAt, 2 * 3_600_000);
  assert.deepEqual(parsed.tickets[0]!.fields, { Team: "A" });
});

Deno.test("a column named but missing is a clear error", () => {
  assert.throws(
    () => parseTicketHistoryCsv("id,created\n1,2020-01-01\n", { columns: { opened: "opened_on" } }),
    (e: unknown) => e instanceof LoupeError && /no opened column named "opened_on"/.test(e.message),
  );
  assert.throws(
    () => parseTicketHistoryCsv("foo,bar\n1,2\n"),
    (e: unknown) => e instanceof LoupeError && /no id column/.test(e.message),
  );
});

Deno.test("a rise of the support level marks a ticket escalated; without a level or escalated status nothing is labelled", () => {
  const csv = [
    "SR Number,Change Date+Time,Status,ST Level,Product",
    "1,2012-05-01T08:00:00Z,Queued,L1,P1",
    "1,2012-05-01T09:00:00Z,Accepted,L2,P1",
    "1,2012-05-01T10:00:00Z,Completed,L2,P1",
    "2,2012-05-01T08:30:00Z,Accepted,L1,P2",
    "2,2012-05-01T09:30:00Z,Completed,L1,P2",
  ].join("\n");
  const parsed = parseTicketHistoryCsv(csv);
  assert.deepEqual(parsed.tickets.map((t) => t.escalated), [true, false]);
  assert.match(parsed.escalationFrom!, /ST Level/);

  const byStatus = parseTicketHistoryCsv(
    "id,changed_at,status\nA,2020-01-01T00:00:00Z,open\nA,2020-01-02T00:00:00Z,escalated\nB,2020-01-01T00:00:00Z,open\n",
  );
  assert.deepEqual(byStatus.tickets.map((t) => t.escalated), [true, false]);

  const silent = parseTicketHistoryCsv(
    "id,changed_at,status\nA,2020-01-01T00:00:00Z,open\nA,2020-01-02T00:00:00Z,closed\n",
  );
  assert.equal(silent.tickets[0]!.escalated, undefined);
  assert.equal(silent.escalationFrom, undefined);
});

Deno.test("an export read in slices for the service is read as the whole file is, with timers running meanwhile", async () => {
  const rows = ["number;opened_at;state;short_description"];
  for (let i = 0; i < 6_000; i++) {
    const opened = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    rows.push(
      `INC${i % 2_000};${opened};${
        i < 4_000 ? "Active" : "Resolved"
      };"Printer ${i}\nstill; jammed"`,
    );
  }
  const text = rows.join("\n") + "\n";
  let turns = 0;
  const timer = setInterval(() => turns++, 0);
  let paced;
  try {
    paced = await parseTicketHistoryCsvPaced(text, {}, new Pacer(0));
  } finally {
    clearInterval(timer);
  }
  assert.deepEqual(paced, parseTicketHistoryCsv(text));
  assert.equal(paced.tickets.length, 2_000);
  assert.ok(turns > 20, `timers ran ${turns} times`);
  // A parse error names the row of the whole file, not of its slice.
  const broken = text + 'INC9;2026-02-01T00:00:00Z;Active;"never closed\n';
  await assert.rejects(
    () => parseTicketHistoryCsvPaced(broken, {}, new Pacer()),
    (e: unknown) => e instanceof LoupeError && /row 6002/.test(e.message),
  );
});
