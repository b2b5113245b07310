import assert from "node:assert/strict";
import { DEFAULT_OPTIONS, planScenario, simulateHours } from "./scenario.ts";
import { DAY, HOUR, releaseAt } from "./rollout.ts";
import { REGIONS } from "./catalog.ts";

const scenario = planScenario({
  ...DEFAULT_OPTIONS,
  customers: 40,
  days: 20,
  eventsPerDay: 20_000,
});

Deno.test("no environment runs a release before it ships, and none goes back a version", () => {
  for (const environment of scenario.fleet.environments) {
    for (const service of environment.services) {
      let previous = -1;
      for (let at = scenario.options.start; at < scenario.end; at += HOUR) {
        const release = releaseAt(environment.rollout, service.index, at);
        assert.ok(release.at <= at, `${environment.key} runs ${release.version} before it shipped`);
        assert.ok(release.index >= previous, `${environment.key} went back to ${release.version}`);
        previous = release.index;
      }
    }
  }
});

Deno.test("upgrades are staggered: a release reaches environments over days, not at once", () => {
  const release = scenario.fleet.releases.find((r) =>
    r.kind === "minor" && r.at > scenario.options.start && r.at < scenario.end - 5 * DAY
  )!;
  const reached = scenario.fleet.environments
    .map((e) => e.rollout.upgrades.find((u) => u.to.index >= release.index)?.at)
    .filter((at): at is number => at !== undefined)
    .sort((a, b) => a - b);
  assert.ok(reached.length > 1);
  assert.ok(reached.at(-1)! - reached[0]! > DAY, "every environment upgraded within a day");
  const never = scenario.fleet.environments.length - reached.length;
  assert.ok(never > 0 || reached.at(-1)! - release.at > 3 * DAY, "no customer lags behind");
});

Deno.test("planning the same options twice gives the same lines", () => {
  const first = [...simulateHours(scenario).take(1)][0]!;
  const again = [...simulateHours(planScenario(scenario.options)).take(1)][0]!;
  assert.deepEqual(again.files.map((f) => f.lines), first.files.map((f) => f.lines));
  assert.ok(first.files.some((f) => f.lines.length > 0));
});

Deno.test("outages start in their region's working hours, when customers notice them", () => {
  const outages = scenario.incidents.filter((i) => i.kind === "outage");
  assert.ok(outages.length > 0);
  for (const outage of outages) {
    const offset = REGIONS.find((g) => g.id === outage.region)!.utcOffset;
    const localHour = new Date(outage.start + offset * HOUR).getUTCHours();
    assert.ok(localHour >= 9 && localHour < 17, `${outage.id} starts at ${localHour}:00 local`);
    assert.ok(outage.start >= scenario.options.start && outage.end <= scenario.end);
  }
});
