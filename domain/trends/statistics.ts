/**
 * The statistics behind the trend verdicts, apart from the policy that uses
 * them (`classify.ts`): binomial and beta-binomial tails, continuous in `x`
 * and `n` so dispersion-scaled counts work, and the special functions they
 * rest on (log-gamma, the regularized incomplete beta, erfc).
 *
 * @module
 */

/** Above this many trials the binomial tail is the deviance normal approximation. */
const APPROX_ABOVE = 1e6;

/** P(X ≥ x) for X ~ Binomial(n, p), via I_p(x, n − x + 1). */
export function binomialUpperTail(x: number, n: number, p: number): number {
  return upperTail(x, n, p);
}

/** P(X ≤ x) for X ~ Binomial(n, p), via I_{1−p}(n − x, x + 1). */
export function binomialLowerTail(x: number, n: number, p: number): number {
  return lowerTail(x, n, p);
}

/**
 * P(X ≥ x) (upper) or P(X ≤ x) of X | N = n for a count whose share of the
 * pooled gamma-Poisson rate is Beta(p·c, (1 − p)·c): beta-binomial, summed
 * exactly for n ≤ 5000, else a moment-matched Beta on x/n; binomial when c = ∞.
 */
export function conditionalTail(
  x: number,
  n: number,
  p: number,
  c: number,
  upper: boolean,
): number {
  if (!(c < 1e9)) return upper ? upperTail(x, n, p) : lowerTail(x, n, p);
  x = Math.round(x);
  n = Math.round(n);
  if (upper ? x <= 0 : x >= n) return 1;
  if (upper ? x > n : x < 0) return 0;
  if (p <= 0) return upper ? 0 : 1;
  if (p >= 1) return upper ? 1 : 0;
  const a = p * c, b = (1 - p) * c;
  if (n > 5000) {
    const k = (n * (c + 1)) / (c + n) - 1; // Beta precision matching the BB variance of x/n
    return upper
      ? regIncBeta(1 - (x - 0.5) / n, (1 - p) * k, p * k)
      : regIncBeta((x + 0.5) / n, p * k, (1 - p) * k);
  }
  const mean = n * p;
  if (upper) return x > mean ? bbSum(x, n, a, b, 1) : 1 - bbSum(x - 1, n, a, b, -1);
  return x < mean ? bbSum(x, n, a, b, -1) : 1 - bbSum(x + 1, n, a, b, 1);
}

/** Σ of the beta-binomial pmf from k0 towards n (dir 1) or 0 (dir −1). */
function bbSum(k0: number, n: number, a: number, b: number, dir: 1 | -1): number {
  const lp = lnGamma(n + 1) - lnGamma(k0 + 1) - lnGamma(n - k0 + 1) +
    lnGamma(k0 + a) + lnGamma(n - k0 + b) - lnGamma(n + a + b) +
    lnGamma(a + b) - lnGamma(a) - lnGamma(b);
  const mayStop = dir === 1 ? b >= 1 : a >= 1; // otherwise the pmf rises again at the end
  let t = 1, s = 1;
  for (let k = k0; dir === 1 ? k < n : k > 0; k += dir) {
    t *= dir === 1
      ? ((n - k) * (k + a)) / ((k + 1) * (n - k - 1 + b))
      : (k * (n - k + b)) / ((n - k + 1) * (k - 1 + a));
    s += t;
    if (mayStop && t < 1e-17 * s) break;
  }
  return Math.min(1, Math.max(0, Math.exp(lp + Math.log(s))));
}

function upperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n || p <= 0) return 0;
  if (p >= 1) return 1;
  if (n > APPROX_ABOVE) return normalUpper(deviance(x - 0.5, n, p));
  return regIncBeta(p, x, n - x + 1);
}

function lowerTail(x: number, n: number, p: number): number {
  if (x >= n || p <= 0) return 1;
  if (x < 0 || p >= 1) return 0;
  if (n > APPROX_ABOVE) return normalUpper(-deviance(x + 0.5, n, p));
  return regIncBeta(1 - p, n - x, x + 1);
}

/** Signed root of the binomial deviance of x successes out of n at rate p. */
function deviance(x: number, n: number, p: number): number {
  const m = n * p;
  const xx = Math.min(Math.max(x, 0), n);
  const a = xx > 0 ? xx * Math.log(xx / m) : 0;
  const b = n - xx > 0 ? (n - xx) * Math.log((n - xx) / (n - m)) : 0;
  return Math.sign(xx - m) * Math.sqrt(Math.max(0, 2 * (a + b)));
}

/** P(Z ≥ z) for a standard normal Z. */
function normalUpper(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 +
            t * (0.37409196 +
                t * (0.09678418 +
                    t * (-0.18628806 +
                        t * (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos, g = 7). */
function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  const w = z - 1;
  let s = LANCZOS[0]!;
  for (let k = 1; k < 9; k++) s += LANCZOS[k]! / (w + k);
  const t = w + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (w + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Regularized incomplete beta I_x(a, b), a, b > 0. */
function regIncBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return Math.exp(front) * betaFraction(a, b, x) / a;
  return 1 - Math.exp(front) * betaFraction(b, a, 1 - x) / b;
}

/** Continued fraction for I_x(a, b) (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}
