/**
 * Ticket analytics: the backtest on real and synthetic exports, accuracy on
 * simulator truth (nine seeds no method was chosen on, the simulator's noise untouched), staffing
 * forecast error, and how long one prediction takes in the service.
 */
import { parseTicketHistoryCsv } from "../../adapters/tickets/history_csv.ts";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { lopsidedOpenings, runBacktest } from "../../domain/analytics/backtest.ts";
import { openContexts } from "../../domain/analytics/features.ts";
import {
  complexityScore,
  DEFAULT_MODEL_OPTIONS,
  hoursToResolve,
  intervalGroup,
  predictTicket,
  quantileOf,
  trainResolutionModel,
} from "../../domain/analytics/model.ts";
import {
  EMERGING_DAYS,
  emergingInWindow,
  emergingIssues,
  forecastShifts,
} from "../../domain/analytics/staffing.ts";
import { predictStillOpen } from "../../domain/analytics/conditional.ts";
import { type FixState, fixStateAt, type OriginLog } from "../../domain/analytics/fix_state.ts";
import {
  engineeringProbability,
  evaluateProbabilities,
  type ProbabilityEvaluation,
  trainEngineeringModel,
} from "../../domain/analytics/engineering.ts";
import {
  ENGINEERING_FIELDS,
  ENGINEERING_NUMBERS,
  TICKET_FIELDS,
  TICKET_NUMBERS,
  ticketRecords,
} from "../../domain/analytics/ticket_features.ts";
import { DEFAULT_OPTIONS, planScenario } from "../../simulation/scenario.ts";
import type { SimTicket } from "../../simulation/tickets.ts";
import type { Ticket } from "../../domain/tickets/mod.ts";
import { AnalyticsService } from "../../src/analytics/service.ts";
import { importTickets } from "../../src/analytics/ticket_import.ts";
import { Loupe } from "../../src/app/loupe.ts";
import { atLeast, atMost, type Bench, type BenchRow } from "./bench_types.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const VOLVO = new URL(
  "../../../shared/datasets/tickets/volvo_it_incidents_2013.csv",
  import.meta.url,
);
/**
 * Seeds no method was chosen on or checked against (101/202/303 and the others the README's
 * analytics section names were); `LOUPE_BENCH_ANALYTICS_SEEDS` names others. Nine, not three: a
 * seed's tickets still open after a day are 150-200 from a few dozen incidents whose tickets share
 * their fate, so one seed's coverage of them swung from 0.58 to 0.92 under one method, and the
 * mean of three still strays about as far as the 0.77-0.83 band is wide.
 */
const SEEDS = (Deno.env.get("LOUPE_BENCH_ANALYTICS_SEEDS") ??
  "1009,2017,3023,4027,5039,6047,7057,8069,9091").split(",").map(Number);
/** The truth's complexity of a how-to question (the simulator's `questionTicket`). */
const QUESTION_WORK_HOURS = 0.5;
/** Hours a ticket has been open when its prediction is updated, in the coverage check. */
const OPEN_FOR = [8, 24] as const;

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

async function volvoRows(): Promise<BenchRow[]> {
  const bench = "analytics-backtest";
  let text: string;
  try {
    text = await Deno.readTextFile(VOLVO);
  } catch {
    return [{ bench, metric: "volvo cohort", value: 0, unit: "", note: "dataset not found" }];
  }
  const parsed = parseTicketHistoryCsv(text);
  const warned = lopsidedOpenings(parsed.tickets.map((t) => t.openedAt)) !== undefined;
  const cohort = parsed.tickets.filter((t) =>
    t.openedAt >= Date.UTC(2012, 4, 1) && t.openedAt < Date.UTC(2012, 4, 7)
  );
  const r = runBacktest({ tickets: cohort, features: parsed.columns.features, useText: false });
  const better = Math.min(r.baseline_global_mae_h, r.baseline_group_mae_h);
  return [
    {
      bench,
      metric: "volvo: lopsided openings warned",
      value: warned ? 1 : 0,
      unit: "",
      ...atLeast(warned ? 1 : 0, 1),
    },
    { bench, metric: "volvo 1-6 May 2012: test tickets", value: r.n_test, unit: "tickets" },
    {
      bench,
      metric: "volvo: MAE",
      value: round(r.mae_h, 2),
      unit: "h",
      note: `median abs error ${round(r.mdae_h, 2)} h`,
    },
    {
      bench,
      metric: "volvo: training median MAE",
      value: round(r.baseline_global_mae_h, 2),
      unit: "h",
    },
    {
      bench,
      metric: "volvo: group median MAE",
      value: round(r.baseline_group_mae_h, 2),
      unit: "h",
    },
    {
      bench,
      metric: "volvo: MAE / better baseline",
      value: round(r.mae_h / better),
      unit: "x",
      ...atMost(round(r.mae_h / better), 1),
    },
    {
      bench,
      metric: "volvo: 80% coverage",
      value: round(r.coverage_80),
      unit: "",
      target: "0.77-0.83",
      pass: r.coverage_80 >= 0.77 && r.coverage_80 <= 0.83,
      note: `median width ${round(r.median_width_80_h, 1)} h`,
    },
    ...(r.engineering === undefined ? [] : [
      {
        bench,
        metric: "volvo: needs engineering (ST Level rises), Brier score",
        value: round(r.engineering.brier, 4),
        unit: "",
        ...atMost(round(r.engineering.brier, 4), round(r.engineering.baseRateBrier, 4)),
        note: `${r.engineering.positives} of ${r.engineering.n} escalated; log loss ${
          round(r.engineering.logLoss)
        }; target: the base rate's Brier`,
      },
      {
        bench,
        metric: "volvo: needs engineering calibration error",
        value: round(calibrationError(r.engineering)),
        unit: "",
        note: `bin: n predicted/observed: ${calibrationTable([r.engineering])}`,
      },
    ]),
  ];
}

/** A ServiceNow-like event log: 25,000 incidents, 2-5 rows each, day-first dates, drift. */
function syntheticEventLog(incidents: number): string {
  let s = 42;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const gauss = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const pad = (n: number) => String(n).padStart(2, "0");
  const fmt = (ms: number) => {
    const d = new Date(ms);
    return `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()} ${
      pad(d.getUTCHours())
    }:${pad(d.getUTCMinutes())}`;
  };
  const lines = [
    "number,incident_state,opened_at,sys_updated_at,category,priority,assignment_group,resolved_at",
  ];
  const start = Date.UTC(2016, 1, 29);
  for (let i = 0; i < incidents; i++) {
    const opened = start + i * 10 * 60_000;
    const cat = Math.floor(next() * 20);
    const pri = 1 + Math.floor(next() * 4);
    const grp = Math.floor(next() * 30);
    const hours = Math.exp(
      1 + 0.15 * cat - 0.4 * pri + 0.05 * grp - (1.5 * i) / incidents + 1.2 * gauss(),
    );
    const resolved = opened + hours * HOUR;
    const rows = 2 + Math.floor(next() * 4);
    for (let r = 0; r < rows; r++) {
      const last = r === rows - 1;
      const at = last
        ? resolved + DAY
        : r === rows - 2
        ? resolved
        : opened + ((resolved - opened) * r) / rows;
      const state = last ? "Closed" : r === rows - 2 ? "Resolved" : r === 0 ? "New" : "Active";
      lines.push(
        `INC${i},${state},${fmt(opened)},${fmt(at)},Category ${cat},${pri} - P,Group ${grp},${
          fmt(resolved)
        }`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

function speedRows(): BenchRow[] {
  const bench = "analytics-backtest";
  const text = syntheticEventLog(25_000);
  const started = performance.now();
  const parsed = parseTicketHistoryCsv(text, {
    dayFirst: true,
    columns: { features: ["assignment_group", "category", "priority"] },
  });
  const r = runBacktest({
    tickets: parsed.tickets,
    features: parsed.columns.features,
    useText: false,
  });
  const seconds = (performance.now() - started) / 1000;
  return [
    {
      bench,
      metric: "25,000-ticket event log: backtest time",
      value: round(seconds, 1),
      unit: "s",
      ...atMost(seconds, 30),
      note: "read, split, 3 quantile models with early stopping, test",
    },
    {
      bench,
      metric: "synthetic drift: MAE / training median",
      value: round(r.ratio_to_global),
      unit: "x",
    },
    {
      bench,
      metric: "synthetic drift: 80% coverage",
      value: round(r.coverage_80),
      unit: "",
      note: `training median ${round(r.train_median_h, 1)} h, test ${round(r.test_median_h, 1)} h`,
    },
  ];
}

/** A simulator ticket as Loupe holds it once imported, its incident standing for the linked issue. */
function asTicket(t: SimTicket): Ticket {
  const resolvedAt = t.resolution?.resolvedAt ?? null;
  return {
    ticketId: t.id,
    version: 1,
    customer: t.customer,
    environment: t.environment,
    subject: t.subject,
    description: t.description,
    severity: t.severity,
    status: resolvedAt === null ? "open" : "solved",
    reporter: t.reporter,
    assignee: t.assignee,
    externalRef: null,
    window: t.window,
    openedAt: t.openedAt,
    updatedAt: t.openedAt,
    closedAt: resolvedAt,
    comments: [],
    signatures: t.incident === null ? [] : [t.incident],
    logEvents: [],
    resolution: null,
    resolutions: resolvedAt === null ? [] : [{
      rootCause: t.resolution!.rootCause,
      solution: t.resolution!.solution,
      prevention: t.resolution!.prevention,
      resolver: t.resolution!.resolver,
      at: resolvedAt,
    }],
    escalations: t.escalated ? 1 : 0,
  };
}

function spearman(a: readonly number[], b: readonly number[]): number {
  const ranks = (v: readonly number[]) => {
    const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
      for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (ra.length - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}

/**
 * Daily tickets over the next 3 days, forecast at each midnight of the last
 * two weeks: from the weekly pattern alone, plus emerging issues (every
 * issue with tickets), and plus only the issues still bringing tickets. The
 * customers an incident hit by then come from the simulator's truth of whose
 * logs showed it, as Loupe's logs would.
 */
function emergingTermErrors(
  scenario: ReturnType<typeof planScenario>,
  tickets: readonly Ticket[],
  sim: readonly SimTicket[],
) {
  const errors = { none: [] as number[], all: [] as number[], active: [] as number[] };
  const actuals: number[] = [];
  const start = Math.floor(scenario.end / DAY) * DAY - 17 * DAY;
  for (let asOf = start; asOf + EMERGING_DAYS * DAY <= scenario.end; asOf += DAY) {
    const filedAt = new Map<string, number>();
    for (const t of sim) {
      if (t.incident === null) continue;
      const key = `${t.incident}\u0000${t.customer}`;
      filedAt.set(key, Math.min(filedAt.get(key) ?? Infinity, t.openedAt));
    }
    const hits = [...scenario.hits].flatMap(([incident, byCustomer]) =>
      [...byCustomer.values()].map((h) => ({
        issue: incident,
        customer: h.customer,
        firstSeen: h.firstSeen,
        filedAt: filedAt.get(`${incident}\u0000${h.customer}`) ?? null,
      }))
    );
    const withTickets = new Set(sim.filter((t) => t.openedAt < asOf).map((t) => t.incident));
    const total = (onlyWithTickets: boolean) =>
      emergingIssues(
        onlyWithTickets ? hits.filter((h) => withTickets.has(h.issue)) : hits,
        asOf,
      ).reduce((sum, e) => sum + e.expectedTickets, 0);
    const allIssues = total(false);
    const activeIssues = total(true);
    const shifts = forecastShifts(
      tickets.map((t) => t.openedAt),
      asOf,
      asOf,
      asOf + EMERGING_DAYS * DAY,
    );
    for (let day = asOf; day < asOf + EMERGING_DAYS * DAY; day += DAY) {
      const seasonal = shifts.filter((x) => x.day === day).reduce((sum, x) => sum + x.seasonal, 0);
      const actual = tickets.filter((t) => t.openedAt >= day && t.openedAt < day + DAY).length;
      actuals.push(actual);
      errors.none.push(Math.abs(seasonal - actual));
      errors.all.push(
        Math.abs(seasonal + emergingInWindow(allIssues, asOf, day, day + DAY) - actual),
      );
      errors.active.push(
        Math.abs(seasonal + emergingInWindow(activeIssues, asOf, day, day + DAY) - actual),
      );
    }
  }
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
  return {
    none: mean(errors.none),
    all: mean(errors.all),
    active: mean(errors.active),
    actual: mean(actuals),
  };
}

/**
 * The fix state of each incident as Loupe's logs would show it: per customer
 * the incident hit in one environment, its lines per hour on the version that
 * environment ran then, and every environment's versions from its rollout.
 * Hours are known once over. Customers hit in several environments are left
 * out: their hourly lines cannot be told apart by environment here.
 */
function simulatedFixStates(scenario: ReturnType<typeof planScenario>) {
  const versionsOf = new Map<string, OriginLog["versions"]>();
  for (const env of scenario.fleet.environments) {
    const { initial, upgrades } = env.rollout;
    versionsOf.set(env.key, [
      { version: initial.version, firstSeen: -Infinity },
      ...upgrades.map((u) => ({ version: u.to.version, firstSeen: u.at })),
    ]);
  }
  const originsOf = new Map<string, OriginLog[]>();
  for (const [incident, byCustomer] of scenario.hits) {
    const origins: OriginLog[] = [];
    for (const hit of byCustomer.values()) {
      if (hit.environments.size !== 1) continue;
      const versions = versionsOf.get(hit.firstEnvironment);
      if (versions === undefined) continue;
      const byVersion = new Map<string, { version: string; firstSeen: number; lastSeen: number }>();
      for (const [hour, n] of hit.hourly) {
        if (n <= 0) continue;
        const at = hour + HOUR - 1;
        let version = versions[0]!.version;
        for (const v of versions) if (v.firstSeen <= hour) version = v.version;
        const tally = byVersion.get(version);
        if (tally === undefined) byVersion.set(version, { version, firstSeen: at, lastSeen: at });
        else {
          tally.firstSeen = Math.min(tally.firstSeen, at);
          tally.lastSeen = Math.max(tally.lastSeen, at);
        }
      }
      origins.push({ versions, lines: [...byVersion.values()] });
    }
    originsOf.set(incident, origins);
  }
  return (issue: string, environmentKey: string, at: number): FixState =>
    fixStateAt(originsOf.get(issue) ?? [], versionsOf.get(environmentKey), at);
}

function simulatorSeed(seed: number) {
  const scenario = planScenario({
    ...DEFAULT_OPTIONS,
    seed,
    customers: 2000,
    days: 60,
    eventsPerDay: 100_000,
  });
  const tiers = new Map(scenario.fleet.customers.map((c) => [c.id, c.tier]));
  const sim = [...scenario.tickets].sort((a, b) => a.openedAt - b.openedAt);
  const tickets = sim.map(asTicket);
  const fixState = simulatedFixStates(scenario);
  const environmentKeyOf = new Map(sim.map((t) => [t.id, t.environmentKey]));
  const records = ticketRecords(
    tickets,
    (c) => tiers.get(c) ?? "unknown",
    undefined,
    (issue, t, at) => fixState(issue, environmentKeyOf.get(t.ticketId)!, at),
  );
  const contexts = openContexts(records);
  // Split by open time over every ticket, open ones too: splitting the resolved ones only would
  // leave out of the test the slow tickets opened late, which is exactly what an interval must
  // cover. The model knows only what was known when the test period begins (`testFrom`): tickets
  // still open then are censored, and the test is scored against the simulator's truth of when
  // each resolves (never, for some waiting on engineering).
  const all = records.map((r, i) => ({ r, c: contexts[i]!, s: sim[i]! }));
  const n = all.length;
  const a = Math.floor(n * 0.7);
  const b = Math.floor(n * 0.8);
  const testFrom = all[b]!.r.openedAt;
  const asKnown = (x: (typeof all)[number]) =>
    x.r.resolvedAt !== null && x.r.resolvedAt <= testFrom ? x : {
      ...x,
      r: { ...x.r, resolvedAt: null },
    };
  // The training period's tickets still open go in too: the model fits on the resolved ones and
  // calibrates on the open ones of its held-out slice as censored.
  const trainingPeriod = all.slice(0, a).map(asKnown);
  const training = trainingPeriod.filter((x) => x.r.resolvedAt !== null);
  const calibration = all.slice(a, b).map(asKnown);
  const model = trainResolutionModel(
    {
      fields: [...TICKET_FIELDS],
      numbers: [...TICKET_NUMBERS],
      useText: true,
      serviceFields: ["tier"],
    },
    trainingPeriod.map((x) => x.r),
    trainingPeriod.map((x) => x.c),
    calibration.map((x) => x.r),
    calibration.map((x) => x.c),
    DEFAULT_MODEL_OPTIONS,
    testFrom,
  );
  // The ticketing tool's own category: the severity the customer chose.
  const bySeverity = new Map<string, number[]>();
  for (const x of training) {
    const list = bySeverity.get(x.r.fields.severity!) ?? [];
    list.push(hoursToResolve(x.r));
    bySeverity.set(x.r.fields.severity!, list);
  }
  const globalMedian = quantileOf(training.map((x) => hoursToResolve(x.r)), 0.5);
  let err = 0;
  let baseErr = 0;
  let within20 = 0;
  let covered = 0;
  const complexity: number[] = [];
  const timeComplexity: number[] = [];
  const engineeringExamples = (slice: typeof training) =>
    slice.map((x) => ({ record: x.r, context: x.c, needed: x.r.escalated === true }));
  const engineering = trainEngineeringModel(
    { fields: [...ENGINEERING_FIELDS], numbers: [...ENGINEERING_NUMBERS], useText: true },
    engineeringExamples(training),
    engineeringExamples(calibration.filter((x) => x.r.resolvedAt !== null)),
  );
  const truth: number[] = [];
  const stillOpen = OPEN_FOR.map(() => ({ n: 0, covered: 0 }));
  // The truth of when a ticket resolves is null where the simulator has no end for it (a fix
  // not rolled out by the end, engineering that never answers): censored at the end, it is a
  // known miss once open past the high end, and undecided (left out) before.
  const everyTest = all.slice(b).map((x) => ({
    ...x,
    truth: x.s.factors.resolvesAt === null ? null : (x.s.factors.resolvesAt - x.r.openedAt) / HOUR,
  }));
  let coveredAll = 0;
  let decided = 0;
  let openEnded = 0;
  // An open-ended range (no high end: the ticket may wait on a fix with no date) covers a ticket
  // the truth never resolves, and is a miss for one that resolves before its low end.
  const byGroup = new Map<string, { n: number; covered: number }>();
  for (const x of everyTest) {
    const p = predictTicket(model, x.r, x.c);
    if (!Number.isFinite(p.highHours)) openEnded++;
    let hit: boolean | undefined;
    if (x.truth !== null) hit = x.truth >= p.lowHours && x.truth <= p.highHours;
    else if (!Number.isFinite(p.highHours)) hit = true;
    else if ((scenario.end - x.r.openedAt) / HOUR > p.highHours) hit = false;
    if (hit === undefined) continue;
    decided++;
    if (hit) coveredAll++;
    const group = byGroup.get(intervalGroup(x.r)) ?? { n: 0, covered: 0 };
    group.n++;
    if (hit) group.covered++;
    byGroup.set(intervalGroup(x.r), group);
  }
  // The updated range of every test ticket still open at that age, scored as at open: one the
  // truth never resolves is covered by an open-ended range, missed once open past a finite end.
  // Split by the kind of range: an open-ended one covers every ticket the truth never resolves,
  // so the share of those among its tickets is a floor on its coverage that no low end lowers.
  const stillOpenAll = OPEN_FOR.map((elapsed) => {
    let n = 0;
    let hits = 0;
    let openEnded = 0;
    let openEndedHits = 0;
    let openEndedNever = 0;
    for (const x of everyTest) {
      if (x.truth !== null && x.truth <= elapsed) continue;
      if ((scenario.end - x.r.openedAt) / HOUR <= elapsed) continue;
      const p = predictStillOpen(model, x.r, x.c, elapsed);
      let hit: boolean | undefined;
      if (x.truth !== null) hit = x.truth >= p.lowHours && x.truth <= p.highHours;
      else if (!Number.isFinite(p.highHours)) hit = true;
      else if ((scenario.end - x.r.openedAt) / HOUR > p.highHours) hit = false;
      if (hit === undefined) continue;
      n++;
      if (hit) hits++;
      if (Number.isFinite(p.highHours)) continue;
      openEnded++;
      if (hit) openEndedHits++;
      if (x.truth === null) openEndedNever++;
    }
    return { n, coverage: hits / Math.max(1, n), openEnded, openEndedHits, openEndedNever };
  });
  // Accuracy and the earlier coverage figures: the test tickets resolved by the end, as before.
  const test = everyTest.filter((x) => x.r.resolvedAt !== null);
  for (const x of test) {
    const actual = hoursToResolve(x.r);
    const p = predictTicket(model, x.r, x.c);
    err += Math.abs(p.medianHours - actual);
    const group = bySeverity.get(x.r.fields.severity!);
    baseErr += Math.abs((group ? quantileOf(group, 0.5) : globalMedian) - actual);
    if (Math.abs(p.medianHours - actual) <= 0.2 * actual) within20++;
    if (actual >= p.lowHours && actual <= p.highHours) covered++;
    for (const [k, elapsed] of OPEN_FOR.entries()) {
      if (actual <= elapsed) continue;
      const later = predictStillOpen(model, x.r, x.c, elapsed);
      stillOpen[k]!.n++;
      if (actual >= later.lowHours && actual <= later.highHours) stillOpen[k]!.covered++;
    }
    timeComplexity.push(p.complexity);
    complexity.push(
      complexityScore(p.complexity, engineeringProbability(engineering, x.r, x.c).probability),
    );
    truth.push(x.s.factors.complexityHours);
  }
  const engineeringEvaluation = evaluateProbabilities(
    test.map((x) => engineeringProbability(engineering, x.r, x.c).probability),
    test.map((x) => x.r.escalated === true),
    engineering.baseRate,
  );
  // Staffing: the last week forecast from the weeks before it, day by day.
  const end = scenario.end;
  const asOf = end - 7 * DAY;
  const shifts = forecastShifts(tickets.map((t) => t.openedAt), asOf, asOf, end);
  const errors: number[] = [];
  for (let day = asOf; day < end; day += DAY) {
    const forecast = shifts.filter((s) => s.day === day).reduce((sum, s) => sum + s.seasonal, 0);
    const actual = tickets.filter((t) => t.openedAt >= day && t.openedAt < day + DAY).length;
    if (actual > 0) errors.push(Math.abs(forecast - actual) / actual);
  }
  return {
    emerging: emergingTermErrors(scenario, tickets, sim),
    ratio: err / baseErr,
    within20: within20 / test.length,
    coverage: covered / test.length,
    coverageAll: coveredAll / Math.max(1, decided),
    openEnded: openEnded / everyTest.length,
    byGroup,
    nAll: everyTest.length,
    undecided: everyTest.length - decided,
    rho: spearman(complexity, truth),
    rhoTime: spearman(timeComplexity, truth),
    rhoIncidents: spearman(
      complexity.filter((_, i) => truth[i]! !== QUESTION_WORK_HOURS),
      truth.filter((w) => w !== QUESTION_WORK_HOURS),
    ),
    mape: errors.reduce((s, e) => s + e, 0) / Math.max(1, errors.length),
    nTest: test.length,
    engineering: engineeringEvaluation,
    stillOpen: stillOpen.map((x) => x.covered / Math.max(1, x.n)),
    stillOpenN: stillOpen.map((x) => x.n),
    stillOpenAll,
  };
}

/** Expected calibration error: the bins' gaps between predicted and observed, weighted by size. */
function calibrationError(e: ProbabilityEvaluation): number {
  return e.table.reduce((s, b) => s + b.n * Math.abs(b.observed - b.meanPredicted), 0) /
    Math.max(1, e.n);
}

function calibrationTable(evaluations: readonly ProbabilityEvaluation[]): string {
  const bins = new Map<number, { n: number; p: number; y: number }>();
  for (const e of evaluations) {
    for (const b of e.table) {
      const sum = bins.get(b.from) ?? { n: 0, p: 0, y: 0 };
      sum.n += b.n;
      sum.p += b.meanPredicted * b.n;
      sum.y += b.observed * b.n;
      bins.set(b.from, sum);
    }
  }
  return [...bins].sort((x, y) => x[0] - y[0]).map(([from, b]) =>
    `${from.toFixed(1)}-${(from + 0.1).toFixed(1)}: ${b.n} ${(b.p / b.n).toFixed(2)}/${
      (b.y / b.n).toFixed(2)
    }`
  ).join("; ");
}

function simulatorRows(): BenchRow[] {
  const bench = "analytics-sim";
  const runs = SEEDS.map(simulatorSeed);
  const mean = (f: (r: (typeof runs)[number]) => number) =>
    round(runs.reduce((s, r) => s + f(r), 0) / runs.length);
  const each = (f: (r: (typeof runs)[number]) => number) =>
    `seeds ${SEEDS.join("/")}: ${runs.map((r) => round(f(r))).join(" / ")}`;
  const coverage = mean((r) => r.coverage);
  return [
    {
      bench,
      metric: "test tickets per seed",
      value: mean((r) => r.nTest),
      unit: "tickets",
      note: "2,000 customers, 60 days",
    },
    {
      bench,
      metric: "MAE / per-severity median",
      value: mean((r) => r.ratio),
      unit: "x",
      ...atMost(mean((r) => r.ratio), 0.7),
      note: each((r) => r.ratio),
    },
    {
      bench,
      metric: "within ±20%",
      value: mean((r) => r.within20),
      unit: "",
      note: each((r) => r.within20),
    },
    {
      bench,
      metric: "80% coverage, resolved test tickets only",
      value: coverage,
      unit: "",
      // Chosen by their outcome: those that resolved before the data ends are the quick ones, so
      // the target is the row over every test ticket, scored by the truth.
      note: `selected by outcome (the quick ones), no target; ${each((r) => r.coverage)}`,
    },
    {
      bench,
      metric: "80% coverage, every test ticket (open ones by the truth of when they resolve)",
      value: mean((r) => r.coverageAll),
      unit: "",
      target: "0.77-0.83",
      pass: mean((r) => r.coverageAll) >= 0.77 && mean((r) => r.coverageAll) <= 0.83,
      note: `test tickets ${runs.map((r) => r.nAll).join(" / ")}, undecided (open at the end ` +
        `with no resolution in the truth, not yet past the high end) ${
          runs.map((r) => r.undecided).join(" / ")
        }; ${each((r) => r.coverageAll)}`,
    },
    {
      bench,
      metric: "80% coverage, every test ticket: its lowest interval group",
      value: mean((r) => Math.min(...[...r.byGroup.values()].map((g) => g.covered / g.n))),
      unit: "",
      note: runs.map((r, k) =>
        `seed ${SEEDS[k]}: ` +
        [...r.byGroup].sort().map(([group, g]) => `${group} ${round(g.covered / g.n)} of ${g.n}`)
          .join(", ")
      ).join("; "),
    },
    {
      bench,
      metric: "share of test tickets whose 80% range is open-ended",
      value: mean((r) => r.openEnded),
      unit: "",
      note: `no high end: its group's calibration tickets wait too often with no end; ${
        each((r) => r.openEnded)
      }`,
    },
    ...OPEN_FOR.map((hours, k) => {
      const value = mean((r) => r.stillOpen[k]!);
      return {
        bench,
        metric: `80% coverage, updated after ${hours} h still open, resolved ones only`,
        value,
        unit: "",
        note: `selected by outcome, no target; test tickets open longer than ${hours} h: ${
          runs.map((r) => r.stillOpenN[k]).join(" / ")
        }; ${each((r) => r.stillOpen[k]!)}`,
      };
    }),
    ...OPEN_FOR.map((hours, k) => {
      const value = mean((r) => r.stillOpenAll[k]!.coverage);
      return {
        bench,
        metric: `80% coverage, updated after ${hours} h still open, every test ticket`,
        value,
        unit: "",
        target: "0.77-0.83",
        pass: value >= 0.77 && value <= 0.83,
        note:
          `open ones by the truth of when they resolve, as at open; test tickets ${
            runs.map((r) => r.stillOpenAll[k]!.n).join(" / ")
          }; ${each((r) => r.stillOpenAll[k]!.coverage)}; open-ended ranges covered / never ` +
          `resolving in the truth / all: ${
            runs.map((r) => {
              const s = r.stillOpenAll[k]!;
              return `${s.openEndedHits} / ${s.openEndedNever} / ${s.openEnded}`;
            }).join(", ")
          }`,
      };
    }),
    {
      bench,
      metric: "complexity rank correlation with truth",
      value: mean((r) => r.rho),
      unit: "rho",
      ...atLeast(mean((r) => r.rho), 0.7),
      note: `${each((r) => r.rho)}; the time part alone (before) ${
        each((r) => r.rhoTime)
      }; tickets of an incident only ${each((r) => r.rhoIncidents)}`,
    },
    {
      bench,
      metric: "needs engineering: Brier score",
      value: mean((r) => r.engineering.brier),
      unit: "",
      ...atMost(mean((r) => r.engineering.brier), mean((r) => r.engineering.baseRateBrier)),
      note: `target: below always saying the training share (${
        mean((r) => r.engineering.baseRateBrier)
      }); ${each((r) => r.engineering.brier)}; log loss ${mean((r) => r.engineering.logLoss)}`,
    },
    {
      bench,
      metric: "needs engineering: calibration (|observed - predicted| per bin, weighted)",
      value: mean((r) => calibrationError(r.engineering)),
      unit: "",
      note: `test tickets pooled over seeds, bin: n predicted/observed: ${
        calibrationTable(runs.map((r) => r.engineering))
      }`,
    },
    {
      bench,
      metric: "daily tickets, next 3 days: MAE without the emerging-issue term",
      value: mean((r) => r.emerging.none),
      unit: "tickets",
      note: `forecast at each of 15 midnights; ${each((r) => r.emerging.none)}; mean actual ${
        mean((r) => r.emerging.actual)
      }/day`,
    },
    {
      bench,
      metric: "daily tickets, next 3 days: MAE with the term (issues with tickets)",
      value: mean((r) => r.emerging.active),
      unit: "tickets",
      ...atMost(mean((r) => r.emerging.active), mean((r) => r.emerging.none)),
      note: `what the staffing view uses; ${each((r) => r.emerging.active)}`,
    },
    {
      bench,
      metric: "daily tickets, next 3 days: MAE with the term (every issue in the logs)",
      value: mean((r) => r.emerging.all),
      unit: "tickets",
      note: each((r) => r.emerging.all),
    },
    {
      bench,
      metric: "daily tickets forecast MAPE (last week)",
      value: mean((r) => r.mape),
      unit: "",
      note: each((r) => r.mape),
    },
  ];
}

async function predictionRows(): Promise<BenchRow[]> {
  const bench = "analytics-predict";
  const scenario = planScenario({
    ...DEFAULT_OPTIONS,
    seed: 404,
    customers: 600,
    days: 30,
    eventsPerDay: 100_000,
  });
  const store = new MemoryEventStore();
  const projections = new MemoryProjectionStore();
  let id = 0;
  const loupe = await Loupe.start({
    store,
    projectionStore: projections,
    clock: { now: () => scenario.end },
    newId: () => `id${++id}`,
  });
  const imported = await importTickets(
    store,
    scenario.tickets.map((t) => ({
      system: "simulator",
      externalId: t.id,
      customer: t.customer,
      environment: t.environment,
      subject: t.subject,
      description: t.description,
      severity: t.severity,
      reporter: t.reporter,
      openedAt: t.openedAt,
      window: t.window,
      steps: t.resolution === null ? [] : [{
        kind: "resolve" as const,
        at: t.resolution.resolvedAt,
        rootCause: t.resolution.rootCause,
        solution: t.resolution.solution,
        prevention: t.resolution.prevention,
        resolver: t.resolution.resolver,
      }],
    })),
    () => loupe.settled(),
    "bench",
  );
  const analytics = new AnalyticsService({
    store,
    projections,
    attribution: loupe.attribution,
    clock: { now: () => scenario.end },
    settled: () => loupe.settled(),
  });
  const trainStarted = performance.now();
  analytics.prediction(imported.ticketIds[0]!);
  const trainMs = performance.now() - trainStarted;
  const times: number[] = [];
  for (const ticketId of imported.ticketIds) {
    const started = performance.now();
    analytics.prediction(ticketId);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const p95 = times[Math.floor(times.length * 0.95)]!;
  return [
    { bench, metric: "tickets in history", value: imported.ticketIds.length, unit: "tickets" },
    { bench, metric: "training on first request", value: round(trainMs, 0), unit: "ms" },
    {
      bench,
      metric: "one prediction with factors, p95",
      value: round(p95, 2),
      unit: "ms",
      ...atMost(p95, 20),
    },
  ];
}

export const analyticsBenches: readonly Bench[] = [
  {
    name: "analytics-backtest",
    description: "backtest on the Volvo 1-6 May 2012 cohort and on a 25,000-ticket event log",
    async run() {
      return [...await volvoRows(), ...speedRows()];
    },
  },
  {
    name: "analytics-sim",
    description:
      `prediction, intervals, complexity and staffing on simulator truth, ${SEEDS.length} seeds`,
    run() {
      return Promise.resolve(simulatorRows());
    },
  },
  {
    name: "analytics-predict",
    description: "one prediction through the analytics service",
    run: predictionRows,
  },
];
