/**
 * A synthetic history of one issue whose tickets are waiting on a fix, one
 * opened an hour: a share never resolve, the rest take a log-normal time.
 * The model is trained on the first 800 tickets and calibrated on the rest up
 * to `trainEnd`, as of the hour the last of those opened; the tickets after it
 * are the test ones. The analytics tests of open-ended ranges share it.
 */
import {
  type OpenContext,
  openContexts,
  type TicketRecord,
} from "../../domain/analytics/features.ts";
import {
  DEFAULT_MODEL_OPTIONS,
  type ModelOptions,
  type ResolutionModel,
  trainResolutionModel,
} from "../../domain/analytics/model.ts";
import { gaussian, xorshift32 } from "./random.ts";

const HOUR = 3_600_000;
const TRAINED = 800;

export interface WaitingIssueShape {
  readonly total: number;
  readonly trainEnd: number;
  /** Median hours of the tickets that resolve, and the log-normal's sigma. */
  readonly medianHours: number;
  readonly sigma: number;
  /** Share of the tickets that never resolve. */
  readonly neverShare: number;
  /** Numbers known at open of ticket `index` beyond the issue's still-open share. */
  readonly numbers?: (index: number, truth: WaitingIssue["truth"]) => Record<string, number>;
}

export interface WaitingIssue {
  readonly truth: readonly { readonly hours: number; readonly never: boolean }[];
  readonly history: readonly TicketRecord[];
  readonly contexts: readonly OpenContext[];
  readonly model: ResolutionModel;
}

export function waitingIssue(
  seed: number,
  shape: WaitingIssueShape,
  options: Partial<ModelOptions> = {},
): WaitingIssue {
  const next = xorshift32(seed);
  const asOf = shape.trainEnd * HOUR;
  const truth = Array.from({ length: shape.total }, () => ({
    hours: Math.exp(Math.log(shape.medianHours) + shape.sigma * gaussian(next)),
    never: next() < shape.neverShare,
  }));
  const history: TicketRecord[] = truth.map((t, i) => {
    const resolvedAt = (i + t.hours) * HOUR;
    return {
      id: `t${i}`,
      openedAt: i * HOUR,
      resolvedAt: t.never || resolvedAt > asOf ? null : resolvedAt,
      fields: { issue: "i1" },
      text: "",
      numbers: { issue_earlier_still_open_share: 0.9, ...shape.numbers?.(i, truth) },
    };
  });
  const contexts = openContexts(history);
  const model = trainResolutionModel(
    { fields: ["issue"], numbers: [], useText: false },
    history.slice(0, TRAINED),
    contexts.slice(0, TRAINED),
    history.slice(TRAINED, shape.trainEnd),
    contexts.slice(TRAINED, shape.trainEnd),
    { ...DEFAULT_MODEL_OPTIONS, maxTrees: 30, ...options },
    asOf,
  );
  return { truth, history, contexts, model };
}
