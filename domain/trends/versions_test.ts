import assert from "node:assert/strict";
import fc from "fast-check";
import { compareVersions, versionVerdict } from "./versions.ts";

Deno.test("versions sort numerically part by part", () => {
  assert.deepEqual(
    ["5.10.0", "5.9.2", "v5.9.10", "5.9.2-rc1", "6.0"].sort(compareVersions),
    ["5.9.2", "5.9.2-rc1", "v5.9.10", "5.10.0", "6.0"],
  );
});

Deno.test("a busy version is not blamed for being busy: the rate per record decides", () => {
  const verdict = versionVerdict([
    { version: "1.0.0", count: 900, traffic: 9_000_000 },
    { version: "1.1.0", count: 100, traffic: 1_000_000 },
  ]);
  assert.deepEqual(verdict.affected, ["1.0.0", "1.1.0"]);
  assert.equal(verdict.introducedIn, null, "on every version: nothing introduced it");
  assert.match(verdict.reason, /already on the oldest version seen; still on the newest version/);
});

Deno.test("an earlier version that ran too briefly to show it does not date the introduction", () => {
  const verdict = versionVerdict([
    { version: "1.0.0", count: 0, traffic: 1_000 },
    { version: "1.1.0", count: 50, traffic: 1_000_000 },
  ]);
  assert.equal(verdict.introducedIn, null);
});

Deno.test("a fix needs every later version clean, and long enough to tell", () => {
  const rates = [
    { version: "2.0.0", count: 0, traffic: 1_000_000 },
    { version: "2.1.0", count: 100, traffic: 1_000_000 },
    { version: "2.2.0", count: 0, traffic: 1_000_000 },
    { version: "2.3.0", count: 90, traffic: 1_000_000 },
  ];
  assert.equal(versionVerdict(rates).fixedIn, null, "it came back in 2.3.0");
  assert.equal(
    versionVerdict([...rates.slice(0, 3), { version: "2.3.0", count: 0, traffic: 500 }]).fixedIn,
    "2.2.0",
  );
  assert.equal(
    versionVerdict([...rates.slice(0, 3), { version: "2.3.0", count: 5, traffic: 9_000_000 }])
      .fixedIn,
    null,
    "a few lines still on a later version: not gone",
  );
  assert.equal(
    versionVerdict([rates[0]!, rates[1]!, { version: "2.2.0", count: 0, traffic: 5_000 }]).fixedIn,
    null,
    "2.2.0 ran too briefly to expect ten lines",
  );
});

Deno.test("records without a version say nothing", () => {
  const verdict = versionVerdict([{ version: "", count: 500, traffic: 1_000 }]);
  assert.deepEqual([verdict.affected, verdict.introducedIn, verdict.fixedIn], [[], null, null]);
});

Deno.test("property: the introducing version is affected and a fixing version comes after every affected one", () => {
  const rate = fc.record({
    version: fc.tuple(fc.nat(3), fc.nat(9)).map(([a, b]) => `${a}.${b}.0`),
    count: fc.nat(500),
    traffic: fc.integer({ min: 1, max: 2_000_000 }),
  });
  fc.assert(
    fc.property(fc.uniqueArray(rate, { selector: (r) => r.version, maxLength: 8 }), (rates) => {
      const verdict = versionVerdict(rates);
      if (verdict.introducedIn !== null) assert.ok(verdict.affected.includes(verdict.introducedIn));
      if (verdict.fixedIn !== null) {
        for (const v of verdict.affected) assert.ok(compareVersions(v, verdict.fixedIn) < 0);
      }
    }),
  );
});
