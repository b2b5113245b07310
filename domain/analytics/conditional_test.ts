import assert from "node:assert/strict";
import fc from "fast-check";
import {
  finiteStillOpen,
  givenStillOpen,
  type HourRange,
  inverseNormalCdf,
  MIN_SURVIVORS,
  normalCdf,
  openEndedStillOpenLow,
  predictStillOpen,
  stillOpenConformal,
} from "./conditional.ts";
import { openContexts, type TicketRecord } from "./features.ts";
import {
  DEFAULT_MODEL_OPTIONS,
  fromLogHours,
  type StillOpenEntry,
  type SurvivalPool,
  toLogHours,
  trainResolutionModel,
} from "./model.ts";
import { gaussian, xorshift32 } from "../../test/support/random.ts";
import { waitingIssue } from "../../test/support/waiting_issue.ts";

const HOUR = 3_600_000;

/** One waiting issue: two in three of its tickets never resolve, the rest take about 20 h. */
const WAITING = { total: 1500, trainEnd: 1100, medianHours: 20, sigma: 0.7, neverShare: 2 / 3 };

const range = fc.tuple(
  fc.double({ min: 0, max: 500, noNaN: true }),
  fc.double({ min: 0, max: 500, noNaN: true }),
  fc.double({ min: 0, max: 500, noNaN: true }),
).map(([a, b, c]) => {
  const [lowHours, medianHours, highHours] = [a, b, c].sort((x, y) => x - y);
  return { lowHours: lowHours!, medianHours: medianHours!, highHours: highHours! };
});

Deno.test("property: given still open, the interval holds the point, starts no earlier than now and never moves back", () => {
  fc.assert(
    fc.property(
      range,
      fc.double({ min: 0, max: 2000, noNaN: true }),
      fc.double({ min: 0, max: 2000, noNaN: true }),
      (p, a, b) => {
        const [earlier, later] = a <= b ? [a, b] : [b, a];
        const first = givenStillOpen(p, earlier);
        const second = givenStillOpen(p, later);
        for (const x of [first, second]) {
          assert.ok(x.lowHours <= x.medianHours + 1e-9 && x.medianHours <= x.highHours + 1e-9);
        }
        assert.ok(first.lowHours >= earlier - 1e-9 && second.lowHours >= later - 1e-9);
        // More time open can only push the expected resolution later.
        assert.ok(
          second.medianHours >= first.medianHours - 1e-6,
          JSON.stringify({ first, second }),
        );
      },
    ),
  );
});

Deno.test("given still open past the median, half of what is left lies beyond the new median", () => {
  // Log-normal with median 10 h: a ticket open for 10 h is past half of all tickets.
  const sigma = 1;
  const p = {
    lowHours: 10 * Math.exp(-1.2815515655446004 * sigma) - 1 / 60,
    medianHours: 10 - 1 / 60,
    highHours: 10 * Math.exp(1.2815515655446004 * sigma) - 1 / 60,
  };
  const later = givenStillOpen(p, 10 - 1 / 60);
  // P(T > m | T > median) = 0.5 means P(T > m) = 0.25: m is the 75th percentile.
  const p75 = 10 * Math.exp(inverseNormalCdf(0.75) * sigma) - 1 / 60;
  assert.ok(Math.abs(later.medianHours - p75) < 1e-3, `${later.medianHours} vs ${p75}`);
});

Deno.test("the normal CDF and its inverse agree", () => {
  for (const q of [0.001, 0.02, 0.1, 0.5, 0.9, 0.98, 0.999]) {
    assert.ok(Math.abs(normalCdf(inverseNormalCdf(q)) - q) < 1e-6);
  }
});

/** A seeded generator, so the synthetic tickets are the same on every run. */
const rng = xorshift32;

const Z90 = 1.2815515655446004;

/**
 * Exchangeable tickets whose hours are log-normal around a per-ticket median,
 * with one in ten taking 2-6 times longer: the tail the log-normal shape of
 * `base` (a spread of 0.5, too narrow for this mix) does not know of.
 */
function heavyTailedTickets(n: number, next: () => number) {
  return Array.from({ length: n }, () => {
    const logMedian = 1 + 2 * next();
    const slow = next() < 0.1 ? 2 + 4 * next() : 1;
    const hours = Math.exp(logMedian + 0.8 * gaussian(next)) * slow;
    const base = {
      lowHours: Math.exp(logMedian - 0.5 * Z90),
      medianHours: Math.exp(logMedian),
      highHours: Math.exp(logMedian + 0.5 * Z90),
    };
    return { hours, base };
  });
}

function poolOf(tickets: readonly { hours: number; base: HourRange }[]): SurvivalPool {
  const sorted = [...tickets].sort((a, b) => a.hours - b.hours);
  return {
    hours: Float64Array.from(sorted, (t) => t.hours),
    low: Float64Array.from(sorted, (t) => t.base.lowHours),
    median: Float64Array.from(sorted, (t) => t.base.medianHours),
    high: Float64Array.from(sorted, (t) => t.base.highHours),
  };
}

Deno.test("property: the interval calibrated on tickets still open holds its point and starts no earlier than now", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 0, max: 400 }),
      range,
      fc.double({ min: 0, max: 500, noNaN: true }),
      (seed, n, base, elapsed) => {
        const pool = poolOf(heavyTailedTickets(n, rng(seed)));
        const p = stillOpenConformal(pool, base, elapsed, 0.2);
        if (p === undefined) return n < 9;
        return p.lowHours <= p.medianHours && p.medianHours <= p.highHours &&
          p.lowHours >= elapsed - 1e-9;
      },
    ),
  );
});

Deno.test("still open: on exchangeable tickets, 80% of those open past 8 h and 24 h resolve inside the calibrated interval", () => {
  for (const elapsed of [8, 24]) {
    let n = 0;
    let calibrated = 0;
    let shapeOnly = 0;
    for (const seed of [1, 2, 3, 4]) {
      const next = rng(seed);
      const pool = poolOf(heavyTailedTickets(1000, next));
      for (const t of heavyTailedTickets(1500, next)) {
        if (t.hours <= elapsed) continue;
        n++;
        const p = stillOpenConformal(pool, t.base, elapsed, 0.2)!;
        if (t.hours >= p.lowHours && t.hours <= p.highHours) calibrated++;
        const shaped = givenStillOpen(t.base, elapsed);
        if (t.hours >= shaped.lowHours && t.hours <= shaped.highHours) shapeOnly++;
      }
    }
    // Hundreds to thousands of test tickets over four calibration pools of
    // about 150-600 still open: the standard error is under 0.02, so 0.05 is
    // over two and a half of them.
    assert.ok(Math.abs(calibrated / n - 0.8) < 0.05, `${elapsed} h: ${calibrated / n} of ${n}`);
    // The shape alone is too narrow here: the check above has teeth.
    assert.ok(shapeOnly / n < 0.7, `${elapsed} h, shape only: ${shapeOnly / n}`);
  }
});

Deno.test("property: a finite range updated on the calibration tickets still open, censored ones counted, holds its point and starts no earlier than now", () => {
  // Calibration tickets that resolve soon after `elapsed` while their at-open ranges lie later
  // move the low end down, towards the time already spent; each its own at-open range.
  const entry = (elapsed: number) =>
    fc.record({
      hours: fc.oneof(
        fc.double({ min: elapsed, max: elapsed * 1.2 + 1, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
      ),
      followUpHours: fc.double({ min: 0, max: 1000, noNaN: true }),
      atOpen: range,
    }).map(({ hours, followUpHours, atOpen }): StillOpenEntry => ({
      group: "g",
      // Resolved when history ends after it, still open (known only to take longer) when not.
      hours: hours <= followUpHours ? hours : NaN,
      followUpHours,
      atOpen,
      rawHighHours: atOpen.highHours,
    }));
  const cases = fc.double({ min: 0, max: 500, noNaN: true }).chain((elapsed) =>
    fc.tuple(
      fc.constant(elapsed),
      fc.array(entry(elapsed), { minLength: 40, maxLength: 300 }),
      range,
    )
  );
  // The sharpest case: the group's tickets all resolve just after 10 h though their ranges
  // said 100-400 h, so the margin moves a low end that starts at the time spent well below it.
  const quick = Array.from({ length: 60 }, (_, i): StillOpenEntry => ({
    group: "g",
    hours: 10.1 + i / 100,
    followUpHours: 1000,
    atOpen: { lowHours: 100, medianHours: 200, highHours: 400 },
    rawHighHours: 400,
  }));
  const short = { lowHours: 1, medianHours: 5, highHours: 30 };
  const after10h = (pool: StillOpenEntry[]) => finiteStillOpen(pool, "g", short, 10, 0.2)!;
  const floored = after10h(quick);
  assert.ok(floored.lowHours >= 10 - 1e-9, JSON.stringify(floored));
  // And the other way: they all took 300-400 h though their ranges said 1-30 h, so the low end
  // rises far, but never past the point.
  const raised = after10h(quick.map((e, i) => ({
    ...e,
    hours: 300 + i,
    atOpen: short,
    rawHighHours: short.highHours,
  })));
  assert.ok(raised.lowHours <= raised.medianHours, JSON.stringify(raised));
  fc.assert(
    fc.property(cases, ([elapsed, pool, atOpen]) => {
      const p = finiteStillOpen(pool, "g", atOpen, elapsed, 0.2);
      if (p === undefined) return;
      assert.ok(p.lowHours >= elapsed - 1e-9, JSON.stringify(p));
      assert.ok(p.lowHours <= p.medianHours && p.medianHours <= p.highHours, JSON.stringify(p));
    }),
  );
});

Deno.test("still open: a finite range calibrated with the tickets not yet resolved counted covers 80% of those open past 8 h and 24 h, where the resolved ones alone run short", () => {
  for (const elapsed of [8, 24]) {
    let n = 0;
    let calibrated = 0;
    let resolvedOnly = 0;
    for (const seed of [1, 2, 3, 4]) {
      const next = rng(seed);
      // History ends up to 100 h after each calibration ticket opened: the slow ones are the
      // ones still open, and calibrated on the resolved ones only, the high end runs short.
      const calibration = heavyTailedTickets(600, next).map((t) => ({
        ...t,
        followUpHours: 100 * next(),
      }));
      const entries = calibration.map((t): StillOpenEntry => ({
        group: "g",
        hours: t.hours <= t.followUpHours ? t.hours : NaN,
        followUpHours: t.followUpHours,
        atOpen: t.base,
        rawHighHours: t.base.highHours,
      }));
      const resolvedPool = poolOf(calibration.filter((t) => t.hours <= t.followUpHours));
      for (const t of heavyTailedTickets(1000, next)) {
        if (t.hours <= elapsed) continue;
        n++;
        const p = finiteStillOpen(entries, "g", t.base, elapsed, 0.2)!;
        if (t.hours >= p.lowHours && t.hours <= p.highHours) calibrated++;
        const q = stillOpenConformal(resolvedPool, t.base, elapsed, 0.2)!;
        if (t.hours >= q.lowHours && t.hours <= q.highHours) resolvedOnly++;
      }
    }
    // About 650-2,000 test tickets over four calibration pools: 0.05 is over two standard
    // errors. Measured after 8 h / 24 h: 0.818 / 0.791, on the resolved ones
    // only 0.741 / 0.737.
    assert.ok(Math.abs(calibrated / n - 0.8) < 0.05, `${elapsed} h: ${calibrated / n} of ${n}`);
    assert.ok(
      resolvedOnly / n < calibrated / n - 0.04,
      `${elapsed} h, resolved only: ${resolvedOnly / n}`,
    );
  }
});

Deno.test("still open: a finite range whose group's tickets still open after a day mostly never resolve becomes open-ended", () => {
  // Half of the group's tickets never resolve (still open after 500 h); the rest take about
  // 10 h. Of those still open after 24 h nearly all never resolve: no high end holds.
  const next = rng(5);
  const atOpen = { lowHours: 3, medianHours: 10, highHours: 40 };
  const pool = Array.from({ length: 400 }, (): StillOpenEntry => ({
    group: "g",
    hours: next() < 0.5 ? NaN : Math.exp(Math.log(10) + 0.8 * gaussian(next)),
    followUpHours: 500,
    atOpen,
    rawHighHours: 40,
  }));
  const later = finiteStillOpen(pool, "g", atOpen, 24, 0.2)!;
  assert.equal(later.highHours, Infinity);
  assert.ok(later.lowHours >= 24 && later.lowHours <= later.medianHours);
  // With no high end the whole miss share goes below, as at open: more than the tenth of the
  // group's tickets still open after 24 h that a share split in two would leave under the low
  // end (measured: 0.128 of 235, and 0.094 with the share split).
  const stillOpen = pool.filter((e) => !(e.hours <= 24));
  const below = stillOpen.filter((e) => e.hours < later.lowHours).length / stillOpen.length;
  assert.ok(below > 0.1, `${below} of ${stillOpen.length} below the low end`);
  // Another group's tickets say nothing of this one's.
  assert.equal(finiteStillOpen(pool, "other", atOpen, 24, 0.2), undefined);
});

Deno.test("still open: an open-ended low end is calibrated even where fewer than 40 of its group are still open at that age", () => {
  // One in five never resolves, the rest take about 10 h: of 60 calibration tickets, about 19
  // are still open after 24 h. The longest-lasting 40 stand in, at the oldest age they were all
  // open. Left to the shape alone, the low end covered 0.94 of those still open.
  const atOpen = { lowHours: 3, medianHours: 10, highHours: Infinity };
  const rawHighHours = 40;
  const draw = (next: () => number) =>
    next() < 0.2 ? NaN : Math.exp(Math.log(10) + 0.8 * gaussian(next));
  const elapsed = 24;
  let n = 0;
  let covered = 0;
  let shapeCovered = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const next = rng(seed);
    const pool = Array.from({ length: 60 }, (): StillOpenEntry => ({
      group: "g",
      hours: draw(next),
      followUpHours: 500,
      atOpen,
      rawHighHours,
    }));
    assert.ok(pool.filter((e) => !(e.hours <= elapsed)).length < MIN_SURVIVORS);
    const margin = openEndedStillOpenLow(pool, "g", elapsed, 0.2);
    assert.ok(margin !== undefined);
    // The shape an open-ended range is updated by reads its high end from the models' own.
    const shapeLow = givenStillOpen({ ...atOpen, highHours: rawHighHours }, elapsed).lowHours;
    const low = Math.max(elapsed, fromLogHours(toLogHours(shapeLow) - margin));
    for (let i = 0; i < 500; i++) {
      const hours = draw(next);
      if (hours <= elapsed) continue;
      n++;
      if (!(hours < low)) covered++;
      if (!(hours < shapeLow)) shapeCovered++;
    }
  }
  // About 3,000 test tickets over 20 pools of 40: measured 0.837, the shape alone 0.942.
  assert.ok(covered / n > 0.75 && covered / n < 0.88, `${covered / n} of ${n}`);
  assert.ok(shapeCovered / n > 0.9, `shape alone: ${shapeCovered / n}`);
});

Deno.test("still open: a finite range is calibrated on its group's longest-lasting tickets where fewer than 40 are still open at that age, not left to the union with the shape", () => {
  // Of 150 calibration tickets about 23 are still open after 24 h. The longest-lasting 40 stand
  // in, at the oldest age they were all open; the union of the shape and the resolved-only
  // calibration, which such a range fell back to, covers at least as often as either.
  const elapsed = 24;
  let n = 0;
  let calibrated = 0;
  let union = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const next = rng(seed);
    const calibration = heavyTailedTickets(150, next);
    const entries = calibration.map((t): StillOpenEntry => ({
      group: "g",
      hours: t.hours,
      followUpHours: 1000,
      atOpen: t.base,
      rawHighHours: t.base.highHours,
    }));
    assert.ok(calibration.filter((t) => t.hours > elapsed).length < MIN_SURVIVORS);
    const resolvedPool = poolOf(calibration);
    for (const t of heavyTailedTickets(2000, next)) {
      if (t.hours <= elapsed) continue;
      n++;
      const p = finiteStillOpen(entries, "g", t.base, elapsed, 0.2)!;
      if (t.hours >= p.lowHours && t.hours <= p.highHours) calibrated++;
      const shaped = givenStillOpen(t.base, elapsed);
      const q = stillOpenConformal(resolvedPool, t.base, elapsed, 0.2)!;
      const low = Math.min(shaped.lowHours, q.lowHours);
      const high = Math.max(shaped.highHours, q.highHours);
      if (t.hours >= low && t.hours <= high) union++;
    }
  }
  // About 6,500 test tickets over 20 pools of 40: measured 0.806, the union 0.849 (over other
  // sets of 20 pools, 0.83-0.85 and 0.86-0.87: calibrated at an earlier age, it leans high).
  assert.ok(Math.abs(calibrated / n - 0.8) < 0.05, `${calibrated / n} of ${n}`);
  assert.ok(union / n > calibrated / n + 0.01, `union: ${union / n}`);
});

Deno.test("still open: the prediction reads nothing from after its moment, not even when the ticket will resolve", () => {
  const next = rng(7);
  const history: TicketRecord[] = Array.from({ length: 600 }, (_, i) => {
    const category = Math.floor(next() * 4);
    const hours = Math.exp(0.5 + 0.8 * category + 0.9 * gaussian(next));
    return {
      id: `t${i}`,
      openedAt: i * HOUR,
      resolvedAt: i * HOUR + hours * HOUR,
      fields: { category: `c${category}` },
      text: "",
    };
  });
  const contexts = openContexts(history);
  const model = trainResolutionModel(
    { fields: ["category"], numbers: [], useText: false },
    history.slice(0, 400),
    contexts.slice(0, 400),
    history.slice(400),
    contexts.slice(400),
    { ...DEFAULT_MODEL_OPTIONS, maxTrees: 30 },
  );
  fc.assert(
    fc.property(
      fc.constantFrom("c0", "c1", "c2", "c3"),
      fc.double({ min: 0, max: 300, noNaN: true }),
      fc.double({ min: 0, max: 5000, noNaN: true }),
      fc.double({ min: 0, max: 5000, noNaN: true }),
      (category, elapsed, laterA, laterB) => {
        const ticket = (after: number | null): TicketRecord => ({
          id: "x",
          openedAt: 0,
          resolvedAt: after === null ? null : (elapsed + after) * HOUR,
          fields: { category },
          text: "",
        });
        const context = contexts[500]!;
        const open = predictStillOpen(model, ticket(null), context, elapsed);
        assert.deepEqual(predictStillOpen(model, ticket(laterA), context, elapsed), open);
        assert.deepEqual(predictStillOpen(model, ticket(laterB), context, elapsed), open);
        assert.ok(open.lowHours <= open.medianHours && open.medianHours <= open.highHours);
        assert.ok(open.lowHours >= elapsed - 1e-9 || elapsed === 0);
      },
    ),
    { numRuns: 50 },
  );
});

Deno.test("a ticket whose state's tickets too often never resolve gets an open-ended range at open, and keeps it while open", () => {
  // Tickets of a waiting issue: two in three never resolve (still open at the end of history, a
  // day after the last opened); questions resolve in a few hours.
  const next = xorshift32(23);
  const n = 900;
  const end = (n + 24) * HOUR;
  const history: TicketRecord[] = Array.from({ length: n }, (_, i) => {
    const waiting = next() < 0.5;
    const hours = Math.exp((waiting ? 3 : 1) + 0.5 * gaussian(next));
    const never = waiting && next() < 2 / 3;
    const resolvedAt = i * HOUR + hours * HOUR;
    return {
      id: `t${i}`,
      openedAt: i * HOUR,
      resolvedAt: never || resolvedAt > end ? null : resolvedAt,
      fields: { issue: waiting ? "i1" : "" },
      text: "",
      numbers: { issue_earlier_still_open_share: waiting ? 0.9 : NaN },
    };
  });
  const contexts = openContexts(history);
  const model = trainResolutionModel(
    { fields: ["issue"], numbers: [], useText: false },
    history.slice(0, 700),
    contexts.slice(0, 700),
    history.slice(700),
    contexts.slice(700),
    { ...DEFAULT_MODEL_OPTIONS, maxTrees: 30 },
    end,
  );
  const waiting = { ...history[0]!, resolvedAt: null };
  const question = { ...history.find((t) => t.fields.issue === "")!, resolvedAt: null };
  const atOpen = predictStillOpen(model, waiting, contexts[0]!, 0);
  assert.equal(atOpen.highHours, Infinity);
  assert.ok(atOpen.lowHours <= atOpen.medianHours);
  const later = predictStillOpen(model, waiting, contexts[0]!, 50);
  assert.equal(later.highHours, Infinity);
  assert.ok(later.lowHours >= 50 && later.lowHours <= later.medianHours);
  assert.ok(Number.isFinite(predictStillOpen(model, question, contexts[0]!, 0).highHours));
});

Deno.test("a waiting ticket whose fix has been seen in the logs gets a finite range: it waits on a rollout, not on engineering", () => {
  // One waiting issue's tickets: before its fix is seen, two in three never resolve; once a fix
  // is out, every one resolves when its environment takes the release (a day or three).
  const next = xorshift32(29);
  const n = 1200;
  const end = (n + 24) * HOUR;
  const history: TicketRecord[] = Array.from({ length: n }, (_, i) => {
    const waiting = next() < 0.6;
    const fixOut = waiting && next() < 0.5;
    const hours = fixOut ? 24 + 48 * next() : Math.exp((waiting ? 3 : 1) + 0.5 * gaussian(next));
    const never = waiting && !fixOut && next() < 2 / 3;
    const resolvedAt = i * HOUR + hours * HOUR;
    return {
      id: `t${i}`,
      openedAt: i * HOUR,
      resolvedAt: never || resolvedAt > end ? null : resolvedAt,
      fields: { issue: waiting ? "i1" : "" },
      text: "",
      numbers: {
        issue_earlier_still_open_share: waiting ? 0.9 : NaN,
        issue_fix_seen: waiting ? (fixOut ? 1 : 0) : NaN,
        environment_on_fix: fixOut ? 0 : NaN,
      },
    };
  });
  const contexts = openContexts(history);
  const model = trainResolutionModel(
    { fields: ["issue"], numbers: [], useText: false },
    history.slice(0, 900),
    contexts.slice(0, 900),
    history.slice(900),
    contexts.slice(900),
    { ...DEFAULT_MODEL_OPTIONS, maxTrees: 30 },
    end,
  );
  const of = (fixSeen: number) =>
    history.find((t) => t.numbers?.issue_fix_seen === fixSeen && t.openedAt > 900 * HOUR)!;
  const rollout = predictStillOpen(model, { ...of(1), resolvedAt: null }, contexts[0]!, 0);
  assert.ok(Number.isFinite(rollout.highHours), `high end ${rollout.highHours}`);
  assert.ok(rollout.highHours >= 48, `high end ${rollout.highHours} h, rollouts take up to 72 h`);
  const noFix = predictStillOpen(model, { ...of(0), resolvedAt: null }, contexts[0]!, 0);
  assert.equal(noFix.highHours, Infinity);
});

Deno.test("still open: an open-ended range of an issue whose tickets mostly never resolve is calibrated on those still open after 8 h and 24 h, not left covering nearly all", () => {
  // Tickets of one waiting issue, one an hour: two in three never resolve, the rest take about
  // 20 h (log-normal). Once a ticket has been open a day, most of those left never resolve, so a
  // low end just past the time already open would cover nearly every one.
  for (const elapsed of [8, 24]) {
    let n = 0;
    let covered = 0;
    for (const seed of [51, 52, 53]) {
      const { truth, history, contexts, model } = waitingIssue(seed, WAITING);
      for (let i = WAITING.trainEnd; i < WAITING.total; i++) {
        const t = truth[i]!;
        if (!t.never && t.hours <= elapsed) continue;
        const p = predictStillOpen(
          model,
          { ...history[i]!, resolvedAt: null },
          contexts[i]!,
          elapsed,
        );
        assert.equal(p.highHours, Infinity);
        assert.ok(p.lowHours >= elapsed && p.lowHours <= p.medianHours);
        n++;
        if (t.never || t.hours >= p.lowHours) covered++;
      }
    }
    // About 1,000 test tickets still open: the standard error near 0.8 is about 0.013, but the
    // three calibration slices are few. After 24 h only one in six of those left will resolve, so
    // no low end misses a fifth: the low end rises to the shape's median and stops there (about
    // 0.91). Nearly all were covered before (0.98 after 8 h).
    assert.ok(covered / n >= 0.73 && covered / n < 0.93, `${elapsed} h: ${covered / n} of ${n}`);
  }
});

Deno.test("still open: where most tickets still open after a day never resolve, the low end may rise past the resolved tickets' median to the censored one, and covers nearer 80%", () => {
  // As above: one waiting issue, two in three never resolve, the rest take about 20 h. After
  // 24 h, five in six of those left never resolve: a low end held at the median of the tickets
  // that resolved (their quick ones) covers about 0.91; the censored median, fitted on the tickets
  // still open too, lies far past them.
  const coverage = (censoredCap: boolean) => {
    let n = 0;
    let covered = 0;
    for (const seed of [51, 52, 53]) {
      const { truth, history, contexts, model } = waitingIssue(seed, WAITING, { censoredCap });
      assert.equal(model.capMedian !== undefined, censoredCap);
      for (let i = WAITING.trainEnd; i < WAITING.total; i++) {
        const t = truth[i]!;
        if (!t.never && t.hours <= 24) continue;
        const p = predictStillOpen(model, { ...history[i]!, resolvedAt: null }, contexts[i]!, 24);
        assert.equal(p.highHours, Infinity);
        assert.ok(p.lowHours >= 24 && p.lowHours <= p.medianHours);
        n++;
        if (t.never || t.hours >= p.lowHours) covered++;
      }
    }
    return covered / n;
  };
  const before = coverage(false);
  const after = coverage(true);
  assert.ok(before > 0.88, `resolved median as the limit: ${before}`);
  // Five in six never resolve: no low end covers less than about 0.83.
  assert.ok(after < 0.87 && after >= 0.8, `censored median as the limit: ${after}`);
});
