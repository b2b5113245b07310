/**
 * Self-service candidates on the simulator's resolutions: both kinds occur.
 * In `kb-sim` (200 customers) a problem on a customer's own side hits one
 * customer per incident, so its issue never gathers the resolved tickets a
 * candidate needs; these tests write such tickets with the simulator's own
 * phrasing, beside tickets of problems only a release fixes.
 */
import assert from "node:assert/strict";
import { judgeCandidate, type ResolvedCase } from "../domain/kb/mod.ts";
import { ISSUES } from "../simulation/incident_catalog.ts";
import { knownFixResolution } from "../simulation/phrasing.ts";
import { streamFor } from "../simulation/rng.ts";

function resolutions(key: string, escalated: readonly boolean[]): ResolvedCase[] {
  const spec = ISSUES.find((i) => i.key === key)!;
  const fill = (text: string) => text.replaceAll("{version}", "5.6.0").replaceAll("{fix}", "5.6.1");
  return escalated.map((e, i) => {
    const r = streamFor(2026, 99, i);
    const { rootCause, solution } = knownFixResolution(
      {
        steps: spec.article!.steps.map(fill),
        cause: fill(spec.article!.cause),
        rootCause: fill(spec.rootCause),
        solution: fill(spec.solution),
      },
      r,
      e,
    );
    return {
      ticketId: `${key}-${i}`,
      subject: key,
      description: key,
      rootCause,
      solution,
      hours: 2,
      escalations: e ? 1 : 0,
      engineeringTicket: false,
    };
  });
}

Deno.test("self-service: a customer's own expired credentials are; a defect a release fixes is not", () => {
  const kinds = ISSUES.filter((i) => i.article !== undefined);
  const customerSide = kinds.filter((i) => i.kinds.includes("misconfiguration"));
  const engineering = kinds.filter((i) =>
    i.kinds.some((k) => k === "regression" || k === "fixed-by-release" || k === "slow-burn")
  );
  assert.ok(customerSide.length > 0 && engineering.length > 0, "the catalogue has both kinds");
  for (const spec of customerSide) {
    const verdict = judgeCandidate(resolutions(spec.key, [false, false, false, false]));
    assert.equal(verdict.selfService, true, `${spec.key}: ${verdict.reasons.join("; ")}`);
  }
  for (const spec of engineering) {
    // Escalated as the simulator does it: a problem of 8 hours' work or more always is.
    const escalated = spec.workHours >= 8;
    const verdict = judgeCandidate(resolutions(spec.key, [escalated, escalated, escalated]));
    assert.equal(verdict.selfService, false, `${spec.key}: ${verdict.reasons.join("; ")}`);
    // Escalated or not, a resolution that names a release needed engineering.
    assert.ok(
      verdict.reasons.some((r) => r.endsWith("ticket(s) escalated") || r.includes("release")),
      spec.key,
    );
  }
});
