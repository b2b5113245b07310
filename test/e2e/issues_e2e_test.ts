import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";
import { startServer } from "../support/server.ts";

const FIXTURE = new URL("../../fixtures/scenario/", import.meta.url).pathname;

interface IssueJson {
  id: string;
  status: string;
  kind: string | null;
  signatures: { id: string; template: string; count: number }[];
  merge_reasons: string[];
  customers_affected: number;
  upgrade_noise: boolean;
}

Deno.test("issues over real HTTP on an imported simulator fleet: one per problem, corrected by a person, kept by a restart", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-issues-e2e-" });
  const replay = await runEntry("replay", [
    "--data",
    dataDir,
    "--customers",
    `${FIXTURE}customers.csv`,
    "--import",
    `${FIXTURE}logs`,
  ]);
  assert.equal(replay.code, 0, replay.stderr);
  let server = await startServer(dataDir);
  const call = async (path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      ...(body === undefined ? {} : {
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    });
    return { status: response.status, body: await response.json() };
  };
  try {
    const truth = JSON.parse(await Deno.readTextFile(`${FIXTURE}truth.json`)) as {
      incidents: { root_signature: string; affected_customers: { customer: string }[] }[];
    };

    await t.step("every signature names its issue, and the issue lists it", async () => {
      const { body: catalogue } = await call("/v1/signatures?limit=1000&severity=WARN");
      const owners = new Map<string, string>();
      for (const signature of catalogue.items.slice(0, 40)) {
        const { body } = await call(`/v1/signatures/${signature.id}`);
        assert.match(body.issue_id, /^iss_/);
        owners.set(signature.id, body.issue_id);
      }
      for (const issueId of new Set(owners.values())) {
        const { status, body } = await call(`/v1/issues/${issueId}`);
        assert.equal(status, 200);
        const listed = new Set(body.signatures.map((s: { id: string }) => s.id));
        for (const [signatureId, owner] of owners) {
          assert.equal(listed.has(signatureId), owner === issueId, `${signatureId} in ${issueId}`);
        }
        assert.ok(Array.isArray(body.facets));
        assert.match(body.trend.class, /^(emerging|spiking|resolving|stable|quiet)$/);
      }
    });

    await t.step(
      "each incident's root lines are one issue, with the truth's customers",
      async () => {
        const { body: catalogue } = await call("/v1/signatures?limit=1000");
        for (const incident of truth.incidents) {
          if (incident.affected_customers.length === 0) continue;
          const pattern = new RegExp(
            `^${
              incident.root_signature.split("<*>").map((p) =>
                p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
              )
                .join("\\S+")
            }$`,
          );
          const roots = catalogue.items.filter((s: { template: string }) =>
            pattern.test(s.template.split("\n")[0]!)
          );
          if (roots.length === 0) continue;
          const issues = new Set<string>();
          for (const root of roots) {
            issues.add((await call(`/v1/signatures/${root.id}`)).body.issue_id);
          }
          assert.equal(issues.size, 1, `${incident.root_signature}: ${[...issues]}`);
          const { body: issue } = await call(`/v1/issues/${[...issues][0]}`);
          assert.equal(issue.customers_affected, incident.affected_customers.length);
        }
      },
    );

    await t.step("the issue list is one item per problem, and as_of answers the past", async () => {
      const { body } = await call("/v1/issues?limit=1000&include_upgrade_noise=true");
      const seen = new Set<string>();
      for (const issue of body.items as IssueJson[]) {
        for (const s of issue.signatures) {
          assert.ok(!seen.has(s.id), `${s.id} listed twice`);
          seen.add(s.id);
        }
        assert.match(issue.status, /^(new|active|resolved|regressed)$/);
      }
      assert.equal(body.as_of_source, "latest trustworthy record");
      assert.equal(typeof body.as_of_outliers.records, "number");
      const early = await call("/v1/issues?limit=1000&as_of=2026-09-20T00:00:00Z");
      assert.equal(early.status, 200);
      assert.equal(early.body.as_of, "2026-09-20T00:00:00.000Z");
      assert.ok(early.body.total <= body.total);
      const quiet = await call("/v1/issues?limit=1000");
      assert.ok(
        (quiet.body.items as IssueJson[]).every((i) => !i.upgrade_noise),
        "upgrade noise is not raised by default",
      );
    });

    await t.step(
      "a person merges two issues and splits them again; a restart keeps it",
      async () => {
        const { body: priorities } = await call("/v1/priorities?limit=5&min_severity=WARN");
        assert.ok(priorities.items.length >= 2);
        const [a, b] = priorities.items.map((p: { issue_id: string }) => p.issue_id);
        const before = (await call(`/v1/issues/${a}`)).body as IssueJson;
        const other = (await call(`/v1/issues/${b}`)).body as IssueJson;
        const merged = await call(`/v1/issues/${a}/merge`, { issue_ids: [b], by: "ana" });
        assert.equal(merged.status, 200, JSON.stringify(merged.body));
        assert.equal(
          merged.body.issue.signatures.length,
          before.signatures.length + other.signatures.length,
        );
        assert.ok(merged.body.issue.merge_reasons.includes("merged by a person"));
        const { body: moved } = await call(`/v1/signatures/${other.signatures[0]!.id}`);
        assert.equal(moved.issue_id, a);
        assert.equal(
          (await call(`/v1/issues/${b}`)).body.id,
          a,
          "the merged id answers as the issue it joined",
        );

        await server.stop();
        server = await startServer(dataDir);
        const afterRestart = (await call(`/v1/issues/${a}`)).body as IssueJson;
        assert.equal(afterRestart.signatures.length, merged.body.issue.signatures.length);

        const split = await call(`/v1/issues/${a}/split`, {
          signature_ids: other.signatures.map((s) => s.id),
        });
        assert.equal(split.status, 200, JSON.stringify(split.body));
        assert.deepEqual(
          split.body.issue.signatures.map((s: { id: string }) => s.id).sort(),
          before.signatures.map((s) => s.id).sort(),
        );
        assert.equal((await call(`/v1/signatures/${other.signatures[0]!.id}`)).body.issue_id, b);
      },
    );

    await t.step("bad corrections get a clear error in the one shape", async () => {
      const unknown = await call("/v1/issues/iss_nope/merge", { issue_ids: ["iss_other"] });
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.error.message, /Cannot find issue iss_nope/);
      const { body: list } = await call("/v1/issues?limit=1&include_upgrade_noise=true");
      const id = list.items[0]?.id ?? "iss_x";
      const empty = await call(`/v1/issues/${id}/merge`, { issue_ids: [] });
      assert.equal(empty.status, 400);
      assert.ok(empty.body.error.code);
      const broken = await call(`/v1/issues/${id}/merge`, "{not json");
      assert.equal(broken.status, 400);
      assert.equal(broken.body.error.code, "invalid_json");
      const badAsOf = await call("/v1/issues?as_of=yesterday-ish");
      assert.equal(badAsOf.status, 400);
    });
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
