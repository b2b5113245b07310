/**
 * When a ticket will probably be resolved, shown as a range with the reasons
 * behind it: a single time invites a promise the history cannot keep.
 */
import type { TicketPrediction } from "../../../ports/analytics.ts";
import { LoupeError } from "../../../ports/errors.ts";
import type { ConsoleDeps } from "../deps.ts";
import { hours, percent, when } from "../format.ts";

/** A ticket's prediction, or why there is none (too little history, a ticket the model does not hold). */
export type PredictionOutcome =
  | { readonly ok: true; readonly value: TicketPrediction }
  | { readonly ok: false; readonly message: string };

export function predictionOutcome(deps: ConsoleDeps, ticketId: string): PredictionOutcome {
  try {
    return { ok: true, value: deps.analytics.prediction(ticketId) };
  } catch (error) {
    if (!(error instanceof LoupeError)) throw error;
    return { ok: false, message: error.message };
  }
}

/** The factors shown: those that move the estimate most, either way. */
const FACTORS_SHOWN = 5;

/** `text:timeout` → the word "timeout"; `hour_of_day` → hour of day. */
export function factorName(feature: string): string {
  if (feature.startsWith("text:")) return `the word "${feature.slice(5)}"`;
  return feature.replaceAll("_", " ");
}

/** `+14 h` / `−3.2 h`: a factor's effect on the median, signed so a glance tells which way. */
export function signedHours(value: number): string {
  const sign = value < 0 ? "−" : "+";
  return `${sign}${hours(Math.abs(value))}`;
}

/** The end of the 80% range: a time, or that tickets like this one have no bound that holds. */
function rangeEnd(prediction: TicketPrediction): string {
  return Number.isFinite(prediction.range.to) ? when(prediction.range.to) : "no upper bound";
}

/**
 * `resolved`: the ticket has a resolution, the moment the analytics measure
 * to; `reopened`: it is open again since.
 */
export function PredictionSection(
  props: { outcome: PredictionOutcome; resolved: boolean; reopened: boolean },
) {
  const { outcome, resolved, reopened } = props;
  return (
    <section id="prediction" aria-labelledby="prediction-h">
      <h2 id="prediction-h">{resolved ? "Resolution time" : "Expected resolution"}</h2>
      {!outcome.ok
        ? <p class="empty">{outcome.message}</p>
        : resolved
        ? <ClosedPrediction prediction={outcome.value} reopened={reopened} />
        : <OpenPrediction prediction={outcome.value} />}
    </section>
  );
}

function OpenPrediction(props: { prediction: TicketPrediction }) {
  const p = props.prediction;
  const overdue = p.elapsedHours > p.atOpen.medianHours;
  return (
    <>
      <p class="lead">
        {overdue ? "Past its median; now expected by " : "Expected by "}
        <strong>{when(p.expectedBy)}</strong>
        {", 80% between "}
        <strong>{when(p.range.from)}</strong>
        {" and "}
        <strong>{rangeEnd(p)}</strong>
      </p>
      <p class="muted">
        Open {hours(p.elapsedHours)} so far; tickets like this one took{" "}
        {hours(p.atOpen.medianHours)} (median) from opening.
        {Number.isFinite(p.range.to)
          ? null
          : ` Tickets calibrated with this one (${p.rangeGroup}) stay open too often for an end of the range to hold.`}
      </p>
      <PredictionFacts prediction={p} />
    </>
  );
}

function ClosedPrediction(props: { prediction: TicketPrediction; reopened: boolean }) {
  const p = props.prediction;
  const { lowHours, highHours, medianHours } = p.atOpen;
  const inside = p.elapsedHours >= lowHours && p.elapsedHours <= highHours;
  return (
    <>
      <p class="lead">
        Took <strong>{hours(p.elapsedHours)}</strong>; predicted at opening {hours(medianHours)}
        {" "}
        (80% {hours(lowHours)} – {Number.isFinite(highHours) ? hours(highHours) : "no upper bound"}
        ), {inside ? "inside" : "outside"} the range.
      </p>
      {props.reopened
        ? (
          <p class="muted">
            It was resolved once and is open again: the figures are for its first resolution.
          </p>
        )
        : null}
      <PredictionFacts prediction={p} />
    </>
  );
}

function PredictionFacts(props: { prediction: TicketPrediction }) {
  const p = props.prediction;
  const factors = [...p.factors]
    .sort((a, b) => Math.abs(b.effectHours) - Math.abs(a.effectHours))
    .slice(0, FACTORS_SHOWN);
  return (
    <>
      <dl class="facts">
        <div>
          <dt>Complexity</dt>
          <dd>{Math.round(p.complexity)} / 100</dd>
        </div>
        <div>
          <dt>Needs engineering</dt>
          <dd>
            {percent(p.engineeringProbability)}
            <div class="muted">{p.engineering.method}</div>
          </dd>
        </div>
        <div>
          <dt>Agent time</dt>
          <dd>
            {p.agentHours === null ? "—" : hours(p.agentHours.hours)}
            {p.agentHours === null ? null : <div class="muted">{p.agentHours.basis}</div>}
          </dd>
        </div>
        <div>
          <dt>Range calibrated on</dt>
          <dd>
            {p.rangeGroup}
            <div class="muted">
              model of {p.model.trainedOn} tickets, checked on {p.model.calibratedOn}
            </div>
          </dd>
        </div>
      </dl>
      {factors.length === 0 ? null : (
        <>
          <h3>What moves the estimate</h3>
          <ul class="factors">
            {factors.map((factor) => (
              <li>
                {factorName(factor.feature)}: {factor.value}{" "}
                <strong class={factor.effectHours > 0 ? "slower" : "faster"}>
                  {signedHours(factor.effectHours)}
                </strong>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
