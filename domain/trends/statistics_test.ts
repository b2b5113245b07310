import assert from "node:assert/strict";
import { binomialLowerTail, binomialUpperTail, conditionalTail } from "./statistics.ts";

Deno.test("binomial tails match exact sums", () => {
  const choose = (n: number, k: number) => {
    let r = 1;
    for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
    return r;
  };
  for (const [n, p] of [[10, 0.125], [40, 0.5], [200, 0.03], [7, 0.9]] as const) {
    for (let x = 0; x <= n; x++) {
      let up = 0, down = 0;
      for (let k = 0; k <= n; k++) {
        const pk = choose(n, k) * p ** k * (1 - p) ** (n - k);
        if (k >= x) up += pk;
        if (k <= x) down += pk;
      }
      assert.ok(Math.abs(binomialUpperTail(x, n, p) - up) < 1e-10 * Math.max(1, up) + 1e-14);
      assert.ok(Math.abs(binomialLowerTail(x, n, p) - down) < 1e-10 * Math.max(1, down) + 1e-14);
    }
  }
  // the large-count approximation (n > 10⁶) joins the exact tail smoothly
  for (const z of [-3, -1, 0, 1, 3, 5]) {
    const n = 1_000_000, p = 0.125, x = Math.round(n * p + z * Math.sqrt(n * p * (1 - p)));
    const exact = binomialUpperTail(x, n, p);
    const approx = binomialUpperTail(x * 1.000002, n * 1.000002, p);
    assert.ok(Math.abs(Math.log(approx / exact)) < 0.02, `z=${z}: ${exact} vs ${approx}`);
    const low = binomialLowerTail(x, n, p),
      lowApprox = binomialLowerTail(x * 1.000002, n * 1.000002, p);
    assert.ok(Math.abs(Math.log(lowApprox / low)) < 0.02, `z=${z}: ${low} vs ${lowApprox}`);
  }
});

Deno.test("beta-binomial tails match brute-force sums and tend to the binomial", () => {
  const lnGamma = (z: number): number => {
    let r = 0;
    while (z < 20) r -= Math.log(z++);
    return r + (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z) -
      1 / (360 * z ** 3);
  };
  for (
    const [n, p, c] of [[12, 0.125, 0.8], [60, 0.3, 5], [300, 0.125, 40], [40, 0.5, 2]] as const
  ) {
    const a = p * c, b = (1 - p) * c;
    const pmf = (k: number) =>
      Math.exp(
        lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1) + lnGamma(k + a) +
          lnGamma(n - k + b) - lnGamma(n + a + b) + lnGamma(a + b) - lnGamma(a) - lnGamma(b),
      );
    for (let x = 0; x <= n; x += Math.max(1, Math.floor(n / 25))) {
      let up = 0, down = 0;
      for (let k = 0; k <= n; k++) {
        if (k >= x) up += pmf(k);
        if (k <= x) down += pmf(k);
      }
      assert.ok(Math.abs(conditionalTail(x, n, p, c, true) - up) < 1e-9, `${n} ${p} ${c} ${x}`);
      assert.ok(Math.abs(conditionalTail(x, n, p, c, false) - down) < 1e-9, `${n} ${p} ${c} ${x}`);
    }
  }
  // huge precision ≈ binomial; large n uses the moment-matched Beta
  assert.ok(
    Math.abs(conditionalTail(40, 200, 0.125, 1e7, true) - binomialUpperTail(40, 200, 0.125)) < 1e-4,
  );
  const big = conditionalTail(1400, 8000, 0.125, 400, true);
  const small = conditionalTail(700, 4000, 0.125, 400, true);
  assert.ok(big > 0.001 && big < small && small < 0.5, `${big} ${small}`);
});
