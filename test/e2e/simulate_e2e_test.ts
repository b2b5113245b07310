/**
 * The simulator's promises, checked on what it writes: the same seed gives
 * the same bytes; the truth matches the logs (every customer the truth says
 * an incident hit has lines of its root signature, in that customer's
 * environment, on an affected version); tickets come only from customers
 * the truth says were hit.
 */
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { signaturePattern } from "../../simulation/template.ts";
import { runEntry } from "../support/cli.ts";

const ARGS = ["--customers", "24", "--days", "10", "--events-per-day", "40000", "--seed", "11"];

async function simulate(out: string): Promise<void> {
  const result = await runEntry("simulate", [...ARGS, "--out", out]);
  assert.equal(result.code, 0, result.stderr);
}

async function* files(dir: string, prefix = ""): AsyncGenerator<string> {
  const entries = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) entries.push(entry);
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) yield* files(dir, path);
    else yield path;
  }
}

async function digest(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const path of files(dir)) {
    const bytes = await Deno.readFile(`${dir}/${path}`);
    const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    out.set(path, Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join(""));
  }
  return out;
}

interface TruthIncident {
  id: string;
  kind: string;
  service: string;
  root_signature: string;
  introduced_in: string | null;
  fixed_in: string | null;
  affected_customers: {
    customer: string;
    environments: string[];
    versions: string[];
    count: number;
  }[];
  tickets: string[];
}

const scenario = await (async () => {
  const out = await Deno.makeTempDir({ prefix: "loupe-sim-" });
  // Every test of this file reads it; it goes when they are done (78 MB a run otherwise).
  globalThis.addEventListener("unload", () => Deno.removeSync(out, { recursive: true }));
  await simulate(out);
  return out;
})();

Deno.test("the same seed writes the same bytes", async () => {
  const again = await Deno.makeTempDir({ prefix: "loupe-sim-again-" });
  try {
    await simulate(again);
    const [first, second] = [await digest(scenario), await digest(again)];
    assert.ok(first.size > 10, `only ${first.size} files`);
    assert.deepEqual(second, first);
  } finally {
    await Deno.remove(again, { recursive: true });
  }
});

Deno.test("it writes what a support team has: logs in several formats, customers, tickets, metrics, articles, truth", async () => {
  const names = [];
  for await (const path of files(scenario)) names.push(path);
  for (
    const file of ["customers.csv", "tickets.json", "articles.json", "metrics.jsonl", "truth.json"]
  ) {
    assert.ok(names.includes(file), `${file} is missing`);
  }
  const extensions = new Set(
    names.filter((n) => n.startsWith("logs/")).map((n) => n.split(".").pop()),
  );
  assert.deepEqual([...extensions].sort(), ["jsonl", "log"]);
  const customers = parse(await Deno.readTextFile(`${scenario}/customers.csv`), {
    columns: true,
  }) as Record<string, string>[];
  assert.equal(customers.length, 24);
  assert.ok(customers.every((c) => ["enterprise", "business", "standard"].includes(c.tier!)));
  assert.ok(customers.some((c) => c.deployment_model === "multi-tenant"));
});

Deno.test("the truth states each incident's root cause in engineering's words, filled in", async () => {
  const truth = JSON.parse(await Deno.readTextFile(`${scenario}/truth.json`));
  for (const incident of truth.incidents as { id: string; root_cause?: unknown }[]) {
    const cause = incident.root_cause;
    assert.ok(typeof cause === "string" && cause.length > 10, `${incident.id}: ${cause}`);
    assert.doesNotMatch(cause, /\{[a-z]+\}/, `${incident.id} has an unfilled placeholder`);
  }
});

Deno.test("every customer the truth says an incident hit has its root signature's lines in their environment", async () => {
  const truth = JSON.parse(await Deno.readTextFile(`${scenario}/truth.json`));
  const incidents = truth.incidents as TruthIncident[];
  assert.ok(incidents.length >= 5, `only ${incidents.length} incidents`);
  const kinds = new Set(incidents.map((i) => i.kind));
  for (const kind of ["regression", "fixed-by-release", "outage", "misconfiguration", "noise"]) {
    assert.ok(kinds.has(kind), `no ${kind} incident`);
  }
  const logNames: string[] = [];
  for await (const path of files(`${scenario}/logs`)) logNames.push(path);
  for (const incident of incidents) {
    assert.ok(incident.affected_customers.length > 0, `${incident.id} hit nobody`);
    const pattern = signaturePattern(incident.root_signature);
    for (const hit of incident.affected_customers) {
      let found = 0;
      for (const environment of hit.environments) {
        const file = logNames.find((n) => n.startsWith(`${environment}/${incident.service}.`))!;
        assert.ok(
          file !== undefined,
          `${incident.id}: no ${incident.service} log in ${environment}`,
        );
        const multiTenant = environment.startsWith("mt-");
        for (const line of (await Deno.readTextFile(`${scenario}/logs/${file}`)).split("\n")) {
          if (!pattern.test(line)) continue;
          if (multiTenant && !line.includes(hit.customer)) continue;
          found++;
        }
      }
      assert.ok(
        found >= hit.count,
        `${incident.id}: ${hit.customer} has ${found} lines, truth says ${hit.count}`,
      );
    }
  }
});

Deno.test("a versioned incident's lines come only from affected versions", async () => {
  const truth = JSON.parse(await Deno.readTextFile(`${scenario}/truth.json`));
  const order = (truth.releases as { version: string }[]).map((r) => r.version);
  for (const incident of truth.incidents as TruthIncident[]) {
    for (const hit of incident.affected_customers) {
      for (const version of hit.versions) {
        if (incident.introduced_in !== null) {
          assert.ok(
            order.indexOf(version) >= order.indexOf(incident.introduced_in),
            `${incident.id} on ${version}`,
          );
        }
        if (incident.fixed_in !== null) {
          assert.ok(
            order.indexOf(version) < order.indexOf(incident.fixed_in),
            `${incident.id} on ${version}`,
          );
        }
      }
    }
  }
});

Deno.test("tickets come only from customers the truth says were hit, after they were hit", async () => {
  const truth = JSON.parse(await Deno.readTextFile(`${scenario}/truth.json`));
  const { tickets } = JSON.parse(await Deno.readTextFile(`${scenario}/tickets.json`));
  const byId = new Map((truth.incidents as TruthIncident[]).map((i) => [i.id, i]));
  let linked = 0;
  for (const ticket of tickets) {
    const incidentId = truth.ticket_incidents[ticket.id];
    if (incidentId === undefined) continue;
    linked++;
    const incident = byId.get(incidentId)!;
    const hit = incident.affected_customers.find((h) => h.customer === ticket.customer) as
      | { first_seen: string }
      | undefined;
    assert.ok(
      hit !== undefined,
      `${ticket.id} is from ${ticket.customer}, not hit by ${incidentId}`,
    );
    assert.ok(Date.parse(ticket.opened_at) > Date.parse(hit.first_seen));
    assert.ok(ticket.subject.length > 0 && ticket.description.length > 0);
    if (ticket.resolution !== null) {
      assert.ok(Date.parse(ticket.resolution.resolved_at) > Date.parse(ticket.opened_at));
      assert.ok(ticket.resolution.root_cause.length > 0 && ticket.resolution.solution.length > 0);
    }
  }
  assert.ok(linked > 0, "no ticket belongs to an incident");
});
