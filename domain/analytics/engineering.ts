/**
 * Whether a ticket will need engineering (be escalated beyond support), from
 * what is known when it opens: an L2-regularized logistic regression on the
 * ticket's fields, numbers (the linked issue's history, the customer's),
 * words of its text and when it came in, then Platt-scaled on a calibration
 * slice that comes after the training period, so a probability of 0.3 means
 * about three in ten on recent tickets. Pure and deterministic: full-batch
 * training in a fixed order, no randomness.
 *
 * @module
 */
import type { OpenContext, TicketRecord } from "./features.ts";

/** What the model reads. */
export interface EngineeringSpec {
  readonly fields: readonly string[];
  readonly numbers: readonly string[];
  readonly useText: boolean;
}

/** A resolved ticket with its at-open context and whether it needed engineering. */
export interface EngineeringExample {
  readonly record: TicketRecord;
  readonly context: OpenContext;
  readonly needed: boolean;
}

export interface EngineeringModel {
  readonly spec: EngineeringSpec;
  /** Input names in weight order: `field=value`, `text:word`, numbers, context flags. */
  readonly inputs: readonly string[];
  readonly weights: Float64Array;
  readonly bias: number;
  /** Centre and scale of each number in `spec.numbers`, from training. */
  readonly scales: readonly { readonly mean: number; readonly sd: number }[];
  /** Platt scaling of the raw log-odds, fitted on the calibration slice. */
  readonly calibration: { readonly slope: number; readonly intercept: number };
  /** Share of training tickets that needed engineering. */
  readonly baseRate: number;
  readonly trainedOn: number;
  readonly calibratedOn: number;
}

export interface EngineeringFactor {
  readonly input: string;
  /** Change in log-odds this input makes against a ticket without it (after calibration). */
  readonly logOdds: number;
}

export interface EngineeringEstimate {
  readonly probability: number;
  /** The inputs that moved this ticket's probability most, largest first. */
  readonly factors: readonly EngineeringFactor[];
}

const MIN_COUNT = 3;
const MAX_TOKENS = 200;
const ITERATIONS = 400;
const STEP = 0.05;
/** Standardized numbers are clipped: one month-long outlier must not own a weight. */
const CLIP = 5;
const CONTEXT_INPUTS = ["night (22:00-06:00 UTC)", "weekend", "backlog_at_open (log)"] as const;

/** Sparse inputs of one ticket: parallel index and value arrays. */
interface Row {
  readonly index: readonly number[];
  readonly value: readonly number[];
}

function tokensOf(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z][a-z0-9_]{2,}/g) ?? []);
}

/**
 * Trains on `training` (oldest first) and calibrates on `calibration` (the
 * tickets right after). With one class only in calibration, the raw model
 * stands uncalibrated (slope 1, intercept 0).
 *
 * @example
 * ```ts
 * import { engineeringProbability, trainEngineeringModel } from "./engineering.ts";
 * import assert from "node:assert/strict";
 * const context = { hourOfDay: 10, dayOfWeek: 1, openedLast24h: 0, backlog: 0 };
 * const example = (i: number) => ({
 *   record: {
 *     id: `t${i}`, openedAt: i, resolvedAt: i + 1, text: "",
 *     fields: { severity: i % 2 === 0 ? "critical" : "low" },
 *   },
 *   context,
 *   needed: i % 2 === 0 ? i % 10 !== 0 : i % 10 === 1,
 * });
 * const all = Array.from({ length: 200 }, (_, i) => example(i));
 * const model = trainEngineeringModel(
 *   { fields: ["severity"], numbers: [], useText: false },
 *   all.slice(0, 160),
 *   all.slice(160),
 * );
 * const critical = engineeringProbability(model, example(2).record, context).probability;
 * const low = engineeringProbability(model, example(3).record, context).probability;
 * assert.ok(critical > 0.7 && low < 0.3);
 * ```
 */
export function trainEngineeringModel(
  spec: EngineeringSpec,
  training: readonly EngineeringExample[],
  calibration: readonly EngineeringExample[],
): EngineeringModel {
  const counts = new Map<string, number>();
  const df = new Map<string, number>();
  for (const { record } of training) {
    for (const field of spec.fields) {
      const v = record.fields[field] ?? "";
      if (v === "") continue;
      const key = `${field}=${v}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (spec.useText) {
      for (const tok of tokensOf(record.text)) df.set(tok, (df.get(tok) ?? 0) + 1);
    }
  }
  const byCount = (a: [string, number], b: [string, number]) =>
    b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
  const categories = [...counts].filter(([, n]) => n >= MIN_COUNT).sort(byCount).map(([k]) => k);
  const minDf = Math.max(MIN_COUNT, training.length * 0.01);
  const words = [...df]
    .filter(([, n]) => n >= minDf && n <= training.length * 0.5)
    .sort(byCount)
    .slice(0, MAX_TOKENS)
    .map(([tok]) => `text:${tok}`);
  const scales = spec.numbers.map((name) => {
    const values = training.map((e) => e.record.numbers?.[name] ?? NaN).filter(Number.isFinite);
    const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) /
      Math.max(1, values.length);
    return { mean, sd: Math.sqrt(variance) || 1 };
  });
  const inputs = [
    ...categories,
    ...words,
    ...spec.numbers,
    ...spec.numbers.map((n) => `${n} unknown`),
    ...CONTEXT_INPUTS,
  ];
  const model0: Omit<EngineeringModel, "weights" | "bias" | "calibration"> = {
    spec,
    inputs,
    scales,
    baseRate: training.filter((e) => e.needed).length / Math.max(1, training.length),
    trainedOn: training.length,
    calibratedOn: calibration.length,
  };
  const index = new Map(inputs.map((name, i) => [name, i]));
  const rows = training.map((e) => rowOf(model0, index, e.record, e.context));
  const labels = training.map((e) => (e.needed ? 1 : 0));
  const { weights, bias } = fitLogistic(rows, labels, inputs.length);
  const raw = calibration.map((e) =>
    logOdds(weights, bias, rowOf(model0, index, e.record, e.context))
  );
  const positives = calibration.filter((e) => e.needed).length;
  const platt = positives === 0 || positives === calibration.length
    ? { slope: 1, intercept: 0 }
    : fitPlatt(raw, calibration.map((e) => (e.needed ? 1 : 0)));
  return { ...model0, weights, bias, calibration: platt };
}

function rowOf(
  model: Pick<EngineeringModel, "spec" | "scales">,
  index: ReadonlyMap<string, number>,
  record: TicketRecord,
  context: OpenContext,
): Row {
  const idx: number[] = [];
  const val: number[] = [];
  const put = (name: string, v: number) => {
    const i = index.get(name);
    if (i !== undefined && v !== 0) {
      idx.push(i);
      val.push(v);
    }
  };
  for (const field of model.spec.fields) put(`${field}=${record.fields[field] ?? ""}`, 1);
  if (model.spec.useText) { for (const tok of tokensOf(record.text)) put(`text:${tok}`, 1); }
  model.spec.numbers.forEach((name, k) => {
    const v = record.numbers?.[name] ?? NaN;
    if (Number.isFinite(v)) {
      const { mean, sd } = model.scales[k]!;
      put(name, Math.max(-CLIP, Math.min(CLIP, (v - mean) / sd)));
    } else put(`${name} unknown`, 1);
  });
  put(CONTEXT_INPUTS[0], context.hourOfDay >= 22 || context.hourOfDay < 6 ? 1 : 0);
  put(CONTEXT_INPUTS[1], context.dayOfWeek >= 5 ? 1 : 0);
  put(CONTEXT_INPUTS[2], Math.log1p(context.backlog));
  return { index: idx, value: val };
}

function logOdds(weights: Float64Array, bias: number, row: Row): number {
  let z = bias;
  for (let k = 0; k < row.index.length; k++) z += weights[row.index[k]!]! * row.value[k]!;
  return z;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Mean log loss plus a Gaussian prior of unit variance on each weight (not
 * the bias), minimized by full-batch Adam: the prior keeps a category seen on
 * three tickets from reaching certainty.
 */
function fitLogistic(
  rows: readonly Row[],
  labels: readonly number[],
  width: number,
): { weights: Float64Array; bias: number } {
  const n = Math.max(1, rows.length);
  const weights = new Float64Array(width);
  const m = new Float64Array(width + 1);
  const v = new Float64Array(width + 1);
  const gradient = new Float64Array(width + 1);
  const rate = labels.reduce((s, y) => s + y, 0) / n;
  let bias = Math.log((rate + 1e-3) / (1 - rate + 1e-3));
  const b1 = 0.9;
  const b2 = 0.999;
  for (let t = 1; t <= ITERATIONS; t++) {
    gradient.fill(0);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const error = sigmoid(logOdds(weights, bias, row)) - labels[r]!;
      for (let k = 0; k < row.index.length; k++) gradient[row.index[k]!]! += error * row.value[k]!;
      gradient[width]! += error;
    }
    for (let j = 0; j <= width; j++) {
      const g = gradient[j]! / n + (j < width ? weights[j]! / n : 0);
      m[j] = b1 * m[j]! + (1 - b1) * g;
      v[j] = b2 * v[j]! + (1 - b2) * g * g;
      const step = (STEP * (m[j]! / (1 - b1 ** t))) / (Math.sqrt(v[j]! / (1 - b2 ** t)) + 1e-8);
      if (j < width) weights[j] = weights[j]! - step;
      else bias -= step;
    }
  }
  return { weights, bias };
}

/**
 * Platt scaling: p = sigmoid(slope × raw + intercept), fitted as Lin, Lin and
 * Weng's note on Platt's method gives it: the log loss against Platt's
 * smoothed targets, (positives + 1) / (positives + 2) for a positive and
 * 1 / (negatives + 2) for a negative, minimized by Newton's method with a
 * backtracking line search. A calibration slice the raw scores separate
 * perfectly (one incident's tickets all escalated, another's none) has no
 * finite fit against 1 and 0, and plain Newton steps, their curvature gone
 * where every probability is near 0 or 1, run off: a slope of 4.2e7 on one
 * simulator seed turned every probability into 0 or 1 (Brier 0.316, against
 * 0.198 for always saying the base rate).
 */
function fitPlatt(raw: readonly number[], labels: readonly number[]): {
  slope: number;
  intercept: number;
} {
  const positives = labels.filter((label) => label === 1).length;
  const positiveTarget = (positives + 1) / (positives + 2);
  const negativeTarget = 1 / (labels.length - positives + 2);
  const targets = labels.map((label) => (label === 1 ? positiveTarget : negativeTarget));
  // The log loss of sigmoid(f) against target t, without overflow for large |f|.
  const loss = (a: number, b: number) => {
    let sum = 0;
    for (let i = 0; i < raw.length; i++) {
      const f = a * raw[i]! + b;
      sum += f >= 0
        ? Math.log1p(Math.exp(-f)) + (1 - targets[i]!) * f
        : Math.log1p(Math.exp(f)) - targets[i]! * f;
    }
    return sum;
  };
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
    for (let i = 0; i < raw.length; i++) {
      const p = sigmoid(a * raw[i]! + b);
      const e = p - targets[i]!;
      const w = p * (1 - p);
      ga += e * raw[i]!;
      gb += e;
      haa += w * raw[i]! * raw[i]!;
      hab += w * raw[i]!;
      hbb += w;
    }
    if (Math.abs(ga) < 1e-6 && Math.abs(gb) < 1e-6) break;
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = -(hbb * ga - hab * gb) / det;
    const db = -(haa * gb - hab * ga) / det;
    const descent = ga * da + gb * db;
    let step = 1;
    while (step >= 1e-10) {
      const next = loss(a + step * da, b + step * db);
      if (next < current + 1e-4 * step * descent) {
        a += step * da;
        b += step * db;
        current = next;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  // A negative slope would invert what training learned: keep the order, drop the scaling.
  return Number.isFinite(a) && Number.isFinite(b) && a > 0
    ? { slope: a, intercept: b }
    : { slope: 1, intercept: 0 };
}

const indexes = new WeakMap<EngineeringModel, ReadonlyMap<string, number>>();

function inputIndex(model: EngineeringModel): ReadonlyMap<string, number> {
  let index = indexes.get(model);
  if (index === undefined) {
    index = new Map(model.inputs.map((name, i) => [name, i]));
    indexes.set(model, index);
  }
  return index;
}

/** The calibrated probability that `record` needs engineering, with the inputs behind it. */
export function engineeringProbability(
  model: EngineeringModel,
  record: TicketRecord,
  context: OpenContext,
  topFactors = 3,
): EngineeringEstimate {
  const row = rowOf(model, inputIndex(model), record, context);
  const z = logOdds(model.weights, model.bias, row);
  const factors = row.index
    .map((i, k) => ({
      input: model.inputs[i]!,
      logOdds: round(model.calibration.slope * model.weights[i]! * row.value[k]!, 3),
    }))
    .filter((f) => f.logOdds !== 0)
    .sort((a, b) => Math.abs(b.logOdds) - Math.abs(a.logOdds) || (a.input < b.input ? -1 : 1))
    .slice(0, topFactors);
  return {
    probability: sigmoid(model.calibration.slope * z + model.calibration.intercept),
    factors,
  };
}

export interface ProbabilityEvaluation {
  readonly n: number;
  readonly positives: number;
  /** Mean squared error of the probabilities (0 is perfect). */
  readonly brier: number;
  /** The Brier score of always saying `baseRate`: a model must beat it to tell tickets apart. */
  readonly baseRateBrier: number;
  readonly logLoss: number;
  /** Ten equal-width bins of predicted probability: mean predicted against the share observed. */
  readonly table: readonly {
    readonly from: number;
    readonly to: number;
    readonly n: number;
    readonly meanPredicted: number;
    readonly observed: number;
  }[];
}

/**
 * Brier score, log loss and a calibration table of `probabilities` against
 * `outcomes`, next to always predicting `baseRate` (training's share).
 */
export function evaluateProbabilities(
  probabilities: readonly number[],
  outcomes: readonly boolean[],
  baseRate: number,
  bins = 10,
): ProbabilityEvaluation {
  const n = probabilities.length;
  let brier = 0;
  let base = 0;
  let logLoss = 0;
  const sums = Array.from({ length: bins }, () => ({ n: 0, p: 0, y: 0 }));
  probabilities.forEach((p, i) => {
    const y = outcomes[i] ? 1 : 0;
    brier += (p - y) ** 2;
    base += (baseRate - y) ** 2;
    const clipped = Math.min(1 - 1e-6, Math.max(1e-6, p));
    logLoss -= y * Math.log(clipped) + (1 - y) * Math.log(1 - clipped);
    const b = sums[Math.min(bins - 1, Math.floor(p * bins))]!;
    b.n++;
    b.p += p;
    b.y += y;
  });
  return {
    n,
    positives: outcomes.filter(Boolean).length,
    brier: n === 0 ? 0 : brier / n,
    baseRateBrier: n === 0 ? 0 : base / n,
    logLoss: n === 0 ? 0 : logLoss / n,
    table: sums.flatMap((b, k) =>
      b.n === 0 ? [] : [{
        from: k / bins,
        to: (k + 1) / bins,
        n: b.n,
        meanPredicted: b.p / b.n,
        observed: b.y / b.n,
      }]
    ),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
