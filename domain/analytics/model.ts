/**
 * Time-to-resolve prediction: quantile boosted trees on the log of the hours
 * (the median in log space is the median in hours, and the log keeps the few
 * month-long tickets from steering every split), conformalized on a
 * calibration slice that comes after the training period in time. The
 * interval's ends are calibrated separately (asymmetric CQR), so a shift in
 * one direction between training and now moves one end, not both.
 *
 * @module
 */
import {
  type BinnedFeature,
  fitGbm,
  type GbmModel,
  type GbmOptions,
  leafOf,
  predictRow,
} from "./gbm.ts";
import {
  binRow,
  binTickets,
  CONTEXT_COLUMNS,
  describeValue,
  type FeatureSpace,
  type FeatureSpec,
  learnFeatureSpace,
  type OpenContext,
  type TicketRecord,
} from "./features.ts";
import { countBelow } from "../sorted.ts";
import { HOUR_MS } from "../time.ts";

/** A minute: keeps tickets closed within seconds from a log of zero. */
const FLOOR_HOURS = 1 / 60;

export function toLogHours(hours: number): number {
  return Math.log(Math.max(0, hours) + FLOOR_HOURS);
}

export function fromLogHours(value: number): number {
  return Math.max(0, Math.exp(value) - FLOOR_HOURS);
}

export function hoursToResolve(ticket: TicketRecord): number {
  return (ticket.resolvedAt! - ticket.openedAt) / HOUR_MS;
}

export interface ModelOptions {
  /** Miscoverage: 0.2 gives an 80% interval. */
  readonly alpha: number;
  readonly maxTrees: number;
  readonly learningRate: number;
  readonly maxDepth: number;
  readonly minLeafWeight: number;
  /** Training rows weigh 2^(-age / half-life), age measured back from the last training ticket;
   * the half-life is this share of the training period. Infinity weighs all alike. */
  readonly recencyHalfLifeShare: number;
  /** Moves the median by the calibration slice's median residual (drift since training). */
  readonly recentering: boolean;
  /** Calibrates the ends on the held-out newest training tickets as well as the calibration slice. */
  readonly poolHeldOutScores: boolean;
  /**
   * Fits a fourth model, the median of every training ticket with those still
   * open counted as censored (`fitGbm`): how far the low end of an open-ended
   * range may rise once a ticket has waited (see `predictStillOpen`).
   */
  readonly censoredCap: boolean;
}

export const DEFAULT_MODEL_OPTIONS: ModelOptions = {
  alpha: 0.2,
  maxTrees: 300,
  learningRate: 0.05,
  maxDepth: 6,
  // Durations are noisy and heavy-tailed: leaves of fewer tickets chase outliers.
  minLeafWeight: 50,
  recencyHalfLifeShare: Infinity,
  recentering: true,
  poolHeldOutScores: true,
  censoredCap: true,
};

export interface ResolutionModel {
  readonly space: FeatureSpace;
  readonly median: GbmModel;
  readonly lower: GbmModel;
  readonly upper: GbmModel;
  /**
   * The median fitted on every training ticket, those still open as censored
   * (see `ModelOptions.censoredCap`), with its own recentering shift; absent
   * where no training ticket was open (an export of resolved tickets).
   */
  readonly capMedian?: { readonly model: GbmModel; readonly shift: number };
  /** Log-space corrections learned on the calibration slice. */
  readonly shift: number;
  readonly lowerMargin: number;
  readonly upperMargin: number;
  /**
   * Each interval group's own margins (see `intervalGroup`), where it had
   * `MIN_GROUP_SCORES` calibration scores; the pooled ones stand in for the rest.
   */
  readonly groupMargins: ReadonlyMap<string, Margins>;
  /**
   * Training predictions (log hours), ascending, of the tickets with no issue
   * behind them and of those with one: where a new one ranks gives complexity.
   */
  readonly referencePredictions: { readonly without: Float64Array; readonly with: Float64Array };
  /** Columns held at their usual value for complexity: when it came in, and who it is for. */
  readonly heldColumns: readonly number[];
  /** Each column's most common training bins and their shares: the mix a factor is measured against. */
  readonly binMix: readonly (readonly { readonly bin: number; readonly share: number }[])[];
  readonly calibrationSize: number;
  /** Miscoverage the interval was calibrated for. */
  readonly alpha: number;
  /** The calibration tickets as a ticket still open is calibrated on them (see `survivalPool`). */
  readonly survivors: SurvivalPool;
  /**
   * Every calibration ticket, those still open at `asOf` too, with its
   * interval group and its prediction at open: what an open-ended range
   * still open after some hours is calibrated on (see `StillOpenEntry`).
   */
  readonly stillOpen: readonly StillOpenEntry[];
}

/**
 * A calibration ticket as a ticket still open is calibrated on it. Its
 * prediction at open is the one the model gives it (the calibrated range,
 * open-ended or not, and the quantile models' own); `hours` is when it
 * resolved, NaN while it was still open at `asOf`, and `followUpHours` how
 * long it had been open by then: a ticket not yet resolved is known only to
 * take longer.
 */
export interface StillOpenEntry {
  readonly group: string;
  readonly hours: number;
  readonly followUpHours: number;
  readonly atOpen: {
    readonly lowHours: number;
    readonly medianHours: number;
    readonly highHours: number;
  };
  readonly rawHighHours: number;
}

/**
 * The calibration tickets' hours to resolve, ascending, with each one's
 * uncalibrated at-open 10/50/90% hours in the same order: the tickets still
 * open after some age are a suffix of it.
 */
export interface SurvivalPool {
  readonly hours: Float64Array;
  readonly low: Float64Array;
  readonly median: Float64Array;
  readonly high: Float64Array;
}

export interface Prediction {
  readonly medianHours: number;
  readonly lowHours: number;
  readonly highHours: number;
  /**
   * 0-100: share of past tickets whose problem called for less time (see
   * `problemPrediction`); `complexityScore` joins it with the need for engineering.
   */
  readonly complexity: number;
}

/**
 * Fits the three quantile models on the tickets of `training` resolved by
 * `asOf` (oldest first) and calibrates them on `calibration` (the tickets
 * right after, oldest first). Tickets of either still open at `asOf` are
 * calibrated on as censored: known only to take longer than they have so far.
 */
export function trainResolutionModel(
  spec: FeatureSpec,
  trainingPeriod: readonly TicketRecord[],
  trainingPeriodContexts: readonly OpenContext[],
  calibration: readonly TicketRecord[],
  calibrationContexts: readonly OpenContext[],
  options: ModelOptions = DEFAULT_MODEL_OPTIONS,
  asOf = Infinity,
): ResolutionModel {
  const known = (t: TicketRecord) => t.resolvedAt !== null && t.resolvedAt <= asOf;
  const openTraining = trainingPeriod.flatMap((t, i) =>
    known(t) ? [] : [{ t, c: trainingPeriodContexts[i]! }]
  );
  const trainingContexts = trainingPeriodContexts.filter((_, i) => known(trainingPeriod[i]!));
  const training = trainingPeriod.filter(known);
  const space = learnFeatureSpace(spec, training, trainingContexts);
  const features = binTickets(space, training, trainingContexts);
  // Every ticket's follow-up, resolved or not: how long it could have been seen to take.
  const followUp = (t: TicketRecord) => toLogHours((asOf - t.openedAt) / HOUR_MS);
  // The training period's tickets still open were never fitted on: those opened in the held-out
  // newest slice are scored, censored, beside its resolved ones (leaving them out would keep
  // the quick ones only). Open tickets opened before it are scored by no model that missed them.
  const heldOutFrom = training[Math.floor(training.length * 0.8)]?.openedAt ?? Infinity;
  const openHeldOut = openTraining.filter(({ t }) => t.openedAt >= heldOutFrom);
  const openRows = openHeldOut.map(({ t, c }) => binRow(space, t, c));
  const openEarly = openTraining.filter(({ t }) =>
    t.openedAt < heldOutFrom && Number.isFinite(followUp(t))
  );
  const censoredRows: CensoredRows = {
    early: openEarly.map(({ t, c }) => binRow(space, t, c)),
    earlyBound: Float64Array.from(openEarly, ({ t }) => followUp(t)),
    extraBound: Float64Array.from(openHeldOut, ({ t }) => followUp(t)),
  };
  const target = Float64Array.from(training, (t) => toLogHours(hoursToResolve(t)));
  const weights = recencyWeights(training, options.recencyHalfLifeShare);
  // A small history still gets splits: a leaf needs 5% of it, up to the configured minimum.
  const minLeafWeight = Math.min(
    options.minLeafWeight,
    Math.max(5, Math.floor(training.length / 20)),
  );
  const fit = (quantile: number, censored?: CensoredRows) =>
    fitWithEarlyStopping(
      features,
      target,
      weights,
      {
        ...gbmOptions({ ...options, minLeafWeight }),
        quantile,
      },
      openRows,
      censored,
    );
  // The three models the range and the point come from are fitted on resolved tickets: fitted on
  // the censored ones too, the median of a waiting incident's tickets rose toward their follow-up
  // and the point with it (MAE / per-severity up to 1.25 on development seed 444), and no
  // updated range's coverage came nearer 80%.
  const median = fit(0.5).model;
  const lowerFit = fit(options.alpha / 2);
  const upperFit = fit(1 - options.alpha / 2);
  const lower = lowerFit.model;
  const upper = upperFit.model;
  const anyOpen = censoredRows.early.length > 0 || censoredRows.extraBound.some(Number.isFinite);
  const capModel = options.censoredCap && anyOpen ? fit(0.5, censoredRows).model : undefined;

  const allBins = binTickets(space, calibration, calibrationContexts);
  const allRows = calibration.map((_, i) => allBins.map((f) => f.bins[i]!));
  const rows = allRows.filter((_, i) => known(calibration[i]!));
  const resolvedCalibration = calibration.filter(known);
  const y = resolvedCalibration.map((t) => toLogHours(hoursToResolve(t)));
  const censoredAt = calibration.map(followUp);
  const shift = options.recentering && y.length > 0
    ? quantileOf(y.map((v, i) => v - predictRow(median, rows[i]!)), 0.5)
    : 0;
  const level = 1 - options.alpha / 2;
  // A ticket still open at `asOf` is known only to take longer than it has so far: its ends'
  // scores are censored, not missing. Dropping it would calibrate on the quick tickets only.
  const lowScores: GroupScored[] = [];
  const highScores: GroupScored[] = [];
  // The low end of an open-ended range, scored from the issue's own earlier tickets where it has
  // enough (see `openEndedLowBase`), from the 10% model where not.
  const openLowScores: GroupScored[] = [];
  const pushLow = (t: TicketRecord, model: number, v: number, c: number, group: string) => {
    lowScores.push({ score: model - v, bound: model - c, group });
    const base = openEndedLowBase(t) ?? model;
    openLowScores.push({ score: base - v, bound: base - c, group });
  };
  calibration.forEach((t, i) => {
    const row = allRows[i]!;
    const c = censoredAt[i]!;
    const v = known(t) ? toLogHours(hoursToResolve(t)) : Infinity;
    const group = intervalGroup(t);
    pushLow(t, predictRow(lower, row), v, c, group);
    highScores.push({
      score: v - predictRow(upper, row),
      bound: c - predictRow(upper, row),
      group,
    });
  });
  if (options.poolHeldOutScores) {
    // Tickets come in clusters (one incident's tickets share their fields and often their end),
    // so a calibration slice of a few hundred tickets holds few independent draws and its
    // margins swing from one history to the next. The newest training tickets, held out while
    // choosing the tree count, were predicted by models that never saw them: their scores are
    // out of sample too, and they come from other incidents than the slice's.
    const heldOut = target.length - (lowerFit.heldOut?.length ?? 0);
    const groupOf = (k: number) => intervalGroup(training[heldOut + k]!);
    const followUpOf = (k: number) => followUp(training[heldOut + k]!);
    lowerFit.heldOut?.forEach((p, k) =>
      pushLow(training[heldOut + k]!, p, target[heldOut + k]!, followUpOf(k), groupOf(k))
    );
    upperFit.heldOut?.forEach((p, k) =>
      highScores.push({
        score: target[heldOut + k]! - p,
        bound: followUpOf(k) - p,
        group: groupOf(k),
      })
    );
    if (lowerFit.heldOut !== undefined && upperFit.heldOut !== undefined) {
      openHeldOut.forEach(({ t }, k) => {
        const c = followUp(t);
        const group = intervalGroup(t);
        const low = lowerFit.extra![k]!;
        const high = upperFit.extra![k]!;
        pushLow(t, low, Infinity, c, group);
        highScores.push({ score: Infinity, bound: c - high, group });
      });
    }
  }
  const margins = (
    lows: readonly Scored[],
    openLows: readonly Scored[],
    highs: readonly Scored[],
  ): Margins => {
    const upper = censoredConformalQuantile(highs, level, "atLeast");
    if (Number.isFinite(upper)) {
      return { lower: censoredConformalQuantile(lows, level, "below"), upper };
    }
    // No high end can be promised: the range is "at least this long", and its whole miss
    // share goes below, where a half share would leave it covering more than asked.
    // A negative margin raises the low end: `predictLog` lets it rise only as far as the point.
    const lower = censoredConformalQuantile(openLows, 1 - options.alpha, "below");
    return { lower, upper };
  };
  const { lower: lowerMargin, upper: upperMargin } = margins(
    lowScores,
    openLowScores,
    highScores,
  );
  const groupMargins = new Map<string, Margins>();
  for (const group of new Set(highScores.map((s) => s.group))) {
    const highs = highScores.filter((s) => s.group === group);
    if (highs.length < MIN_GROUP_SCORES) continue;
    const inGroup = (s: GroupScored) => s.group === group;
    groupMargins.set(
      group,
      margins(lowScores.filter(inGroup), openLowScores.filter(inGroup), highs),
    );
  }

  const survivors = survivalPool(
    y.map(fromLogHours),
    rows.map((row) => uncalibratedLog({ median, lower, upper, shift }, row)),
  );

  // The calibration slice alone holds too few open-ended tickets of one group still open after a
  // day (often under 40); the newest training tickets, resolved or not, are added as their
  // at-open margins are (see poolHeldOutScores). Their models saw the resolved ones, but the low
  // end of an open-ended range is set by the issue's own earlier tickets or the 10% model shifted
  // by its group's margin, and what is calibrated here is how many of them outlast it.
  const heldOutEntries = [
    ...training.flatMap((t, i) =>
      t.openedAt >= heldOutFrom ? [{ t, row: Uint16Array.from(features, (f) => f.bins[i]!) }] : []
    ),
    ...openHeldOut.map(({ t }, k) => ({ t, row: openRows[k]! })),
  ];
  // Recentred as the median is, the calibration tickets still open counted as censored: leaving
  // them out would move it back down to the quick ones.
  const capMedian = capModel === undefined ? undefined : {
    model: capModel,
    shift: !options.recentering || y.length === 0 ? 0 : censoredMedian(calibration.map((t, i) => {
      const p = predictRow(capModel, allRows[i]!);
      return {
        score: known(t) ? toLogHours(hoursToResolve(t)) - p : Infinity,
        bound: censoredAt[i]! - p,
      };
    })),
  };
  const calibrated = { median, lower, upper, shift, groupMargins, lowerMargin, upperMargin };
  const stillOpen = [
    ...heldOutEntries,
    ...calibration.map((t, i) => ({ t, row: allRows[i]! })),
  ].map(({ t, row }): StillOpenEntry => {
    const p = predictLog(calibrated, row, t);
    return {
      group: intervalGroup(t),
      hours: known(t) ? hoursToResolve(t) : NaN,
      followUpHours: Math.max(0, (asOf - t.openedAt) / HOUR_MS),
      atOpen: {
        lowHours: fromLogHours(p.low),
        medianHours: fromLogHours(p.median),
        highHours: fromLogHours(p.high),
      },
      rawHighHours: fromLogHours(uncalibratedLog(calibrated, row).high),
    };
  });

  const binMix = features.map((f) => commonBins(f));
  const service = new Set(spec.serviceFields ?? []);
  const heldColumns = space.columns.flatMap((column, c) =>
    CONTEXT_COLUMNS.has(column.name) || service.has(column.name) ? [c] : []
  );
  const held = { median, binMix, heldColumns };
  const referenceOf = (withIssue: boolean) =>
    Float64Array.from(
      training.flatMap((t, i) =>
        hasIssue(t) === withIssue
          ? [problemPrediction(held, Uint16Array.from(features, (f) => f.bins[i]!))]
          : []
      ),
    ).sort();
  const referencePredictions = { without: referenceOf(false), with: referenceOf(true) };
  return {
    space,
    median,
    lower,
    upper,
    capMedian,
    shift,
    lowerMargin,
    upperMargin,
    groupMargins,
    referencePredictions,
    binMix,
    heldColumns,
    calibrationSize: calibration.length,
    alpha: options.alpha,
    survivors,
    stillOpen,
  };
}

function survivalPool(
  hours: readonly number[],
  predictions: readonly { median: number; low: number; high: number }[],
): SurvivalPool {
  const order = hours.map((_, i) => i).sort((a, b) => hours[a]! - hours[b]!);
  const pick = (f: (i: number) => number) => Float64Array.from(order, f);
  return {
    hours: pick((i) => hours[i]!),
    low: pick((i) => fromLogHours(predictions[i]!.low)),
    median: pick((i) => fromLogHours(predictions[i]!.median)),
    high: pick((i) => fromLogHours(predictions[i]!.high)),
  };
}

/**
 * The quantile models' own median and interval (log hours), before the
 * conformal margins: what an update for a ticket still open is calibrated from.
 */
export function uncalibratedLog(
  model: Pick<ResolutionModel, "median" | "lower" | "upper" | "shift">,
  rowBins: ArrayLike<number>,
): { median: number; low: number; high: number } {
  const median = predictRow(model.median, rowBins) + model.shift;
  const low = predictRow(model.lower, rowBins);
  const high = predictRow(model.upper, rowBins);
  return { median, low: Math.min(low, median), high: Math.max(high, median) };
}

function gbmOptions(options: ModelOptions): Omit<GbmOptions, "quantile"> {
  return {
    trees: options.maxTrees,
    learningRate: options.learningRate,
    maxDepth: options.maxDepth,
    minLeafWeight: options.minLeafWeight,
    l2: 10,
  };
}

/**
 * The training tickets still open, as censored rows (see `fitGbm`): those
 * opened before the held-out newest slice (`early`, with their log follow-up
 * `earlyBound`), and the held-out slice's (the `extraRows` of
 * `fitWithEarlyStopping`, `extraBound`).
 */
interface CensoredRows {
  readonly early: readonly Uint16Array[];
  readonly earlyBound: Float64Array;
  readonly extraBound: Float64Array;
}

/** `features` cut to their first `n` rows, with `rows` appended. */
function withRows(
  features: readonly BinnedFeature[],
  n: number,
  rows: readonly Uint16Array[],
): BinnedFeature[] {
  return features.map((f, c) => {
    const bins = new Uint16Array(n + rows.length);
    bins.set(f.bins.subarray(0, n));
    rows.forEach((row, k) => (bins[n + k] = row[c]!));
    return { ...f, bins };
  });
}

/** `resolved` rows unmarked, then `open` rows marked censored. */
function flags(resolved: number, open: number): Uint8Array {
  const out = new Uint8Array(resolved + open);
  out.fill(1, resolved);
  return out;
}

function concat(...parts: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Fits on the older 80% of `training`, picks the tree count that does best on
 * the newer 20% (pinball loss), then refits on all of it with that count.
 * With `censored`, the tickets still open are fitted on too, as lower bounds:
 * the older ones with the older 80%, the held-out ones (`extraRows`) scored
 * with the censored loss beside the newer 20%, and all of them in the refit.
 */
function fitWithEarlyStopping(
  features: readonly BinnedFeature[],
  target: Float64Array,
  weights: Float64Array,
  options: GbmOptions,
  extraRows: readonly Uint16Array[] = [],
  censored?: CensoredRows,
): { model: GbmModel; heldOut?: Float64Array; extra?: Float64Array } {
  const n = target.length;
  const cut = Math.floor(n * 0.8);
  const head = (f: BinnedFeature) => ({ ...f, bins: f.bins.subarray(0, cut) });
  const tau = options.quantile;
  const validationRows = Array.from(
    { length: n - cut },
    (_, k) => features.map((f) => f.bins[cut + k]!),
  );
  let bestTrees = options.trees;
  let heldOut: Float64Array | undefined;
  let extra: Float64Array | undefined;
  if (cut >= 50 && n - cut >= 20) {
    const running = new Float64Array(n - cut);
    heldOut = new Float64Array(n - cut);
    // Rows with no known target, predicted by the same early-stopped model as the held-out ones.
    const extraRunning = new Float64Array(extraRows.length);
    extra = new Float64Array(extraRows.length);
    let bestLoss = Infinity;
    const early = censored?.early.length ?? 0;
    fitGbm(
      censored === undefined ? features.map(head) : withRows(features, cut, censored.early),
      censored === undefined
        ? target.subarray(0, cut)
        : concat(target.subarray(0, cut), censored.earlyBound),
      censored === undefined
        ? weights.subarray(0, cut)
        : concat(weights.subarray(0, cut), new Float64Array(early).fill(1)),
      options,
      (t, model) => {
        let loss = 0;
        for (let k = 0; k < running.length; k++) {
          if (t === 0) running[k] = model.base;
          running[k] = running[k]! + leafValue(model, t, validationRows[k]!);
          const r = target[cut + k]! - running[k]!;
          loss += r >= 0 ? tau * r : (tau - 1) * r;
        }
        for (let k = 0; k < extraRows.length; k++) {
          if (t === 0) extraRunning[k] = model.base;
          extraRunning[k] = extraRunning[k]! + leafValue(model, t, extraRows[k]!);
          // A held-out ticket still open: a miss only while the prediction is below its bound.
          const bound = censored?.extraBound[k] ?? NaN;
          if (bound > extraRunning[k]!) loss += tau * (bound - extraRunning[k]!);
        }
        if (loss < bestLoss) {
          bestLoss = loss;
          bestTrees = t + 1;
          heldOut!.set(running);
          extra!.set(extraRunning);
        }
      },
      censored === undefined ? undefined : flags(cut, early),
    );
  }
  const trees = Math.max(1, bestTrees);
  if (censored === undefined) {
    const model = fitGbm(features, target, weights, { ...options, trees });
    return { model, heldOut, extra };
  }
  const finite = extraRows.flatMap((row, k) =>
    Number.isFinite(censored.extraBound[k]!) ? [{ row, bound: censored.extraBound[k]! }] : []
  );
  const open = [...censored.early, ...finite.map((x) => x.row)];
  const model = fitGbm(
    withRows(features, n, open),
    concat(target, censored.earlyBound, finite.map((x) => x.bound)),
    concat(weights, new Float64Array(open.length).fill(1)),
    { ...options, trees },
    undefined,
    flags(n, open.length),
  );
  return { model, heldOut, extra };
}

function leafValue(model: GbmModel, treeIndex: number, rowBins: ArrayLike<number>): number {
  return leafOf(model.trees[treeIndex]!, rowBins).value;
}

function recencyWeights(training: readonly TicketRecord[], halfLifeShare: number): Float64Array {
  const weights = new Float64Array(training.length).fill(1);
  if (!Number.isFinite(halfLifeShare) || training.length === 0) return weights;
  const first = training[0]!.openedAt;
  const last = training[training.length - 1]!.openedAt;
  const halfLife = Math.max(1, (last - first) * halfLifeShare);
  training.forEach((t, i) => (weights[i] = Math.pow(2, -(last - t.openedAt) / halfLife)));
  return weights;
}

/** Up to 10 most common bins of a feature, with their shares among them. */
function commonBins(feature: BinnedFeature): { bin: number; share: number }[] {
  const counts = new Uint32Array(feature.binCount);
  for (const b of feature.bins) counts[b] = counts[b]! + 1;
  const top = [...counts.keys()]
    .filter((b) => counts[b]! > 0)
    .sort((a, b) => counts[b]! - counts[a]! || a - b)
    .slice(0, 10);
  const total = top.reduce((sum, b) => sum + counts[b]!, 0);
  return top.map((bin) => ({ bin, share: counts[bin]! / total }));
}

/**
 * The median of scores that may be censored (a ticket still open: `score`
 * +Infinity, known only to exceed `bound`), as `censoredConformalQuantile`
 * counts them: the smallest q at which half the tickets followed up far
 * enough to tell (bound at least q) lie at or below it. With none censored,
 * `quantileOf(scores, 0.5)`; 0 when no q works.
 */
export function censoredMedian(scores: readonly Scored[]): number {
  const candidates = scores.map((s) => s.score).filter(Number.isFinite).sort((a, b) => a - b);
  for (const q of candidates) {
    let n = 0;
    let below = 0;
    for (const s of scores) {
      if (s.bound < q) continue;
      n++;
      if (s.score <= q) below++;
    }
    if (n > 0 && below >= Math.ceil(0.5 * n)) return q;
  }
  return 0;
}

/** The plain `q` quantile (lower), 0 for no values. */
export function quantileOf(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Split conformal's finite-sample quantile of scores: the ceil((n+1)·level)-th
 * smallest, so that a new exchangeable score falls at or below it with
 * probability at least `level`. With too few scores for that, +Infinity.
 *
 * @example
 * ```ts
 * import { conformalQuantile } from "./model.ts";
 * import assert from "node:assert/strict";
 * const scores = Array.from({ length: 99 }, (_, i) => i + 1);
 * assert.equal(conformalQuantile(scores, 0.9), 90);
 * ```
 */
export function conformalQuantile(scores: readonly number[], level: number): number {
  const n = scores.length;
  const k = Math.ceil((n + 1) * level);
  if (n === 0 || k > n) return Infinity;
  return [...scores].sort((a, b) => a - b)[k - 1]!;
}

/**
 * A nonconformity score that may be censored. `bound` is the score the
 * ticket would have had, had it resolved when history ends (asOf): how far
 * its follow-up reaches. For a high-end score a resolved ticket's `score` is
 * at most its `bound`; a ticket still open has `score` +Infinity (unknown,
 * only known to exceed `bound`). For a low-end score the signs flip (see
 * `censoredConformalQuantile`). With no end to history, `bound` is
 * +Infinity (high end) or -Infinity (low end).
 */
export interface Scored {
  readonly score: number;
  readonly bound: number;
}

/**
 * Split conformal's quantile when some scores are censored by the end of
 * history. The cut-off is an administrative one: a ticket is censored
 * because it opened shortly before the history ends, not because of how long
 * it takes, so its follow-up is independent of its outcome. At a candidate
 * margin q, the tickets whose follow-up reaches q (resolved or not) are then
 * an unbiased sample of all, and whether each is a miss at q is known; the
 * margin is the smallest q at which at most the conformal share of them miss.
 * Tickets followed up for less are left out at that q, resolved ones too: of
 * those, only the quick ones could have resolved, so counting them would
 * count only their hits (a high end too short). With no censoring this is
 * `conformalQuantile`; when no q works (too many tickets never seen to
 * resolve), +Infinity: no end can be promised.
 *
 * `openScores` says which end: "atLeast" for the high end (a ticket still
 * open is a known miss at every q below its bound), "below" for the low end
 * (a ticket still open is a known hit at every q above its bound).
 *
 * @example
 * ```ts
 * import { censoredConformalQuantile, conformalQuantile } from "./model.ts";
 * import assert from "node:assert/strict";
 * const scores = Array.from({ length: 99 }, (_, i) => i + 1);
 * const known = scores.map((score) => ({ score, bound: Infinity }));
 * assert.equal(censoredConformalQuantile(known, 0.9, "atLeast"), conformalQuantile(scores, 0.9));
 * ```
 */
export function censoredConformalQuantile(
  scores: readonly Scored[],
  level: number,
  openScores: "atLeast" | "below",
): number {
  const high = openScores === "atLeast";
  const candidates = [
    ...scores.map((s) => s.score),
    ...scores.map((s) => s.bound),
  ].filter(Number.isFinite).sort((a, b) => a - b);
  // Followed up far enough to tell at q: the high end's misses show up to the bound, the low
  // end's hits from the bound on.
  const reaches = (s: Scored, q: number) => (high ? s.bound >= q : s.bound <= q);
  let last = NaN;
  for (const q of candidates) {
    if (q === last) continue;
    last = q;
    let n = 0;
    let misses = 0;
    for (const s of scores) {
      if (!reaches(s, q)) continue;
      n++;
      if (s.score > q) misses++;
    }
    const k = Math.ceil((n + 1) * level);
    if (n > 0 && k <= n && n - misses >= k) return q;
  }
  return Infinity;
}

/** Log-space margins of an interval group: `upper` +Infinity makes its ranges open-ended. */
export interface Margins {
  readonly lower: number;
  readonly upper: number;
}

/**
 * Where an open-ended range's low end starts from (log hours), for a ticket
 * of an issue whose tickets resolve on work when they resolve at all (the
 * quick-fifth group of `intervalGroup`): the time by which a fifth of the
 * issue's earlier tickets had resolved, open ones counted as censored
 * (`issue_earlier_q20_h`). The 10% model is fitted on resolved tickets, which
 * for such an issue are its quick ones, and its margin is shared by issues
 * whose tickets never resolve as often: read from the issue itself, the low
 * end follows how often its tickets resolve at all. Not for tickets waiting
 * on a release: the issue's earlier tickets waited longer for the same
 * release than a later one will, so their times overstate it. Undefined
 * there, and where the issue has too few earlier tickets to tell.
 */
export function openEndedLowBase(ticket: TicketRecord): number | undefined {
  if (intervalGroup(ticket) !== QUICK_GROUP) return undefined;
  const hours = ticket.numbers?.issue_earlier_q20_h ?? NaN;
  return Number.isFinite(hours) ? toLogHours(hours) : undefined;
}

/** A calibration score and the interval group of the ticket it is about. */
interface GroupScored extends Scored {
  readonly group: string;
}

/**
 * Fewest calibration scores a group's own margins rest on: the 90% end is
 * then set by about four misses. A smaller group takes the pooled margins.
 */
export const MIN_GROUP_SCORES = 40;

/**
 * The group a ticket's interval is calibrated within (Mondrian conformal):
 * what is known at prediction time about what its resolution waits on. A
 * ticket with no linked issue (a question, a how-to) waits on support alone;
 * one whose issue's earlier tickets, open for over a day, are mostly still
 * open waits on something beyond support (an engineering fix, a release to
 * roll out); the rest are tickets of an issue support has been resolving, or
 * of one too new to tell. Their spreads differ, and the mix of the three
 * moves with the incidents of the moment: calibrated on all together, the
 * interval is too wide in a period of questions and too narrow in one of
 * tickets waiting on a fix. Exports with no issue are one group.
 *
 * Where the logs show a release that fixed the issue (`fix_state.ts`), the
 * ticket waits on that release reaching its environment, or on nothing more
 * once it has: a rollout has a date, engineering that has not answered may
 * have none, so these are calibrated apart from the issues still waiting.
 */
export function intervalGroup(ticket: TicketRecord): string {
  if ((ticket.fields.issue ?? "") === "") return "no issue";
  if (ticket.numbers?.issue_fix_seen === 1) {
    return ticket.numbers?.environment_on_fix === 1 ? "issue, fix here" : "issue, fix rolling out";
  }
  const waiting = ticket.numbers?.issue_earlier_still_open_share ?? NaN;
  if (!(waiting > 0.5)) return "issue";
  const fifthResolved = ticket.numbers?.issue_earlier_q20_h ?? NaN;
  return fifthResolved <= QUICK_FIFTH_HOURS ? QUICK_GROUP : "issue, earlier tickets waiting";
}

/**
 * Of the issues whose earlier tickets mostly wait, those of which a fifth
 * resolved within this many hours (Kaplan-Meier, see `issue_earlier_q20_h`)
 * are calibrated apart: they resolve on work, when at all, where the others
 * wait days on something (a release not yet out), and one low-end margin
 * shared by both sits days below the first.
 */
export const QUICK_FIFTH_HOURS = 72;
const QUICK_GROUP = "issue, earlier tickets waiting, a fifth resolved within 3 days";

/** The calibrated median and interval for one ticket's bins (log hours). */
export function predictLog(
  model: Pick<
    ResolutionModel,
    "median" | "lower" | "upper" | "shift" | "groupMargins" | "lowerMargin" | "upperMargin"
  >,
  rowBins: ArrayLike<number>,
  ticket?: TicketRecord,
): { median: number; low: number; high: number } {
  const group = ticket === undefined ? undefined : intervalGroup(ticket);
  const margins = (group === undefined ? undefined : model.groupMargins.get(group)) ??
    { lower: model.lowerMargin, upper: model.upperMargin };
  const median = predictRow(model.median, rowBins) + model.shift;
  const lowBase = Number.isFinite(margins.upper)
    ? predictRow(model.lower, rowBins)
    : (ticket === undefined ? undefined : openEndedLowBase(ticket)) ??
      predictRow(model.lower, rowBins);
  const high = predictRow(model.upper, rowBins) + margins.upper;
  // An open-ended range's low end may rise above its base where the calibration asks (the 10%
  // model is fitted on resolved tickets, so for a group of which many never resolve it misses
  // fewer than a fifth: six of ten such groups' margins sat at the old floor of zero on four
  // development seeds, covering 0.97-1.0), but not past the point: a slice whose tickets waited
  // on a release days away speaks of other issues more than this one, and a point raised with
  // the low end was 3-7 times the error of the models' median (MAE / per-severity 0.09 -> 0.61).
  const raised = Math.max(median, lowBase);
  const low = Number.isFinite(high) || margins.lower >= 0
    ? lowBase - margins.lower
    : Math.min(lowBase - margins.lower, raised);
  if (!Number.isFinite(high)) {
    // "At least this long": the models' median is the median of the tickets that resolved,
    // which for a ticket that may never resolve is no median at all; lowering the calibrated
    // low end to it would cover more than asked. The point is the low end then.
    return { median: Math.max(median, low), low, high };
  }
  // The point always lies inside its range: widening never lowers coverage.
  return { median, low: Math.min(low, median), high: Math.max(high, median) };
}

/** The censored median (log hours) an open-ended low end may rise to, where fitted. */
export function capOf(
  model: Pick<ResolutionModel, "capMedian">,
  rowBins: ArrayLike<number>,
): number | undefined {
  const cap = model.capMedian;
  return cap === undefined ? undefined : predictRow(cap.model, rowBins) + cap.shift;
}

export function predictTicket(
  model: ResolutionModel,
  ticket: TicketRecord,
  context: OpenContext,
): Prediction {
  const row = binRow(model.space, ticket, context);
  const p = predictLog(model, row, ticket);
  return {
    medianHours: fromLogHours(p.median),
    lowHours: fromLogHours(p.low),
    highHours: fromLogHours(p.high),
    complexity: complexityOf(model, hasIssue(ticket), problemPrediction(model, row)),
  };
}

/**
 * The median (log hours, before recentering) the problem itself calls for:
 * the held columns (night or day, queue, the customer's tier) set to their
 * most common value, since they change the wait, not the work.
 */
function problemPrediction(
  model: Pick<ResolutionModel, "median" | "binMix" | "heldColumns">,
  row: Uint16Array,
): number {
  const usual = Uint16Array.from(row);
  for (const c of model.heldColumns) usual[c] = model.binMix[c]![0]?.bin ?? 0;
  return predictRow(model.median, usual);
}

/**
 * A ticket's complexity, 0-100: mostly (nine parts in ten) how likely it is
 * to need engineering, as a percent; the rest how long its problem calls for
 * (`Prediction.complexity`, the share of past tickets predicted less with the
 * wait's inputs held), which orders tickets alike on the first. Whether a
 * problem needs engineering follows the work. The time mostly tells questions
 * from incidents, which engineering already does; among incidents it reads how
 * long an issue's tickets took, and that is what their resolution waited on
 * (an outage to end, a release to roll out), not the work the problem took:
 * as an equal half it ranked a short outage above a regression that needed
 * twice the work.
 *
 * @example
 * ```ts
 * import { complexityScore } from "./model.ts";
 * import assert from "node:assert/strict";
 * assert.equal(complexityScore(60, 0.9), 87);
 * ```
 */
export function complexityScore(timeComplexity: number, engineeringProbability: number): number {
  return Math.round(TIME_SHARE * timeComplexity + (1 - TIME_SHARE) * 100 * engineeringProbability);
}

/** The time part's share of complexity (see `complexityScore`). */
const TIME_SHARE = 0.1;

/**
 * The time part of complexity, 0-100: the share of training tickets whose
 * problem was predicted less, where every ticket with an error issue behind
 * it counts above every one with none (a how-to question). How long a
 * question took is mostly its wait in the queue: a standard-tier question
 * waits as long as a regression with hours of work, and ranked by time alone
 * the two tied (simulator seed 321: questions and a 6-hour regression both at
 * 17-19 of 100). Within each kind the predicted time orders them.
 */
function complexityOf(model: ResolutionModel, withIssue: boolean, logMedian: number): number {
  const { without, with: withIssue_ } = model.referencePredictions;
  const n = without.length + withIssue_.length;
  if (n === 0) return 50;
  const below = withIssue
    ? without.length + countBelow(withIssue_, logMedian)
    : countBelow(without, logMedian);
  return Math.round((100 * below) / n);
}

function hasIssue(ticket: TicketRecord): boolean {
  return (ticket.fields.issue ?? "") !== "";
}

/** One reason behind a prediction, with its effect on the median in hours. */
export interface Factor {
  readonly feature: string;
  readonly value: string;
  /** Median with this value minus median with the typical value, hours. */
  readonly effectHours: number;
}

const usedByModel = new WeakMap<GbmModel, Set<number>>();

function usedColumns(model: GbmModel): Set<number> {
  let used = usedByModel.get(model);
  if (used === undefined) {
    used = new Set<number>();
    const visit = (node: GbmModel["trees"][number]) => {
      if (node.feature < 0) return;
      used!.add(node.feature);
      visit(node.left!);
      visit(node.right!);
    };
    model.trees.forEach(visit);
    usedByModel.set(model, used);
  }
  return used;
}

/**
 * The factors that move this ticket's median most: for each input, the
 * median with the ticket's own value against the median over the values past
 * tickets had (the rest of the ticket unchanged), in hours.
 */
export function explainTicket(
  model: ResolutionModel,
  ticket: TicketRecord,
  context: OpenContext,
  limit = 5,
): Factor[] {
  const row = binRow(model.space, ticket, context);
  const hours = (bins: Uint16Array) => fromLogHours(predictRow(model.median, bins) + model.shift);
  const own = hours(row);
  const factors: Factor[] = [];
  const used = usedColumns(model.median);
  model.space.columns.forEach((column, c) => {
    // A column no tree splits on moves nothing.
    if (!used.has(c)) return;
    const swapped = Uint16Array.from(row);
    let usual = 0;
    for (const { bin, share } of model.binMix[c]!) {
      swapped[c] = bin;
      usual += share * hours(swapped);
    }
    const effect = own - usual;
    if (Math.abs(effect) < 0.05) return;
    factors.push({
      feature: column.name,
      value: describeValue(column, ticket, context),
      effectHours: Math.round(effect * 10) / 10,
    });
  });
  return factors.sort((a, b) => Math.abs(b.effectHours) - Math.abs(a.effectHours)).slice(0, limit);
}
