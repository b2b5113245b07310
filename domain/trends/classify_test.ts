import assert from "node:assert/strict";
import fc from "fast-check";
import { mulberry32 } from "../../test/support/random.ts";
import {
  classifyTrend,
  type HourlySeries,
  TREND_HISTORY_HOURS,
  type TrendClass,
  type TrendOptions,
  type TrendVerdict,
} from "./mod.ts";

const HOUR = 3_600_000;
const DAY = 24;
const START = Date.UTC(2025, 0, 6); // midnight UTC
const CLASSES: readonly TrendClass[] = [
  "emerging",
  "spiking",
  "resolving",
  "stable",
  "quiet",
];

// ---------------------------------------------------------------------------
// Seeded synthetic series.

function poisson(lambda: number, rand: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda > 500) {
    const u = Math.max(rand(), 1e-12), v = rand();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const limit = Math.exp(-lambda);
  let k = 0, p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

function gamma(shape: number, rand: () => number): number {
  if (shape < 1) return gamma(shape + 1, rand) * rand() ** (1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const u1 = Math.max(rand(), 1e-12), u2 = rand();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    const v = (1 + c * z) ** 3;
    if (v > 0 && Math.log(Math.max(rand(), 1e-300)) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
      return d * v;
    }
  }
}

/** ×5 day/night cycle: `night` per hour from 20:00 to 08:00 UTC, 5 × night by day. */
const dayNight = (night: number) => (hour: number) => {
  const h = hour % DAY;
  return h >= 8 && h < 20 ? 5 * night : night;
};

/** `hours` of Poisson counts with mean `rate(i)`, ending at `now` = START + hours. */
function sample(
  seed: number,
  hours: number,
  rate: (i: number) => number,
): { series: HourlySeries; now: number } {
  const rand = mulberry32(seed);
  const counts = Array.from({ length: hours }, (_, i) => poisson(rate(i), rand));
  return { series: { start: START, counts }, now: START + hours * HOUR };
}

const classify = (s: { series: HourlySeries; now: number }, extra: Partial<TrendOptions> = {}) =>
  classifyTrend(s.series, { now: s.now, ...extra });

const RISING: readonly TrendClass[] = ["emerging", "spiking", "resolving"];

// ---------------------------------------------------------------------------
// Scenarios.

Deno.test("a daily cycle is not a trend: false alarms ≤ 2% over 50 seeds", () => {
  const hours = 30 * DAY;
  let alarms = 0;
  for (let seed = 1; seed <= 50; seed++) {
    const s = sample(seed, hours, dayNight(4));
    for (const extra of [{}, { recentHours: 12 }, { recentHours: 6 }]) {
      const v = classify(s, extra);
      if (RISING.includes(v.class)) alarms++;
      assert.ok(v.class === "stable" || RISING.includes(v.class), v.reason);
    }
  }
  assert.ok(alarms <= 0.02 * 150, `${alarms} false alarms out of 150`);
});

Deno.test("the day half of a ×5 cycle is not read as a ×5 rise (12 h window ending at 20:00)", () => {
  const s = sample(7, 30 * DAY - 4, dayNight(4)); // now = 20:00 UTC: recent = 08:00–20:00, all day
  const v = classify(s, { recentHours: 12 });
  assert.equal(v.class, "stable", v.reason);
  assert.ok(Math.abs(v.ratio - 1) < 0.3, `ratio ${v.ratio}`);
});

Deno.test("bursty (overdispersed) hours are not trends: false alarms ≤ 2% over 50 seeds", () => {
  let alarms = 0;
  for (let seed = 100; seed < 150; seed++) {
    const rand = mulberry32(seed ^ 0x9e3779b9);
    // one hour in ten runs at ×6: variance well above the mean
    const s = sample(seed, 30 * DAY, (i) => dayNight(3)(i) * (rand() < 0.1 ? 6 : 1));
    const v = classify(s);
    if (RISING.includes(v.class)) alarms++;
    assert.ok(v.dispersion > 1.5, `dispersion ${v.dispersion}`);
  }
  assert.ok(alarms <= 1, `${alarms} false alarms out of 50`);
});

Deno.test("negative-binomial hours (gamma-Poisson, shape 1) are not trends: ≤ 2% over 50 seeds", () => {
  let alarms = 0;
  for (let seed = 200; seed < 250; seed++) {
    const rand = mulberry32(seed * 7 + 3);
    const s = sample(seed, 30 * DAY, (i) => dayNight(3)(i) * gamma(1, rand));
    for (const extra of [{}, { recentHours: 12 }]) {
      if (RISING.includes(classify(s, extra).class)) alarms++;
    }
  }
  assert.ok(alarms <= 2, `${alarms} false alarms out of 100`);
});

Deno.test("a ×6 step 12 hours before now is a rise with ratio ≈ 6", () => {
  const hours = 30 * DAY;
  for (let seed = 1; seed <= 10; seed++) {
    const s = sample(seed, hours, (i) => dayNight(4)(i) * (i >= hours - 12 ? 6 : 1));
    const v = classify(s);
    assert.ok(v.class === "emerging" || v.class === "spiking", v.reason);
    assert.ok(v.ratio > 4.8 && v.ratio < 7.2, `ratio ${v.ratio}: ${v.reason}`);
    assert.ok(v.pValue < 0.001);
  }
  const v = classify(sample(1, hours, (i) => dayNight(4)(i) * (i >= hours - 12 ? 6 : 1)));
  assert.equal(v.class, "emerging", v.reason);
  assert.match(
    v.reason,
    /^sustained rise: rate ×\d\.\d over the last 1\d hours vs the previous 7 days \(same hours of day\), p < 1e-12$/,
  );
});

Deno.test("a 2-hour ×30 burst is spiking", () => {
  const hours = 30 * DAY;
  for (let seed = 1; seed <= 10; seed++) {
    const burst = (i: number) => i >= hours - 9 && i < hours - 7;
    const v = classify(sample(seed, hours, (i) => dayNight(2)(i) * (burst(i) ? 30 : 1)));
    assert.equal(v.class, "spiking", v.reason);
    assert.ok(v.ratio > 15, v.reason);
  }
  const v = classify(
    sample(1, hours, (i) => dayNight(2)(i) * (i >= hours - 9 && i < hours - 7 ? 30 : 1)),
  );
  assert.match(v.reason, /^burst: rate ×\d+ during 2 hours ending 7 hours ago vs/);
});

Deno.test("a fresh jump in the last 2 hours is spiking", () => {
  const hours = 30 * DAY;
  const v = classify(sample(3, hours, (i) => dayNight(4)(i) * (i >= hours - 2 ? 8 : 1)));
  assert.equal(v.class, "spiking", v.reason);
});

Deno.test("a series that stops 2 days before now is resolving", () => {
  const hours = 30 * DAY;
  for (let seed = 1; seed <= 10; seed++) {
    const v = classify(sample(seed, hours, (i) => (i < hours - 2 * DAY ? dayNight(1)(i) : 0)));
    assert.equal(v.class, "resolving", v.reason);
    assert.equal(v.ratio, 0);
    assert.match(v.reason, /^decline: dropped to zero over the last 24 hours/);
  }
});

Deno.test("a +60% week-over-week growth over 4 weeks is a slow-burn emerging", () => {
  const hours = 30 * DAY;
  for (let seed = 1; seed <= 10; seed++) {
    const week = (i: number) => Math.floor((hours - 1 - i) / (7 * DAY)); // 0 = last 7 days
    const s = sample(seed, hours, (i) => dayNight(1)(i) * 1.6 ** Math.max(0, 3 - week(i)));
    const v = classify(s);
    assert.equal(v.class, "emerging", v.reason);
    assert.match(v.reason, /^slow burn: weekly rate up two weeks running/);
    assert.ok(v.ratio > 2 && v.ratio < 3.3, v.reason);
  }
});

Deno.test("a slow burn whose data began up to a day after its oldest week did is still a slow burn; more, and it is not", () => {
  for (const late of [1, 12, 23]) {
    for (let seed = 1; seed <= 5; seed++) {
      const hours = 21 * DAY - late;
      const week = (i: number) => Math.floor((hours - 1 - i) / (7 * DAY));
      const v = classify(sample(seed, hours, (i) => dayNight(1)(i) * 1.6 ** (2 - week(i))));
      assert.equal(v.class, "emerging", `${late} h late: ${v.reason}`);
      assert.match(v.reason, /^slow burn: weekly rate up two weeks running/);
      assert.ok(v.ratio > 2 && v.ratio < 3.3, v.reason);
    }
  }
  const hours = 21 * DAY - 30;
  const week = (i: number) => Math.floor((hours - 1 - i) / (7 * DAY));
  const v = classify(sample(1, hours, (i) => dayNight(1)(i) * 1.6 ** (2 - week(i))));
  assert.doesNotMatch(v.reason, /slow burn/);
});

Deno.test("zero baseline then occurrences is new: a rise, or a burst when it came at once; a single stray one is not", () => {
  const hours = 30 * DAY;
  const v = classify(sample(5, hours, (i) => (i >= hours - 10 ? 3 : 0)));
  assert.equal(v.class, "emerging", v.reason);
  assert.match(v.reason, /^new: /);
  const burst = classify(sample(5, hours, (i) => (i >= hours - 3 ? 20 : 0)));
  assert.equal(burst.class, "spiking", burst.reason);
  assert.match(burst.reason, /^new burst: /);
  assert.equal(v.ratio, Infinity);
  assert.equal(v.baselineRate, 0);
  const counts = new Array(hours).fill(0);
  counts[hours - 3] = 1;
  const once = classifyTrend({ start: START, counts }, { now: START + hours * HOUR });
  assert.equal(once.class, "stable", once.reason);
  // the chance that it falls in the last day of eight, 1/8, weighed for the other comparisons made
  assert.ok(Math.abs(once.pValue - 1 / 4) < 1e-12);
});

Deno.test("a rare signature new this week and still occurring is emerging; one that came eight days ago and held steady is stable", () => {
  const hours = 28 * DAY;
  for (let seed = 1; seed <= 10; seed++) {
    // five a day, from six days before now: too few for a day against the week before it
    const fresh = classify(sample(seed, hours, (i) => (i >= hours - 6 * DAY ? 5 / DAY : 0)));
    assert.equal(fresh.class, "emerging", fresh.reason);
    assert.match(fresh.reason, /^new in the last 7 days: \d+ occurrences since it first came/);
    assert.equal(fresh.ratio, Infinity);
    const settled = classify(sample(seed, hours, (i) => (i >= hours - 8 * DAY - 1 ? 5 / DAY : 0)));
    assert.equal(settled.class, "stable", settled.reason);
  }
  // one that came this week and has since stopped is not emerging
  const stopped = classify(
    sample(3, hours, (i) => (i >= hours - 6 * DAY && i < hours - 2 * DAY ? 0.5 : 0)),
  );
  assert.notEqual(stopped.class, "emerging", stopped.reason);
});

Deno.test("a new signature is not emerging when it has all but stopped, or when it was one burst", () => {
  const hours = 28 * DAY;
  const at = (spec: [number, number][]) => {
    const counts = new Array<number>(hours).fill(0);
    for (const [hoursAgo, n] of spec) counts[hours - hoursAgo] = n;
    return classifyTrend({ start: START, counts }, { now: START + hours * HOUR });
  };
  // ten a day for two days from three days ago, then two in the last day
  const fading: [number, number][] = [];
  for (let h = 72; h > 24; h -= 5) fading.push([h, 2]);
  fading.push([20, 1], [8, 1]);
  const faded = at(fading);
  assert.notEqual(faded.class, "emerging", faded.reason);
  // twenty lines within two hours five days ago, then two a day
  const burst: [number, number][] = [[120, 12], [119, 8]];
  for (let h = 110; h > 0; h -= 12) burst.push([h, 1]);
  const after = at(burst);
  assert.notEqual(after.class, "emerging", after.reason);
  // the same trickle without the burst is new and still occurring
  const trickle = at([...burst.slice(2), [120, 1], [119, 1], [118, 1]]);
  assert.equal(trickle.class, "emerging", trickle.reason);
});

Deno.test("a fall spread over several days, too gradual for the last day alone, is resolving", () => {
  const hours = 28 * DAY;
  let resolving = 0, overDays = 0;
  for (let seed = 1; seed <= 10; seed++) {
    // a fix rolling out: the rate falls from 1.5 an hour to 0.5 over the four days before the last
    const rate = (i: number) => {
      const daysAgo = (hours - i) / DAY;
      return daysAgo > 5 ? 1.5 : daysAgo > 1 ? 0.5 + (daysAgo - 1) / 4 : 0.5;
    };
    const v = classify(sample(seed, hours, rate));
    if (v.class === "resolving") resolving++;
    if (/^decline: rate ×[0-9.]+ over the last 3 days vs the previous 7 days/.test(v.reason)) {
      overDays++;
    }
  }
  assert.ok(resolving >= 9, `${resolving} of 10 resolving`);
  assert.ok(overDays >= 3, `${overDays} of 10 seen over the last 3 days`);
});

Deno.test("all zeros is quiet", () => {
  const v = classifyTrend({ start: START, counts: new Array(30 * DAY).fill(0) }, {
    now: START + 30 * DAY * HOUR,
  });
  assert.equal(v.class, "quiet");
  assert.equal(v.pValue, 1);
});

Deno.test("errors that double only because traffic doubled are stable", () => {
  const hours = 30 * DAY;
  for (let seed = 1; seed <= 10; seed++) {
    const rand = mulberry32(seed + 1000);
    const traffic = Array.from(
      { length: hours },
      (_, i) => poisson(dayNight(400)(i) * (i >= hours - DAY ? 2 : 1), rand),
    );
    const counts = traffic.map((t) => poisson(t * 0.01, rand));
    const now = START + hours * HOUR;
    const v = classifyTrend({ start: START, counts, traffic }, { now });
    assert.equal(v.class, "stable", v.reason);
    assert.ok(Math.abs(v.ratio - 1) < 0.25, v.reason);
    assert.match(v.reason, /\(per unit of traffic\)/);
    // without the traffic the same errors read as a rise
    assert.ok(classifyTrend({ start: START, counts }, { now }).ratio > 1.7);
  }
});

Deno.test("unobserved hours add no exposure; partial current hour is ignored", () => {
  const counts = new Array(3 * DAY).fill(2);
  const v = classifyTrend({ start: START, counts }, { now: START + 3 * DAY * HOUR + HOUR / 2 });
  assert.equal(v.class, "stable", v.reason);
  assert.equal(v.ratio, 1);
  const beyond = classifyTrend({ start: START, counts }, { now: START + 10 * DAY * HOUR });
  assert.equal(beyond.class, "stable");
  assert.ok(Number.isNaN(beyond.ratio));
  const fresh = classifyTrend({ start: START, counts: [5, 5, 5] }, { now: START + 3 * HOUR });
  assert.equal(fresh.class, "stable");
  assert.match(fresh.reason, /no baseline data/);
});

Deno.test("invalid options are rejected", () => {
  const series = { start: START, counts: [1, 2, 3] };
  assert.throws(() => classifyTrend(series, { now: START, recentHours: 0 }), RangeError);
  assert.throws(() => classifyTrend(series, { now: START, alpha: 1 }), RangeError);
  assert.throws(() => classifyTrend(series, { now: START, minRatio: 0.5 }), RangeError);
  assert.throws(() => classifyTrend(series, { now: NaN }), RangeError);
  assert.throws(
    () => classifyTrend({ start: START, counts: [-1, 2] }, { now: START + 2 * HOUR }),
    RangeError,
  );
});

Deno.test("a 365-day series classifies in under 1 ms", () => {
  const hours = 365 * DAY;
  const s = sample(11, hours, dayNight(20));
  const traffic = s.series.counts.map((c) => c * 100 + 1000);
  const withTraffic = { ...s, series: { ...s.series, traffic } };
  for (let k = 0; k < 200; k++) classify(s); // warm up
  const runs = 2000;
  const t0 = performance.now();
  for (let k = 0; k < runs; k++) {
    classify(s);
    classify(withTraffic);
  }
  const each = (performance.now() - t0) / (2 * runs);
  assert.ok(each < 1, `${each.toFixed(3)} ms per call`);
});

// ---------------------------------------------------------------------------
// Properties.

const seriesArb = fc.record({
  hours: fc.integer({ min: 1, max: 26 * DAY }),
  level: fc.double({ min: 0, max: 30, noNaN: true }),
  seed: fc.integer(),
  zeroShare: fc.double({ min: 0, max: 1, noNaN: true }),
  recentHours: fc.integer({ min: 1, max: 48 }),
  baselineDays: fc.integer({ min: 1, max: 10 }),
  nowOffset: fc.integer({ min: -5 * DAY, max: 5 * DAY }),
  withTraffic: fc.boolean(),
}).map((r) => {
  const rand = mulberry32(r.seed);
  const counts = Array.from(
    { length: r.hours },
    (_, i) => (rand() < r.zeroShare ? 0 : poisson(r.level * (1 + (i % 24 < 12 ? 1 : 0)), rand)),
  );
  const traffic = r.withTraffic ? counts.map((c) => c * 3 + Math.floor(rand() * 50)) : undefined;
  const series: HourlySeries = traffic
    ? { start: START, counts, traffic }
    : { start: START, counts };
  const options: TrendOptions = {
    now: START + (r.hours + r.nowOffset) * HOUR,
    recentHours: r.recentHours,
    baselineDays: r.baselineDays,
  };
  return { series, options };
});

function consistent(v: TrendVerdict, options: TrendOptions): void {
  const alpha = options.alpha ?? 0.001, minRatio = options.minRatio ?? 2;
  const minFallRatio = options.minFallRatio ?? 1.5;
  assert.ok(CLASSES.includes(v.class));
  assert.ok(v.pValue >= 0 && v.pValue <= 1, `p ${v.pValue}`);
  assert.ok(v.dispersion >= 1);
  assert.ok(v.reason.length > 0);
  if (v.class === "emerging" || v.class === "spiking") {
    assert.ok(v.pValue < alpha && v.ratio >= minRatio, v.reason);
  }
  if (v.class === "resolving") {
    assert.ok(v.pValue < alpha && v.ratio <= 1 / minFallRatio, v.reason);
  }
  if (v.ratio === Infinity && v.class !== "stable") assert.ok(v.pValue < alpha);
  if (Number.isFinite(v.ratio) && v.baselineRate > 0 && v.class !== "quiet") {
    assert.ok(Math.abs(v.ratio - v.recentRate / v.baselineRate) <= 1e-9 * v.ratio);
  }
}

Deno.test("property: verdicts are well formed, consistent and deterministic", () => {
  fc.assert(
    fc.property(seriesArb, ({ series, options }) => {
      const v = classifyTrend(series, options);
      consistent(v, options);
      assert.deepStrictEqual(classifyTrend(series, options), v);
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: quiet exactly when both windows have no occurrences", () => {
  fc.assert(
    fc.property(seriesArb, ({ series, options }) => {
      const v = classifyTrend(series, options);
      const end = Math.floor((options.now - series.start) / HOUR);
      const from = end - (options.recentHours ?? 24) - 24 * (options.baselineDays ?? 7);
      const limit = Math.min(series.counts.length, series.traffic?.length ?? Infinity);
      let observed = 0, total = 0, recentObserved = 0;
      for (let i = Math.max(0, from); i < Math.min(end, limit); i++) {
        observed++;
        total += series.counts[i]!;
        if (i >= end - (options.recentHours ?? 24)) recentObserved++;
      }
      if (recentObserved > 0 && observed > 0 && series.traffic === undefined) {
        assert.equal(v.class === "quiet", total === 0);
      }
      if (v.class === "quiet") assert.equal(total, 0);
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: shifting start and now by whole days changes nothing", () => {
  fc.assert(
    fc.property(seriesArb, fc.integer({ min: -400, max: 400 }), ({ series, options }, days) => {
      const shift = days * DAY * HOUR;
      const moved = classifyTrend(
        { ...series, start: series.start + shift },
        { ...options, now: options.now + shift },
      );
      assert.deepStrictEqual(moved, classifyTrend(series, options));
    }),
    { numRuns: 200 },
  );
});

Deno.test("property: history older than the windows examined is never read", () => {
  fc.assert(
    fc.property(
      seriesArb,
      fc.array(fc.nat(1000), { minLength: 1, maxLength: 200 }),
      ({ series, options }, older) => {
        const end = Math.floor((options.now - series.start) / HOUR);
        const days = options.baselineDays ?? 7;
        const lookback = Math.max(
          (options.recentHours ?? 24) + 24 * days,
          72 + 24 * days,
          3 * 168,
          3 * 24 * days,
        );
        fc.pre(end - lookback >= 0);
        const extended: HourlySeries = {
          start: series.start - older.length * HOUR,
          counts: [...older, ...series.counts],
          ...(series.traffic ? { traffic: [...older.map((c) => c + 1), ...series.traffic] } : {}),
        };
        assert.deepStrictEqual(classifyTrend(extended, options), classifyTrend(series, options));
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("property: scaling traffic by a power of two changes nothing", () => {
  fc.assert(
    fc.property(seriesArb, fc.integer({ min: -8, max: 8 }), ({ series, options }, e) => {
      fc.pre(series.traffic !== undefined);
      const scaled = { ...series, traffic: series.traffic!.map((t) => t * 2 ** e) };
      assert.deepStrictEqual(classifyTrend(scaled, options), classifyTrend(series, options));
    }),
    { numRuns: 200 },
  );
});

Deno.test("the default options need no more history than TREND_HISTORY_HOURS", () => {
  const hours = 35 * DAY;
  const rates: ((i: number) => number)[] = [
    (i) => (i >= hours - 6 * DAY ? 5 / DAY : 0), // new this week
    (i) => dayNight(1)(i) * 1.6 ** Math.max(0, 3 - Math.floor((hours - 1 - i) / (7 * DAY))), // slow burn
    (i) => (i >= hours - 3 * DAY ? 0.5 : 1.5), // a fall over days
    (i) => (i >= hours - 8 * DAY - 1 ? 5 / DAY : i < 5 * DAY ? 2 : 0), // old history, then steady
  ];
  for (const [k, rate] of rates.entries()) {
    const s = sample(k + 1, hours, rate);
    const skip = hours - TREND_HISTORY_HOURS;
    const recent = {
      start: START + skip * HOUR,
      counts: s.series.counts.slice(skip),
    };
    assert.deepStrictEqual(classifyTrend(recent, { now: s.now }), classify(s));
  }
});

Deno.test("a rare signature with none in the last day says how few were expected, not 'rate ×0.00'", () => {
  // One line every 12 hours for three weeks, then none for the last day: too few to call a fall.
  const hours = 22 * DAY;
  const counts = Array.from({ length: hours }, (_, i) => (i < hours - DAY && i % 12 === 5 ? 1 : 0));
  const verdict = classifyTrend({ start: START, counts }, { now: START + hours * HOUR });
  assert.equal(verdict.class, "stable");
  assert.match(verdict.reason, /^steady: none over the last 24 hours .*\(about 2\.0 expected\)/);
  assert.doesNotMatch(verdict.reason, /×0\.00/);
});
