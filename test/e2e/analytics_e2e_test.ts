import assert from "node:assert/strict";
import { startServer } from "../support/server.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const root = new URL("../../", import.meta.url).pathname;

/**
 * Sixty resolved tickets in the simulator's tickets.json shape over four
 * weeks, critical ones fast and low ones slow, so the model has something
 * to learn and the staffing forecast has weeks to average.
 */
function historyJson(start: number): unknown {
  const severities = ["critical", "high", "medium", "low"] as const;
  const tickets = Array.from({ length: 60 }, (_, i) => {
    const severity = severities[i % 4]!;
    const opened = start + i * 11 * HOUR;
    const hours = (i % 4 + 1) * 6 * (1 + ((i * 7) % 5) / 10);
    const resolved = opened + hours * HOUR;
    const reporter = `user${i}@granite-wines.example`;
    return {
      id: `H-${1000 + i}`,
      customer: "granite-wines",
      environment: "prod",
      subject: `export problem ${i}`,
      description: `The export fails (${severity})`,
      severity,
      reporter,
      opened_at: new Date(opened).toISOString(),
      window: null,
      status: "closed",
      assignee: "Farid Haddad",
      escalated: false,
      communications: [
        {
          at: new Date(opened).toISOString(),
          author: reporter,
          visibility: "public",
          body: `The export fails (${severity})`,
        },
        {
          at: new Date(opened + HOUR).toISOString(),
          author: "Farid Haddad",
          visibility: "public",
          body: "Looking at it",
        },
        {
          at: new Date(resolved).toISOString(),
          author: "Farid Haddad",
          visibility: "public",
          body: "Fixed",
        },
      ],
      resolution: {
        root_cause: "A bad export setting",
        solution: "Reset the setting",
        prevention: null,
        resolver: "Farid Haddad",
        resolved_at: new Date(resolved).toISOString(),
      },
    };
  });
  return { tickets };
}

async function call(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

Deno.test("analytics over real HTTP: import history with its times, open a ticket, see its prediction and the staffing view", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-analytics-e2e-" });
  const server = await startServer(dataDir);
  try {
    const customers = await Deno.readTextFile(`${root}fixtures/scenario/customers.csv`);
    assert.equal(
      (await call(`${server.url}/v1/customers/import`, {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: customers,
      })).status,
      200,
    );
    const start = Date.now() - 40 * DAY;
    const body = JSON.stringify(historyJson(start));
    const first = await call(`${server.url}/v1/tickets/import`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.imported, 60);
    const again = await call(`${server.url}/v1/tickets/import`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    assert.equal(again.body.imported, 0);
    assert.equal(again.body.already_imported, 60);

    // Each step kept its own time: the first ticket was solved 6.6 h after it opened, not now.
    const imported = await call(`${server.url}/v1/tickets/${first.body.ticket_ids[0]}`);
    assert.equal(imported.body.status, "closed");
    assert.equal(imported.body.opened_at, new Date(start).toISOString());
    const solved = imported.body.history.find((h: { type: string }) => h.type === "TicketResolved");
    assert.equal(solved.at, new Date(start + 6 * HOUR).toISOString());

    const opened = await call(`${server.url}/v1/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        customer: "granite-wines",
        environment: "prod",
        subject: "export problem again",
        description: "The export fails (low)",
        severity: "low",
        reporter: "arjun@granite-wines.example",
      }),
    });
    assert.equal(opened.status, 201);
    const prediction = await call(`${server.url}/v1/tickets/${opened.body.id}/prediction`);
    assert.equal(prediction.status, 200, JSON.stringify(prediction.body));
    const p = prediction.body;
    assert.ok(
      p.interval_80.low_hours <= p.median_hours && p.median_hours <= p.interval_80.high_hours,
    );
    // Low tickets took 24-33 h in history; critical ones 6-8 h.
    assert.ok(p.median_hours > 12, `median ${p.median_hours}`);
    assert.ok(p.factors.length > 0);
    assert.ok(p.complexity >= 0 && p.complexity <= 100);

    const shown = await call(`${server.url}/v1/tickets/${opened.body.id}`);
    assert.equal(shown.body.prediction.median_hours, p.median_hours);

    const from = new Date(Math.ceil(Date.now() / DAY) * DAY).toISOString();
    const to = new Date(Math.ceil(Date.now() / DAY) * DAY + 2 * DAY).toISOString();
    const staffing = await call(`${server.url}/v1/analytics/staffing?from=${from}&to=${to}`);
    assert.equal(staffing.status, 200, JSON.stringify(staffing.body));
    assert.equal(staffing.body.shifts.length, 6);
    const expected = staffing.body.shifts.reduce(
      (sum: number, s: { expected_tickets: number }) => sum + s.expected_tickets,
      0,
    );
    // About two tickets a day came in over the last weeks.
    assert.ok(expected > 1 && expected < 10, `expected ${expected}`);
    assert.match(staffing.body.assumptions.model, /Erlang C/);

    const escalations = await call(`${server.url}/v1/analytics/escalations`);
    assert.ok(
      escalations.body.items.some((e: { ticket_id: string }) => e.ticket_id === opened.body.id),
    );
    const patterns = await call(`${server.url}/v1/analytics/resolution?by=severity`);
    const low = patterns.body.groups.find((g: { key: string }) => g.key === "low");
    assert.ok(low.median_hours > 20);
    // Each history ticket: a reply within the hour, then "Fixed" hours later: two 10-minute touches.
    assert.equal(low.agent_hours_measured, 15);
    assert.ok(Math.abs(low.agent_hours - 1 / 3) < 0.01, `${low.agent_hours}`);

    const bad = await call(`${server.url}/v1/analytics/resolution?by=moon`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "validation_failed");
    const badImport = await call(`${server.url}/v1/tickets/import`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tickets: [{ id: "x" }] }),
    });
    assert.equal(badImport.status, 400);
    assert.ok(badImport.body.error.message.startsWith("Cannot import tickets"));
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a scenario ticket's metrics come from its customer's environment as the directory names it", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-analytics-e2e-" });
  const server = await startServer(dataDir);
  try {
    const post = (path: string, type: string, body: string) =>
      call(`${server.url}${path}`, { method: "POST", headers: { "content-type": type }, body });
    await post(
      "/v1/customers/import",
      "text/csv",
      await Deno.readTextFile(`${root}fixtures/scenario/customers.csv`),
    );
    await post(
      "/v1/metrics",
      "application/x-ndjson",
      await Deno.readTextFile(`${root}fixtures/scenario/metrics.jsonl`),
    );
    const imported = await post(
      "/v1/tickets/import",
      "application/json",
      await Deno.readTextFile(`${root}fixtures/scenario/tickets.json`),
    );
    assert.equal(imported.body.imported, 2);
    const metrics = await call(`${server.url}/v1/tickets/${imported.body.ticket_ids[0]}/metrics`);
    assert.equal(metrics.status, 200);
    assert.ok(metrics.body.snapshots.length > 0, JSON.stringify(metrics.body).slice(0, 300));
    assert.ok(
      metrics.body.snapshots.every((s: { environment: string }) =>
        s.environment === "granite-wines/prod"
      ),
    );
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a ticket's prediction follows its changes: each is listed with the prediction after it, and a past moment's prediction ignores what came later", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-analytics-e2e-" });
  const server = await startServer(dataDir);
  const json = (method: string, body: unknown) => ({
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
  try {
    await call(`${server.url}/v1/customers/import`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: await Deno.readTextFile(`${root}fixtures/scenario/customers.csv`),
    });
    await call(
      `${server.url}/v1/tickets/import`,
      json("POST", historyJson(Date.now() - 40 * DAY)),
    );
    const reporter = "arjun@granite-wines.example";
    const opened = await call(
      `${server.url}/v1/tickets`,
      json("POST", {
        customer: "granite-wines",
        environment: "prod",
        subject: "export problem again",
        description: "The export fails (low)",
        severity: "low",
        reporter,
      }),
    );
    const url = `${server.url}/v1/tickets/${opened.body.id}/prediction`;
    const atOpen = await call(url);
    assert.equal(atOpen.status, 200, JSON.stringify(atOpen.body));
    assert.deepEqual(atOpen.body.updates.map((u: { change: string }) => u.change), [
      "opened (low)",
    ]);
    // The server's own moment of that first prediction: after the opening, before any change.
    const beforeChanges = atOpen.body.as_of;
    await pause();

    const patched = await call(
      `${server.url}/v1/tickets/${opened.body.id}`,
      json("PATCH", {
        severity: "critical",
      }),
    );
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await call(
      `${server.url}/v1/tickets/${opened.body.id}/comments`,
      json("POST", {
        author: reporter,
        body: "Still failing this morning",
      }),
    );
    const after = await call(url);
    assert.equal(after.status, 200, JSON.stringify(after.body));
    const updates = after.body.updates;
    assert.deepEqual(updates.slice(0, 2).map((u: { change: string }) => u.change), [
      "opened (low)",
      "severity low → critical",
    ]);
    // The address is redacted before storage, the same way on the ticket and on the comment.
    assert.match(updates[2].change, /^comment by .+ \(the reporter\)$/);
    // History: critical tickets took 6-8 h, low ones 24-33 h.
    assert.ok(
      updates[1].median_hours < updates[0].median_hours / 2,
      JSON.stringify(updates),
    );
    assert.equal(after.body.median_hours, updates[2].median_hours);
    assert.ok(after.body.as_of > atOpen.body.as_of);

    // As of a moment before the changes: the ticket as it stood then, not what came later.
    const past = await call(`${url}?at=${beforeChanges}`);
    assert.equal(past.status, 200, JSON.stringify(past.body));
    assert.equal(past.body.updates.length, 1);
    assert.deepEqual(past.body.at_open, atOpen.body.at_open);
    assert.ok(Math.abs(past.body.median_hours - atOpen.body.median_hours) < 0.05);

    const before = await call(`${url}?at=2000-01-01T00:00:00Z`);
    assert.equal(before.status, 404);
    assert.match(before.body.error.message, /not open yet/);
    const badAt = await call(`${url}?at=soon`);
    assert.equal(badAt.status, 400);

    await call(
      `${server.url}/v1/tickets/${opened.body.id}`,
      json("PATCH", {
        status: "escalated",
      }),
    );
    const escalated = await call(url);
    assert.equal(escalated.body.engineering.method, "escalated");
    assert.equal(escalated.body.engineering_probability, 1);
    assert.equal(escalated.body.updates.at(-1).change, "status new → escalated");

    // The history's agents answered within the hour and wrote again when they fixed it.
    const staffing = await call(`${server.url}/v1/analytics/staffing`);
    assert.equal(staffing.body.assumptions.agent_hours.source, "measured");
    assert.ok(Math.abs(staffing.body.assumptions.agent_hours_per_ticket - 1 / 3) < 0.01);
    const given = await call(`${server.url}/v1/analytics/staffing?agent_hours_per_ticket=2`);
    assert.equal(given.body.assumptions.agent_hours.source, "given");
    assert.equal(given.body.assumptions.agent_hours_per_ticket, 2);
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
