import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";
import { startServer } from "../support/server.ts";

const FIXTURE = new URL("../../fixtures/scenario/", import.meta.url).pathname;

interface TruthIncident {
  readonly id: string;
  readonly root_signature: string;
  readonly affected_customers: readonly { readonly customer: string; readonly count: number }[];
}

/** The catalogue signatures whose first line the root template generates. */
function rootsOf(root: string, signatures: { id: string; template: string }[]): string[] {
  const pattern = new RegExp(
    `^${root.split("<*>").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\S+")}$`,
  );
  return signatures.filter((s) => pattern.test(s.template.split("\n")[0]!)).map((s) => s.id);
}

Deno.test("impact and trends over real HTTP on the fixture scenario match its truth", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-impact-e2e-" });
  const reportDir = await Deno.makeTempDir({ prefix: "loupe-impact-reports-" });
  const replay = await runEntry("replay", [
    "--data",
    dataDir,
    "--report",
    reportDir,
    "--customers",
    `${FIXTURE}customers.csv`,
    "--import",
    `${FIXTURE}logs`,
  ]);
  assert.equal(replay.code, 0, replay.stderr);
  const periodDir = await Deno.makeTempDir({ prefix: "loupe-impact-period-" });
  const PERIOD = { from: "2026-10-02T00:00:00.000Z", to: "2026-10-04T00:00:00.000Z" };
  const periodReplay = await runEntry("replay", [
    "--data",
    dataDir,
    "--report",
    periodDir,
    "--from",
    PERIOD.from,
    "--to",
    PERIOD.to,
  ]);
  assert.equal(periodReplay.code, 0, periodReplay.stderr);
  const server = await startServer(dataDir);
  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    return { status: response.status, body: await response.json() };
  };
  try {
    const truth = JSON.parse(await Deno.readTextFile(`${FIXTURE}truth.json`)) as {
      incidents: TruthIncident[];
    };
    const { body: catalogue } = await get("/v1/signatures?limit=1000");

    await t.step(
      "every incident's affected customers are the truth's, with their line counts",
      async () => {
        for (const incident of truth.incidents) {
          const roots = rootsOf(incident.root_signature, catalogue.items);
          if (incident.affected_customers.length > 0) {
            assert.ok(roots.length > 0, `${incident.id} has a signature`);
          }
          const found = new Map<string, number>();
          for (const id of roots) {
            const { status, body } = await get(`/v1/signatures/${id}/impact`);
            assert.equal(status, 200);
            for (const a of body.affected) {
              found.set(a.customer, (found.get(a.customer) ?? 0) + a.count);
            }
          }
          assert.deepEqual(
            found,
            new Map(incident.affected_customers.map((a) => [a.customer, a.count])),
            incident.id,
          );
        }
      },
    );

    await t.step("a signature's impact explains its score and its spread", async () => {
      const [incident] = truth.incidents.filter((i) => i.affected_customers.length > 1);
      const [id] = rootsOf(incident!.root_signature, catalogue.items);
      const { body } = await get(`/v1/signatures/${id}/impact`);
      assert.ok(body.impact.score > 0);
      assert.ok(body.impact.reasons.length >= 4);
      const order = body.propagation.order.map((o: { first_seen: string }) => o.first_seen);
      assert.deepEqual(order, [...order].sort(), "customers in the order they were hit");
    });

    await t.step("a customer's impact report, as JSON and as CSV", async () => {
      const customer = truth.incidents.flatMap((i) => i.affected_customers)[0]!.customer;
      const { status, body } = await get(`/v1/customers/${customer}/impact?min_severity=ERROR`);
      assert.equal(status, 200);
      assert.equal(body.customer.customer_id, customer);
      assert.ok(body.issues.length > 0);
      assert.ok(
        body.issues.every((i: { severity: string }) =>
          i.severity === "ERROR" || i.severity === "FATAL"
        ),
      );
      const csv = await fetch(
        `${server.url}/v1/customers/${customer}/impact?format=csv&min_severity=ERROR`,
      );
      assert.match(csv.headers.get("content-type") ?? "", /^text\/csv/);
      const lines = (await csv.text()).trim().split("\n");
      assert.match(
        lines[0]!,
        /^issue_id,customer,signature_id,severity,template,count,last_24h.*,signature_ids$/,
      );
      assert.equal(lines.length, body.issues.length + 1);
    });

    await t.step("a customer's report has one row per issue, its lines the truth's", async () => {
      for (const incident of truth.incidents) {
        const roots = rootsOf(incident.root_signature, catalogue.items);
        for (const { customer, count } of incident.affected_customers) {
          const { body } = await get(`/v1/customers/${customer}/impact?limit=10000`);
          const ids = body.issues.map((i: { issue_id: string }) => i.issue_id);
          assert.equal(new Set(ids).size, ids.length, `${customer}: one row per issue`);
          const rows = body.issues.filter((i: { signature_ids: string[] }) =>
            i.signature_ids.some((id) => roots.includes(id))
          );
          assert.equal(rows.length, 1, `${incident.id} is one row for ${customer}`);
          const [row] = rows;
          // Named by the issue's busiest signature, which may not be one this customer logs.
          const { body: issue } = await get(`/v1/issues/${row.issue_id}`);
          assert.equal(row.signature_id, issue.signature_id);
          assert.equal(row.template, issue.template);
          // The row sums the issue's signatures: the incident's root lines, and any sibling's.
          let expected = 0;
          for (const id of row.signature_ids) {
            const { body: impact } = await get(`/v1/signatures/${id}/impact`);
            expected += impact.affected.find((a: { customer: string }) => a.customer === customer)
              ?.count ?? 0;
          }
          assert.equal(row.count, expected, `${incident.id} at ${customer}`);
          assert.ok(row.count >= count, `${incident.id} at ${customer}: ${row.count} < ${count}`);
        }
      }
    });

    await t.step("replay --report writes the same reports the service answers", async () => {
      const { customers } = JSON.parse(await Deno.readTextFile(`${reportDir}/customers.json`));
      assert.ok(customers.length >= 12);
      for (const customer of customers.slice(0, 4)) {
        const served = await fetch(
          `${server.url}/v1/customers/${customer}/impact?format=csv&limit=10000`,
        );
        assert.equal(
          await Deno.readTextFile(`${reportDir}/customers/${customer}.csv`),
          await served.text(),
        );
      }
      const { body: priorities } = await get("/v1/priorities?limit=100");
      assert.deepEqual(
        JSON.parse(await Deno.readTextFile(`${reportDir}/priorities.json`)),
        priorities,
      );
    });

    await t.step("replay --report --from --to counts only the period's records", async () => {
      const { customers } = JSON.parse(await Deno.readTextFile(`${periodDir}/customers.json`));
      let compared = 0;
      for (const customer of customers.slice(0, 5)) {
        const report = JSON.parse(
          await Deno.readTextFile(`${periodDir}/customers/${customer}.json`),
        );
        for (const issue of report.issues) {
          // An issue's row sums its signatures' lines in the period.
          let total = 0;
          for (const id of issue.signature_ids) {
            const { body } = await get(
              `/v1/signatures/${id}/trend?bucket=hour&customer=${customer}` +
                `&from=${PERIOD.from}&to=${PERIOD.to}`,
            );
            total += body.series.total;
          }
          assert.equal(issue.count, total, `${customer} ${issue.issue_id}`);
          compared++;
        }
      }
      assert.ok(compared > 5, `${compared} issues compared`);
      const whole = JSON.parse(await Deno.readTextFile(`${reportDir}/issues.json`));
      const period = JSON.parse(await Deno.readTextFile(`${periodDir}/issues.json`));
      assert.ok(period.total < whole.total, "issues detected after the period are not in it");
    });

    await t.step(
      "a trend's series sums to the signature's count, per day and per customer",
      async () => {
        const top = catalogue.items[0];
        const { body } = await get(
          `/v1/signatures/${top.id}/trend?bucket=day&from=2026-09-25T00:00:00Z`,
        );
        assert.equal(body.series.total, top.count);
        assert.ok(
          ["emerging", "spiking", "resolving", "stable", "quiet"].includes(body.class),
        );
        assert.match(body.reason, /\S/);
        const { body: trends } = await get("/v1/trends?severity=ERROR&limit=5");
        assert.ok(trends.total > 0);
        assert.ok(trends.items.length <= 5);
        // One item per issue, naming its signatures.
        const { body: all } = await get("/v1/trends?severity=WARN&limit=1000");
        const ids = all.items.map((i: { issue_id: string }) => i.issue_id);
        assert.equal(new Set(ids).size, ids.length, "one trend per issue");
        for (const item of all.items) {
          assert.ok(item.signature_ids.includes(item.signature_id));
          const { body: issue } = await get(`/v1/issues/${item.issue_id}`);
          assert.equal(issue.trend.class, item.class, item.issue_id);
        }
      },
    );

    await t.step("detected issues name the customers hit so far; priorities say why", async () => {
      const { body: issues } = await get("/v1/issues?limit=100");
      assert.ok(issues.total > 0);
      for (const issue of issues.items) {
        assert.ok(["new", "surge"].includes(issue.kind));
        assert.match(issue.reason, /^(new|surge): /);
        // An issue's customers are those of all its signatures together.
        const hit = new Set<string>();
        for (const signature of issue.signatures) {
          const { body: impact } = await get(`/v1/signatures/${signature.id}/impact`);
          for (const a of impact.affected) hit.add(a.customer);
        }
        assert.equal(issue.customers_affected, hit.size);
      }
      const { body: active } = await get("/v1/issues?status=active&kind=new");
      assert.ok(
        active.items.every((i: { status: string; kind: string }) =>
          i.status !== "resolved" && i.kind === "new"
        ),
      );
      const { body: priorities } = await get("/v1/priorities?limit=5");
      assert.equal(priorities.items.length, 5);
      assert.deepEqual(priorities.items.map((p: { rank: number }) => p.rank), [1, 2, 3, 4, 5]);
      const scores = priorities.items.map((p: { score: number }) => p.score);
      assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
      assert.ok(
        priorities.items.every((p: { severity: string }) =>
          p.severity === "ERROR" || p.severity === "FATAL"
        ),
      );
      assert.ok(priorities.items[0].reasons.length >= 3);
    });

    await t.step("bad requests say what was wrong", async () => {
      assert.equal((await get("/v1/issues/iss_nope")).status, 404);
      assert.equal((await get("/v1/issues?kind=weird")).status, 400);
      assert.equal((await get("/v1/signatures/sig_nope/impact")).status, 404);
      assert.equal((await get("/v1/customers/nobody/impact")).status, 404);
      const badClass = await get("/v1/trends?class=booming");
      assert.equal(badClass.status, 400);
      assert.match(JSON.stringify(badClass.body), /unknown trend class booming/);
      const top = catalogue.items[0];
      const long = await get(`/v1/signatures/${top.id}/trend?from=2020-01-01T00:00:00Z`);
      assert.equal(long.status, 400);
    });
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
    await Deno.remove(reportDir, { recursive: true });
    await Deno.remove(periodDir, { recursive: true });
  }
});
