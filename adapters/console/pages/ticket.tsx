/**
 * One ticket as an engineer works it: who and what, the conversation, its
 * logs and metrics over the ticket's window, likely causes to link, suggested
 * articles, and the resolution form with the earlier resolutions.
 */
import { z } from "zod";
import { allows, maySeeCustomer } from "../../../domain/access/principal.ts";
import type { Reason } from "../../../domain/kb/mod.ts";
import { type Finding, metricMatches, type Rule } from "../../../domain/rules/mod.ts";
import { isOpenStatus, type Ticket } from "../../../domain/tickets/mod.ts";
import { LoupeError } from "../../../ports/errors.ts";
import type { SuggestionList } from "../../../ports/kb.ts";
import type {
  CandidateList,
  LogLine,
  MetricsView,
  TicketHistoryEntry,
} from "../../../ports/tickets.ts";
import { type ChartPoint, LineChart } from "../charts.tsx";
import type { ConsoleDeps } from "../deps.ts";
import {
  clockTime,
  type Level,
  LEVEL_FLOOR,
  levelOf,
  LEVELS,
  levelText,
  money,
  percent,
  when,
} from "../format.ts";
import { Badge, Layout, type PageContext } from "../layout.tsx";
import { predictionOutcome, PredictionSection } from "./prediction.tsx";

/** Lines per page of a ticket's logs. */
export const LOG_PAGE = 50;
/** Pages of the API read to fill one page when some levels are unchecked. */
const MAX_LOG_READS = 10;

const logFilter = z.object({
  level: z.array(z.enum(LEVELS)).default([...LEVELS]),
  min: z.enum(LEVELS).default("DEBUG"),
  q: z.string().trim().max(500).default(""),
  cursor: z.string().max(100).optional(),
});
export type LogFilter = z.infer<typeof logFilter>;

export function parseLogFilter(params: URLSearchParams): LogFilter {
  const levels = params.getAll("level");
  return logFilter.parse({
    ...(levels.length === 0 ? {} : { level: levels }),
    ...(params.has("min") ? { min: params.get("min") } : {}),
    ...(params.has("q") ? { q: params.get("q") } : {}),
    ...(params.get("cursor") ? { cursor: params.get("cursor") } : {}),
  });
}

export interface ResolutionForm {
  readonly values: { rootCause: string; solution: string; prevention: string };
  readonly errors: Partial<Record<"rootCause" | "solution" | "prevention" | "form", string>>;
}

/** Reads a ticket and refuses one of a customer this principal may not see, as if it did not exist. */
export async function visibleTicket(deps: ConsoleDeps, page: PageContext, ticketId: string) {
  const detail = await deps.tickets.ticket(ticketId);
  if (!maySeeCustomer(page.principal.role, detail.ticket.customer)) {
    throw new LoupeError("not_found", `No ticket ${ticketId}`);
  }
  return detail;
}

export async function ticketPage(
  deps: ConsoleDeps,
  page: PageContext,
  ticketId: string,
  params: URLSearchParams,
  resolution?: ResolutionForm,
) {
  const { ticket, history } = await visibleTicket(deps, page, ticketId);
  const filter = parseLogFilter(params);
  const canWork = allows(page.principal.role, "work");
  const [logs, metrics, candidates, articles] = await Promise.all([
    ticketLogs(deps, ticketId, filter),
    settle(deps.tickets.ticketMetrics(ticketId)),
    settle(deps.tickets.candidates(ticketId, 5)),
    settle(deps.kb.suggestForTicket(ticketId, 5)),
  ]);
  const customer = deps.customers.customer(ticket.customer);
  const versions = environmentVersions(deps, ticket);
  return (
    <Layout title={`${ticket.ticketId} ${ticket.subject}`} page={page} active="tickets">
      <p class="crumbs">
        <a href="/console/tickets">Tickets</a> › {ticket.ticketId}
      </p>
      <h1>
        {ticket.subject} <small class="muted">{ticket.ticketId}</small>
      </h1>
      <dl class="facts">
        <div>
          <dt>Severity</dt>
          <dd>
            <Badge kind={`sev-${ticket.severity}`} text={ticket.severity} />
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{ticket.status}</dd>
        </div>
        <div>
          <dt>Customer</dt>
          <dd>
            <a href={`/console/customers/${encodeURIComponent(ticket.customer)}`}>
              {customer?.name ?? ticket.customer}
            </a>
            {customer === undefined ? null : (
              <div class="muted">
                {customer.tier} tier · contract {money(customer.contractValue)}
              </div>
            )}
          </dd>
        </div>
        <div>
          <dt>Environment</dt>
          <dd>
            {ticket.environment}
            <div class="muted">
              {versions.length === 0
                ? "version unknown"
                : versions.map((v) => `${v.environment}: ${v.version ?? "?"}`).join(", ")}
            </div>
          </dd>
        </div>
        <div>
          <dt>Opened</dt>
          <dd>{when(ticket.openedAt)}</dd>
        </div>
        <div>
          <dt>Assignee</dt>
          <dd>{ticket.assignee ?? "unassigned"}</dd>
        </div>
        <div>
          <dt>Reporter</dt>
          <dd>{ticket.reporter}</dd>
        </div>
        <div>
          <dt>Window</dt>
          <dd>
            {ticket.window === null
              ? "not given"
              : `${when(ticket.window.from)} – ${when(ticket.window.to)}`}
          </dd>
        </div>
      </dl>

      <PredictionSection
        outcome={predictionOutcome(deps, ticket.ticketId)}
        resolved={ticket.resolutions.length > 0}
        reopened={ticket.resolutions.length > 0 && isOpenStatus(ticket.status)}
      />

      <section aria-labelledby="symptoms-h">
        <h2 id="symptoms-h">Symptoms</h2>
        <p class="prose">{ticket.description}</p>
      </section>

      <section aria-labelledby="conversation-h">
        <h2 id="conversation-h">Conversation</h2>
        {ticket.comments.length === 0
          ? <p class="empty">No comments yet.</p>
          : (
            <ol class="conversation">
              {ticket.comments.map((comment) => (
                <li class={`comment ${comment.visibility}`}>
                  <div class="comment-head">
                    <strong>{comment.author}</strong>{" "}
                    <Badge
                      kind={comment.visibility}
                      text={comment.visibility === "internal" ? "internal note" : "public reply"}
                    />{" "}
                    <span class="muted">{when(comment.at)}</span>
                  </div>
                  <p class="prose">{comment.body}</p>
                </li>
              ))}
            </ol>
          )}
      </section>

      <LogsSection ticketId={ticket.ticketId} filter={filter} logs={logs} />
      <MetricsSection metrics={metrics} rules={deps.tickets.rules().rules} />
      <CausesSection
        ticketId={ticket.ticketId}
        candidates={candidates}
        csrf={page.csrf}
        canWork={canWork}
      />
      <ArticlesSection articles={articles} />
      <ResolutionSection ticket={ticket} form={resolution} csrf={page.csrf} canWork={canWork} />
      <HistorySection history={history} />
    </Layout>
  );
}

type Settled<T> = { ok: true; value: T } | { ok: false; message: string };

/** A part of the page that cannot be computed says why, and the rest of the page still shows. */
async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (error instanceof LoupeError) return { ok: false, message: error.message };
    throw error;
  }
}

function environmentVersions(deps: ConsoleDeps, ticket: Ticket) {
  try {
    const report = deps.impact.customerImpact(ticket.customer, { minSeverity: 24, limit: 1 });
    const named = report.environments.filter((e) =>
      e.environment === ticket.environment || e.environment.endsWith(`/${ticket.environment}`)
    );
    return named.length > 0 ? named : report.environments;
  } catch (error) {
    if (error instanceof LoupeError) return [];
    throw error;
  }
}

export interface LogResult {
  readonly items: readonly LogLine[];
  readonly nextCursor: string | null;
  readonly window: { from: number; to: number } | null;
  readonly error: string | null;
}

/**
 * The ticket's lines through the API's own query (newest first, cursor
 * paged, at or above a level, containing a text); unchecked levels in
 * between are left out here, reading on until a page is full.
 */
export async function ticketLogs(
  deps: ConsoleDeps,
  ticketId: string,
  filter: LogFilter,
): Promise<LogResult> {
  const wanted = new Set<Level>(
    filter.level.filter((l) => LEVEL_FLOOR[l] >= LEVEL_FLOOR[filter.min]),
  );
  if (wanted.size === 0) return { items: [], nextCursor: null, window: null, error: null };
  const floor = Math.min(...[...wanted].map((l) => LEVEL_FLOOR[l]));
  const items: LogLine[] = [];
  let cursor = filter.cursor;
  let window: LogResult["window"] = null;
  try {
    for (let read = 0; read < MAX_LOG_READS && items.length < LOG_PAGE; read++) {
      const page = await deps.tickets.ticketLogs(ticketId, {
        minSeverity: floor,
        ...(filter.q === "" ? {} : { text: filter.q }),
        limit: LOG_PAGE,
        ...(cursor === undefined ? {} : { cursor }),
      });
      window = page.window;
      items.push(...page.items.filter((line) => wanted.has(levelOf(line.severityNumber))));
      cursor = page.nextCursor ?? undefined;
      if (page.nextCursor === null) break;
    }
  } catch (error) {
    if (error instanceof LoupeError) {
      return { items: [], nextCursor: null, window, error: error.message };
    }
    throw error;
  }
  return { items, nextCursor: cursor ?? null, window, error: null };
}

export function logsQuery(filter: LogFilter, cursor: string | null): string {
  const params = new URLSearchParams();
  for (const level of filter.level) params.append("level", level);
  if (filter.min !== "DEBUG") params.set("min", filter.min);
  if (filter.q !== "") params.set("q", filter.q);
  if (cursor !== null) params.set("cursor", cursor);
  return params.toString();
}

export function LogRows(props: { ticketId: string; filter: LogFilter; logs: LogResult }) {
  const more = props.logs.nextCursor === null
    ? null
    : `/console/tickets/${encodeURIComponent(props.ticketId)}/logs?${
      logsQuery(props.filter, props.logs.nextCursor)
    }`;
  return (
    <>
      {props.logs.items.map((line) => <LogRow key={line.logEventId} line={line} />)}
      {more === null ? null : (
        <li class="more">
          <a href={more} data-more="log-lines">Older lines</a>
        </li>
      )}
    </>
  );
}

function LogRow(props: { line: LogLine }) {
  const { line } = props;
  const level = levelOf(line.severityNumber);
  const [first, ...rest] = line.message.split("\n");
  return (
    <li class={`log lvl-${level.toLowerCase()}`} data-level={level}>
      <span class="time">{clockTime(line.timestamp)}</span>{" "}
      <span class={`badge lvl-${level.toLowerCase()}`}>{levelText(line.severityNumber)}</span>{" "}
      <span class="svc">{line.service ?? ""}</span>{" "}
      {rest.length === 0 ? <span class="msg">{first}</span> : (
        <details class="trace">
          <summary>
            <span class="msg">{first}</span> <span class="muted">(+{rest.length} lines)</span>
          </summary>
          <pre>{rest.join("\n")}</pre>
        </details>
      )}
    </li>
  );
}

function LogsSection(props: { ticketId: string; filter: LogFilter; logs: LogResult }) {
  const { filter, logs } = props;
  return (
    <section id="logs" aria-labelledby="logs-h">
      <h2 id="logs-h">Logs</h2>
      {logs.window === null ? null : (
        <p class="muted">
          {when(logs.window.from)} – {when(logs.window.to)}, newest first
        </p>
      )}
      <form
        method="get"
        action={`/console/tickets/${encodeURIComponent(props.ticketId)}#logs`}
        class="filters"
        data-live="log-panel"
      >
        <fieldset class="levels">
          <legend>Levels</legend>
          {LEVELS.map((level) => (
            <label class={`check lvl-${level.toLowerCase()}`}>
              <input
                type="checkbox"
                name="level"
                value={level}
                checked={filter.level.includes(level)}
              />
              {level === "ERROR" ? "ERROR (and FATAL)" : level}
            </label>
          ))}
        </fieldset>
        <label>
          Minimum level
          <select name="min">
            {[...LEVELS].reverse().map((level) => (
              <option value={level} selected={filter.min === level}>{level}</option>
            ))}
          </select>
        </label>
        <label>
          Text
          <input type="search" name="q" value={filter.q} placeholder="contains…" />
        </label>
        <button type="submit">Filter logs</button>
      </form>
      <div id="log-panel">
        {logs.error === null ? null : <p class="warning" role="status">{logs.error}</p>}
        {logs.error === null && logs.items.length === 0
          ? <p class="empty">No lines match these filters in the window.</p>
          : null}
        <ol class="logs" id="log-lines">
          <LogRows ticketId={props.ticketId} filter={filter} logs={logs} />
        </ol>
      </div>
    </section>
  );
}

function MetricsSection(
  props: {
    metrics: Settled<MetricsView>;
    rules: readonly Rule[];
  },
) {
  if (!props.metrics.ok) {
    return (
      <section id="metrics" aria-labelledby="metrics-h">
        <h2 id="metrics-h">Metrics</h2>
        <p class="warning">{props.metrics.message}</p>
      </section>
    );
  }
  const { snapshots, findings, window } = props.metrics.value;
  const names = [...new Set(snapshots.flatMap((s) => Object.keys(s.metrics)))];
  const charts = names.map((name) => {
    const breaches = findings.filter((f) => f.metric === name);
    const thresholds = props.rules.filter((r) => metricMatches(r.metric, name));
    return { name, breaches, thresholds };
  }).sort((a, b) =>
    b.breaches.length - a.breaches.length || b.thresholds.length - a.thresholds.length ||
    a.name.localeCompare(b.name)
  );
  return (
    <section id="metrics" aria-labelledby="metrics-h">
      <h2 id="metrics-h">Metrics</h2>
      {snapshots.length === 0
        ? (
          <p class="empty">
            No metrics snapshots were recorded for this environment in the window.
          </p>
        )
        : (
          <p class="muted">
            {snapshots.length} snapshots, {findings.length}{" "}
            threshold breach{findings.length === 1 ? "" : "es"}
          </p>
        )}
      <div class="metric-grid">
        {charts.map(({ name, breaches, thresholds }) => {
          const worst = worstSeverity(breaches);
          const points: ChartPoint[] = snapshots.filter((s) => s.metrics[name] !== undefined)
            .sort((a, b) => a.at - b.at).map((s) => {
              const breach = worstFinding(breaches.filter((f) => f.at === s.at));
              return {
                x: s.at,
                y: s.metrics[name]!,
                ...(breach === undefined ? {} : {
                  breach: {
                    severity: breach.severity,
                    text: `${breach.severity}: ${breach.message} at ${when(breach.at)}`,
                  },
                }),
              };
            });
          return (
            <figure class={`metric ${worst === null ? "" : "breached"}`} data-metric={name}>
              <figcaption>
                <strong>{name}</strong>{" "}
                {worst === null ? <span class="muted">within thresholds</span> : (
                  <Badge
                    kind={`breach sev-${worst.toLowerCase()}`}
                    text={`${worst} breach ×${breaches.length}`}
                  />
                )}
              </figcaption>
              <LineChart
                title={`${name} over the ticket's window${
                  worst === null ? "" : `, ${breaches.length} breaches, worst ${worst}`
                }`}
                series={[{ name, points }]}
                thresholds={thresholds.map((r) => ({
                  value: r.threshold,
                  severity: r.severity,
                  label: `${r.severity} ${r.comparison} ${r.threshold}`,
                }))}
                xDomain={[window.from, window.to]}
                xLabel={(x) => when(x).slice(5, 16)}
                height={160}
              />
              {breaches.length === 0 ? null : (
                <ul class="breaches">
                  {breaches.slice(0, 3).map((f) => (
                    <li>
                      <Badge kind={`sev-${f.severity.toLowerCase()}`} text={f.severity} />{" "}
                      {f.message} <span class="muted">at {when(f.at)}</span>
                    </li>
                  ))}
                  {breaches.length > 3
                    ? <li class="muted">and {breaches.length - 3} more</li>
                    : null}
                </ul>
              )}
            </figure>
          );
        })}
      </div>
    </section>
  );
}

const SEVERITY_ORDER = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];

function worstFinding(findings: readonly Finding[]): Finding | undefined {
  return [...findings].sort((a, b) =>
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity)
  )[0];
}

function worstSeverity(findings: readonly Finding[]): string | null {
  return worstFinding(findings)?.severity ?? null;
}

function CausesSection(
  props: {
    ticketId: string;
    candidates: Settled<CandidateList>;
    csrf: string;
    canWork: boolean;
  },
) {
  return (
    <section id="causes" aria-labelledby="causes-h">
      <h2 id="causes-h">Likely causes</h2>
      {!props.candidates.ok ? <p class="warning">{props.candidates.message}</p> : (
        props.candidates.value.candidates.length === 0
          ? <p class="empty">No signature in this environment's logs stands out for the window.</p>
          : (
            <ol class="candidates">
              {props.candidates.value.candidates.map((c) => (
                <li class="candidate" data-signature={c.signatureId}>
                  <div class="candidate-head">
                    <span class="score" title="correlation score">{percent(c.score)}</span>{" "}
                    <Badge
                      kind={`lvl-${levelOf(c.severityNumber).toLowerCase()}`}
                      text={levelText(c.severityNumber)}
                    />{" "}
                    <code class="template">{c.template.split("\n")[0]}</code>
                  </div>
                  <ul class="reasons">
                    {c.reasons.map((r) => <li key={r}>{r}</li>)}
                  </ul>
                  <div class="candidate-actions">
                    {c.issueId
                      ? (
                        <a href={`/console/issues/${encodeURIComponent(c.issueId)}`}>
                          Issue {c.issueId}
                        </a>
                      )
                      : null}
                    {c.linked
                      ? <Badge kind="linked" text="linked to this ticket" />
                      : props.canWork
                      ? (
                        <form
                          method="post"
                          action={`/console/tickets/${encodeURIComponent(props.ticketId)}/link`}
                        >
                          <input type="hidden" name="csrf" value={props.csrf} />
                          <input type="hidden" name="signature_id" value={c.signatureId} />
                          <button type="submit">Link to ticket</button>
                        </form>
                      )
                      : null}
                  </div>
                </li>
              ))}
            </ol>
          )
      )}
    </section>
  );
}

function ArticlesSection(
  props: { articles: Settled<SuggestionList> },
) {
  return (
    <section id="articles" aria-labelledby="articles-h">
      <h2 id="articles-h">Suggested articles</h2>
      {!props.articles.ok ? <p class="warning">{props.articles.message}</p> : (
        props.articles.value.items.length === 0
          ? <p class="empty">No article answers this ticket yet.</p>
          : (
            <ol class="articles">
              {props.articles.value.items.map((a) => (
                <li>
                  <a href={`/console/kb/${encodeURIComponent(a.articleId)}`}>{a.title}</a>{" "}
                  <span class="muted">score {a.score.toFixed(2)}</span>
                  <div class="muted">{a.reasons.map(reasonText).join("; ")}</div>
                </li>
              ))}
            </ol>
          )
      )}
    </section>
  );
}

export function reasonText(reason: Reason): string {
  switch (reason.kind) {
    case "text":
      return `words in common: ${reason.terms.slice(0, 5).join(", ")}`;
    case "linked_issue":
      return "answers an issue linked to the ticket";
    case "candidate_issue":
      return `answers likely cause #${reason.rank}`;
    case "log_text":
      return `matches the log text of likely cause #${reason.rank}`;
    case "feedback":
      return `${reason.helpful} found it helpful, ${reason.notHelpful} not`;
    case "recent":
      return `answered ${reason.tickets} of ${reason.of} tickets in the ${reason.days} days before`;
    case "version":
      return reason.fits
        ? `fits version ${reason.customerVersion}`
        : `fixed in ${reason.fixedIn ?? "?"}, customer runs ${reason.customerVersion}`;
  }
}

const FIELD_LABELS = {
  rootCause: "Root cause",
  solution: "Solution",
  prevention: "Prevention (optional)",
} as const;

function ResolutionSection(
  props: { ticket: Ticket; form: ResolutionForm | undefined; csrf: string; canWork: boolean },
) {
  const values = props.form?.values ?? { rootCause: "", solution: "", prevention: "" };
  const errors = props.form?.errors ?? {};
  const action = `/console/tickets/${encodeURIComponent(props.ticket.ticketId)}/resolve#resolution`;
  return (
    <section id="resolution" aria-labelledby="resolution-h">
      <h2 id="resolution-h">Resolution</h2>
      {props.canWork
        ? (
          <form method="post" action={action} class="resolution-form" novalidate>
            <input type="hidden" name="csrf" value={props.csrf} />
            {errors.form === undefined
              ? null
              : <p class="field-error" role="alert" id="resolution-form-error">{errors.form}</p>}
            {(["rootCause", "solution", "prevention"] as const).map((field) => {
              const id = `resolution-${field}`;
              const error = errors[field];
              return (
                <div class={`field ${error === undefined ? "" : "invalid"}`}>
                  <label for={id}>{FIELD_LABELS[field]}</label>
                  <textarea
                    id={id}
                    name={field === "rootCause" ? "root_cause" : field}
                    rows={3}
                    aria-invalid={error === undefined ? undefined : "true"}
                    aria-describedby={error === undefined ? undefined : `${id}-error`}
                  >
                    {values[field]}
                  </textarea>
                  {error === undefined
                    ? null
                    : <p class="field-error" id={`${id}-error`}>{error}</p>}
                </div>
              );
            })}
            <button type="submit">Record resolution</button>
          </form>
        )
        : <p class="muted">This token may read tickets but not resolve them.</p>}
      <h3>Earlier resolutions</h3>
      {props.ticket.resolutions.length === 0
        ? <p class="empty">None recorded.</p>
        : (
          <ol class="resolutions" reversed>
            {[...props.ticket.resolutions].reverse().map((r) => (
              <li class="resolution">
                <div class="muted">
                  by <strong>{r.resolver}</strong> at {when(r.at)}
                </div>
                <dl>
                  <dt>Root cause</dt>
                  <dd>{r.rootCause}</dd>
                  <dt>Solution</dt>
                  <dd>{r.solution}</dd>
                  {r.prevention === null ? null : (
                    <>
                      <dt>Prevention</dt>
                      <dd>{r.prevention}</dd>
                    </>
                  )}
                </dl>
              </li>
            ))}
          </ol>
        )}
    </section>
  );
}

function HistorySection(props: { history: readonly TicketHistoryEntry[] }) {
  return (
    <section id="history" aria-labelledby="history-h">
      <h2 id="history-h">History</h2>
      <ol class="history" reversed>
        {[...props.history].reverse().map((entry) => (
          <li>
            <span class="muted">{when(entry.at)}</span> {historyText(entry)}
            {entry.by === null ? null : <span class="muted">by {entry.by}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function historyText(entry: TicketHistoryEntry): string {
  const data = entry.data;
  switch (entry.type) {
    case "TicketOpened":
      return "opened";
    case "TicketStatusChanged":
      return `status → ${String(data.to ?? data.status ?? "")}`;
    case "TicketAssigned":
      return `assigned to ${String(data.assignee ?? "nobody")}`;
    case "TicketSeverityChanged":
      return `severity → ${String(data.to ?? data.severity ?? "")}`;
    case "TicketCommented":
      return "comment added";
    case "TicketSignatureLinked":
      return `signature ${String(data.signatureId ?? "")} linked`;
    case "TicketSignatureUnlinked":
      return `signature ${String(data.signatureId ?? "")} unlinked`;
    case "TicketLogEventLinked":
      return "log line linked";
    case "TicketResolved":
      return "resolution recorded";
    case "TicketEdited":
      return "edited";
    default:
      return entry.type;
  }
}
