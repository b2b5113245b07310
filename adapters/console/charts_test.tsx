import assert from "node:assert/strict";
import fc from "fast-check";
import { BarChart, LineChart, Sparkline } from "./charts.tsx";

const render = (node: unknown) => String(node);

Deno.test("a line chart marks exactly the breaching points, each with its severity in words", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          y: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
          breach: fc.option(fc.constantFrom("CRITICAL", "HIGH", "MEDIUM"), { nil: undefined }),
        }, { noNullPrototype: true }),
        { minLength: 1, maxLength: 40 },
      ),
      (values) => {
        const points = values.map((v, i) => ({
          x: 1_000 * i,
          y: v.y,
          ...(v.breach === undefined
            ? {}
            : { breach: { severity: v.breach, text: `${v.breach}: bad` } }),
        }));
        const svg = render(LineChart({
          title: "m",
          series: [{ name: "m", points }],
          thresholds: [{ value: 0, label: "HIGH > 0", severity: "HIGH" }],
          xLabel: String,
        }));
        const marked = [...svg.matchAll(/class="breach-point sev-(\w+)"/g)].map((m) => m[1]);
        const expected = values.filter((v) => v.breach !== undefined).map((v) =>
          v.breach!.toLowerCase()
        );
        assert.deepEqual(marked, expected);
        assert.equal(
          [...svg.matchAll(/<title>(CRITICAL|HIGH|MEDIUM): bad<\/title>/g)].length,
          expected.length,
        );
        assert.match(svg, /class="threshold sev-high"/);
        assert.doesNotMatch(svg, /NaN|Infinity/);
      },
    ),
  );
});

Deno.test("charts escape what they are given and say what they show", () => {
  const svg = render(Sparkline({ values: [1, 2, 3], label: "<script>x</script>" }));
  assert.doesNotMatch(svg, /<script>/);
  assert.match(svg, /aria-label="&lt;script&gt;x&lt;\/script&gt;"/);
  const bars = render(BarChart({ title: "t", bars: [{ label: "a&b", value: 1200 }] }));
  assert.match(bars, /a&amp;b/);
  assert.match(bars, /1\.2k/);
  const empty = render(Sparkline({ values: [], label: "nothing" }));
  assert.doesNotMatch(empty, /NaN/);
});
