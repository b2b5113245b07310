/**
 * The backtest anyone can run on their own ticket history: split resolved
 * tickets by open time (70% train, 10% calibrate, 20% test, never shuffled),
 * predict the test part, and compare with two baselines.
 *
 * @module
 */
import { type OpenContext, openContexts, type TicketRecord } from "./features.ts";
import {
  DEFAULT_MODEL_OPTIONS,
  fromLogHours,
  hoursToResolve,
  type ModelOptions,
  predictLog,
  quantileOf,
  trainResolutionModel,
} from "./model.ts";
import { binRow } from "./features.ts";
import {
  engineeringProbability,
  evaluateProbabilities,
  type ProbabilityEvaluation,
  trainEngineeringModel,
} from "./engineering.ts";

export interface BacktestReport {
  readonly n_tickets: number;
  readonly n_train: number;
  readonly n_calibration: number;
  readonly n_test: number;
  readonly mae_h: number;
  readonly mdae_h: number;
  readonly baseline_global_mae_h: number;
  readonly baseline_global_mdae_h: number;
  readonly baseline_group_mae_h: number;
  readonly baseline_group_mdae_h: number;
  /** Model MAE over the better baseline's MAE. */
  readonly ratio_to_global: number;
  readonly ratio_to_group: number;
  readonly within_20: number;
  readonly within_50: number;
  readonly coverage_80: number;
  readonly median_width_80_h: number;
  readonly train_median_h: number;
  readonly test_median_h: number;
  /** The needs-engineering model on the same split, when the export tells which tickets escalated. */
  readonly engineering?: ProbabilityEvaluation & { readonly baseRate: number };
}

export interface BacktestInput {
  /** Every ticket of the export, resolved or not (open ones still count in the backlog). */
  readonly tickets: readonly TicketRecord[];
  readonly features: readonly string[];
  readonly useText: boolean;
  readonly numbers?: readonly string[];
}

/** The smallest training group whose median the group baseline trusts before backing off. */
const MIN_GROUP_SIZE = 5;

export function runBacktest(
  input: BacktestInput,
  options: ModelOptions = DEFAULT_MODEL_OPTIONS,
): BacktestReport {
  const contexts = openContexts(input.tickets);
  const indexed = input.tickets
    .map((ticket, i) => ({ ticket, context: contexts[i]!, order: i }))
    .filter(({ ticket }) => ticket.resolvedAt !== null && ticket.resolvedAt >= ticket.openedAt)
    .sort((a, b) => a.ticket.openedAt - b.ticket.openedAt || a.order - b.order);
  const n = indexed.length;
  if (n < 30) {
    throw new RangeError(`Cannot backtest: ${n} resolved tickets, at least 30 are needed`);
  }
  const trainEnd = Math.floor(n * 0.7);
  const calibrationEnd = Math.floor(n * 0.8);
  const train = indexed.slice(0, trainEnd);
  const calibration = indexed.slice(trainEnd, calibrationEnd);
  const test = indexed.slice(calibrationEnd);

  const model = trainResolutionModel(
    { fields: input.features, numbers: input.numbers ?? [], useText: input.useText },
    train.map((x) => x.ticket),
    train.map((x) => x.context),
    calibration.map((x) => x.ticket),
    calibration.map((x) => x.context),
    options,
  );

  const trainHours = train.map((x) => hoursToResolve(x.ticket));
  const globalMedian = quantileOf(trainHours, 0.5);
  const groupMedian = groupBaseline(train.map((x) => x.ticket), input.features, globalMedian);

  const errors: number[] = [];
  const globalErrors: number[] = [];
  const groupErrors: number[] = [];
  const widths: number[] = [];
  let within20 = 0;
  let within50 = 0;
  let covered = 0;
  for (const { ticket, context } of test) {
    const actual = hoursToResolve(ticket);
    const p = predictLog(model, binRow(model.space, ticket, context), ticket);
    const median = fromLogHours(p.median);
    const low = fromLogHours(p.low);
    const high = fromLogHours(p.high);
    const error = Math.abs(median - actual);
    errors.push(error);
    globalErrors.push(Math.abs(globalMedian - actual));
    groupErrors.push(Math.abs(groupMedian(ticket) - actual));
    widths.push(high - low);
    if (error <= 0.2 * actual) within20++;
    if (error <= 0.5 * actual) within50++;
    if (actual >= low && actual <= high) covered++;
  }
  const mae = mean(errors);
  const globalMae = mean(globalErrors);
  const groupMae = mean(groupErrors);
  const engineering = engineeringBacktest(input, train, calibration, test);
  return {
    ...(engineering === undefined ? {} : { engineering }),
    n_tickets: input.tickets.length,
    n_train: train.length,
    n_calibration: calibration.length,
    n_test: test.length,
    mae_h: mae,
    mdae_h: quantileOf(errors, 0.5),
    baseline_global_mae_h: globalMae,
    baseline_global_mdae_h: quantileOf(globalErrors, 0.5),
    baseline_group_mae_h: groupMae,
    baseline_group_mdae_h: quantileOf(groupErrors, 0.5),
    ratio_to_global: mae / globalMae,
    ratio_to_group: mae / groupMae,
    within_20: within20 / test.length,
    within_50: within50 / test.length,
    coverage_80: covered / test.length,
    median_width_80_h: quantileOf(widths, 0.5),
    train_median_h: globalMedian,
    test_median_h: quantileOf(test.map((x) => hoursToResolve(x.ticket)), 0.5),
  };
}

type Split = readonly { readonly ticket: TicketRecord; readonly context: OpenContext }[];

/** Trains the needs-engineering model on the training part and scores it on the test part. */
function engineeringBacktest(
  input: BacktestInput,
  train: Split,
  calibration: Split,
  test: Split,
): (ProbabilityEvaluation & { readonly baseRate: number }) | undefined {
  const labelled = (split: Split) =>
    split.filter((x) => x.ticket.escalated !== undefined).map((x) => ({
      record: x.ticket,
      context: x.context,
      needed: x.ticket.escalated === true,
    }));
  const training = labelled(train);
  const tested = labelled(test);
  const positives = training.filter((e) => e.needed).length;
  if (tested.length < 30 || positives === 0 || positives === training.length) return undefined;
  const model = trainEngineeringModel(
    { fields: input.features, numbers: input.numbers ?? [], useText: input.useText },
    training,
    labelled(calibration),
  );
  return {
    ...evaluateProbabilities(
      tested.map((e) => engineeringProbability(model, e.record, e.context).probability),
      tested.map((e) => e.needed),
      model.baseRate,
    ),
    baseRate: model.baseRate,
  };
}

/**
 * The median of a ticket's group in training: the group of all its features
 * first, then of ever shorter leading combinations (the first feature alone
 * last), then the global median.
 */
export function groupBaseline(
  training: readonly TicketRecord[],
  features: readonly string[],
  globalMedian: number,
): (ticket: TicketRecord) => number {
  const keyOf = (t: TicketRecord, k: number) =>
    JSON.stringify(features.slice(0, k).map((f) => t.fields[f] ?? ""));
  const levels: Map<string, number>[] = [];
  for (let k = features.length; k >= 1; k--) {
    const groups = new Map<string, number[]>();
    for (const t of training) {
      const key = keyOf(t, k);
      const list = groups.get(key);
      if (list) list.push(hoursToResolve(t));
      else groups.set(key, [hoursToResolve(t)]);
    }
    const medians = new Map<string, number>();
    for (const [key, hours] of groups) {
      if (hours.length >= MIN_GROUP_SIZE) medians.set(key, quantileOf(hours, 0.5));
    }
    levels.push(medians);
  }
  return (ticket) => {
    for (let level = 0; level < levels.length; level++) {
      const found = levels[level]!.get(keyOf(ticket, features.length - level));
      if (found !== undefined) return found;
    }
    return globalMedian;
  };
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? 0 : sum / values.length;
}

/**
 * Whether the opened times bunch up the way a log cut from a live system's
 * database does (recent tickets all there, older ones only if still active):
 * the densest tenth of the period holding more than half of the tickets.
 */
export function lopsidedOpenings(openedAt: readonly number[]): string | undefined {
  if (openedAt.length < 30) return undefined;
  const sorted = [...openedAt].sort((a, b) => a - b);
  const span = sorted[sorted.length - 1]! - sorted[0]!;
  if (span <= 0) return undefined;
  const window = span / 10;
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! > window) start++;
    best = Math.max(best, end - start + 1);
  }
  const share = best / sorted.length;
  if (share <= 0.5) return undefined;
  return `${Math.round(share * 100)}% of the tickets were opened within a tenth of the period ` +
    `(${Math.round(window / 86_400_000)} days): an export that keeps older tickets only while ` +
    `they are active makes durations follow the open date, so a time split of all of it ` +
    `misleads. Pick one dense window with --from and --to`;
}
