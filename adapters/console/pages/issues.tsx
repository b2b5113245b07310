/** What to fix first, and one issue in depth: occurrences, who it hit and when, tickets, lines. */
import { z } from "zod";
import { customerScope, maySeeCustomer, type Principal } from "../../../domain/access/principal.ts";
import { LoupeError } from "../../../ports/errors.ts";
import type { IssueDetail } from "../../../ports/issues.ts";
import type { Bucket } from "../../../ports/trends.ts";
import { type ChartSeries, Legend, LineChart, type Marker, Sparkline } from "../charts.tsx";
import type { ConsoleDeps } from "../deps.ts";
import { levelOf, levelText, money, when } from "../format.ts";
import { Badge, IssueHeadline, Layout, type PageContext } from "../layout.tsx";

const DAY = 86_400_000;
const BUCKET_MS: Record<Bucket, number> = { hour: 3_600_000, day: DAY, week: 7 * DAY };
/** How far back each bucket size looks: enough points to read, within the API's one-year limit. */
const SPAN_MS: Record<Bucket, number> = { hour: 7 * DAY, day: 90 * DAY, week: 364 * DAY };
/** Signatures summed into an issue's series: the busiest carry nearly all its lines. */
const SERIES_SIGNATURES = 8;
const SPLIT_SERIES = 5;

const listQuery = z.object({
  severity: z.enum(["ERROR", "WARN"]).default("ERROR"),
}).strict();

export function issueListPage(deps: ConsoleDeps, page: PageContext, params: URLSearchParams) {
  const query = listQuery.parse(Object.fromEntries(params));
  const scope = customerScope(page.principal.role);
  const ranked = deps.issues.priorities(
    scope === null ? 20 : 100,
    query.severity === "ERROR" ? 17 : 13,
  );
  const asOf = ranked.asOf;
  const rows = ranked.items.flatMap((priority) => {
    const issueId = priority.issueId ?? deps.issues.issueOfSignature(priority.signatureId);
    const detail = deps.issues.issue(issueId, asOf);
    if (scope !== null && !detail.affected.some((a) => a.customer === scope)) return [];
    return [{ priority, detail, daily: issueSeries(deps, detail, "day", asOf - 30 * DAY, asOf) }];
  }).slice(0, 20);
  return (
    <Layout title="Issues and priorities" page={page} active="issues">
      <h1>What to fix first</h1>
      <p class="muted">
        Issues seen in the 30 days before{" "}
        {when(asOf)}, ranked by customer impact, trend and support load.
      </p>
      <form method="get" action="/console/issues" class="filters">
        <label>
          At least
          <select name="severity">
            <option value="ERROR" selected={query.severity === "ERROR"}>ERROR</option>
            <option value="WARN" selected={query.severity === "WARN"}>WARN</option>
          </select>
        </label>
        <button type="submit">Show</button>
      </form>
      {rows.length === 0
        ? <p class="empty">No issue at this level in the last 30 days.</p>
        : (
          <div class="table-wrap">
            <table class="issues">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Issue</th>
                  <th scope="col">30 days</th>
                  <th scope="col">Customers hit</th>
                  <th scope="col">Trend</th>
                  <th scope="col">Versions</th>
                  <th scope="col">Why here</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ priority, detail, daily }, index) => (
                  <tr>
                    <td>{index + 1}</td>
                    <td>
                      <IssueHeadline
                        issueId={detail.issueId}
                        template={detail.template}
                        severityNumber={detail.severityNumber}
                      >
                        {detail.count} lines · {detail.status}
                      </IssueHeadline>
                    </td>
                    <td>
                      <Sparkline
                        values={daily.points}
                        label={`${daily.total} lines over 30 days, per day`}
                      />
                    </td>
                    <td>
                      {detail.affected.length}
                      <div class="muted">{tiersOf(detail)}</div>
                    </td>
                    <td>
                      <Badge kind={`trend-${priority.trend}`} text={priority.trend} />
                      <div class="muted small">{priority.trendReason}</div>
                    </td>
                    <td class="small">{versionText(detail)}</td>
                    <td class="small">{priority.reasons.join("; ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </Layout>
  );
}

function tiersOf(detail: IssueDetail): string {
  const tiers = new Map<string, number>();
  for (const a of detail.affected) {
    tiers.set(a.tier ?? "unknown", (tiers.get(a.tier ?? "unknown") ?? 0) + 1);
  }
  return [...tiers].map(([tier, n]) => `${n} ${tier}`).join(", ");
}

function versionText(detail: IssueDetail): string {
  const v = detail.versions;
  if (v.introducedIn !== null && v.fixedIn !== null) {
    return `introduced in ${v.introducedIn}, fixed in ${v.fixedIn}`;
  }
  if (v.introducedIn !== null) return `introduced in ${v.introducedIn}`;
  if (v.fixedIn !== null) return `fixed in ${v.fixedIn}`;
  return v.affected.length === 0 ? "no version stands out" : `on ${v.affected.join(", ")}`;
}

interface SummedSeries {
  readonly total: number;
  readonly starts: readonly number[];
  readonly points: readonly number[];
}

/** An issue's occurrences: its busiest signatures' series, summed bucket by bucket. */
function issueSeries(
  deps: ConsoleDeps,
  detail: IssueDetail,
  bucket: Bucket,
  from: number,
  to: number,
  filter: { customer?: string; version?: string } = {},
): SummedSeries {
  const sums = new Map<number, number>();
  let total = 0;
  for (const signature of detail.signatures.slice(0, SERIES_SIGNATURES)) {
    const series = deps.trends.series(signature.signatureId, { bucket, from, to, ...filter });
    total += series.total;
    for (const point of series.points) {
      sums.set(point.start, (sums.get(point.start) ?? 0) + point.count);
    }
  }
  const starts = [...sums.keys()].sort((a, b) => a - b);
  return { total, starts, points: starts.map((s) => sums.get(s)!) };
}

const issueQuery = z.object({
  bucket: z.enum(["hour", "day", "week"]).default("day"),
  by: z.enum(["all", "customer", "version"]).default("all"),
}).strict();

export function issuePage(
  deps: ConsoleDeps,
  page: PageContext,
  issueId: string,
  params: URLSearchParams,
) {
  const query = issueQuery.parse(Object.fromEntries(params));
  const detail = deps.issues.issue(issueId);
  const principal = page.principal;
  const scope = customerScope(principal.role);
  if (scope !== null && !detail.affected.some((a) => a.customer === scope)) {
    throw new LoupeError("not_found", `No issue ${issueId}`);
  }
  const to = detail.asOf + 1;
  const from = Math.max(
    Math.floor(detail.firstSeen / BUCKET_MS[query.bucket]) * BUCKET_MS[query.bucket],
    to - SPAN_MS[query.bucket],
  );
  const { series, markers } = chartSeries(deps, detail, principal, query, from, to);
  const affected = [...detail.affected].sort((a, b) => a.firstSeen - b.firstSeen);
  const examples = deps.app.signature(detail.signatureId).examples.filter((e) =>
    maySeeCustomer(principal.role, e.customer)
  ).slice(0, 8);
  const tickets = detail.tickets.filter((t) => maySeeCustomer(principal.role, t.customer));
  return (
    <Layout title={`Issue ${detail.issueId}`} page={page} active="issues">
      <p class="crumbs">
        <a href="/console/issues">Issues</a> › {detail.issueId}
      </p>
      <h1>
        <code class="template">{detail.template.split("\n")[0]}</code>
      </h1>
      <dl class="facts">
        <div>
          <dt>Level</dt>
          <dd>
            <Badge
              kind={`lvl-${levelOf(detail.severityNumber).toLowerCase()}`}
              text={levelText(detail.severityNumber)}
            />
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{detail.status}</dd>
        </div>
        <div>
          <dt>Lines</dt>
          <dd>{detail.count}</dd>
        </div>
        <div>
          <dt>First / last seen</dt>
          <dd>
            {when(detail.firstSeen)}
            <div class="muted">{when(detail.lastSeen)}</div>
          </dd>
        </div>
        <div>
          <dt>Trend</dt>
          <dd>
            <Badge kind={`trend-${detail.trend.class}`} text={detail.trend.class} />
            <div class="muted small">{detail.trend.reason}</div>
          </dd>
        </div>
        <div>
          <dt>Versions</dt>
          <dd>
            {versionText(detail)}
            <div class="muted small">{detail.versions.reason}</div>
          </dd>
        </div>
        {scope === null
          ? (
            <div>
              <dt>Impact</dt>
              <dd>{money(detail.impact)}</dd>
            </div>
          )
          : null}
      </dl>

      <section aria-labelledby="occ-h" class="occurrences">
        <h2 id="occ-h">Occurrences</h2>
        <form
          method="get"
          class="filters"
          action={`/console/issues/${encodeURIComponent(issueId)}`}
        >
          <label>
            Per
            <select name="bucket">
              {(["hour", "day", "week"] as const).map((b) => (
                <option value={b} selected={query.bucket === b}>{b}</option>
              ))}
            </select>
          </label>
          <label>
            Lines
            <select name="by">
              <option value="all" selected={query.by === "all"}>all together</option>
              <option value="customer" selected={query.by === "customer"}>by customer</option>
              <option value="version" selected={query.by === "version"}>by version</option>
            </select>
          </label>
          <button type="submit">Redraw</button>
        </form>
        <LineChart
          title={`Lines per ${query.bucket}${query.by === "all" ? "" : ` by ${query.by}`}`}
          series={series}
          markers={markers}
          xDomain={[from, to]}
          xLabel={(x) => when(x).slice(0, 10)}
          height={220}
          width={760}
        />
        <Legend names={series.map((s) => s.name)} />
        {markers.length === 0 ? null : (
          <p class="muted small">
            Markers: the first line on each version ({markers.map((m) => m.label).join(", ")}).
          </p>
        )}
      </section>

      <section aria-labelledby="aff-h">
        <h2 id="aff-h">Affected customers, in the order they were hit</h2>
        {scope === null ? null : (
          <p class="muted">
            {detail.affected.length - 1} other customer(s) are hit too; only yours is shown.
          </p>
        )}
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Tier</th>
                <th scope="col">Lines</th>
                <th scope="col">First hit</th>
                <th scope="col">Environments</th>
              </tr>
            </thead>
            <tbody>
              {affected.filter((a) => maySeeCustomer(principal.role, a.customer)).map((a) => (
                <tr>
                  <td>
                    <a href={`/console/customers/${encodeURIComponent(a.customer)}`}>
                      {a.name ?? a.customer}
                    </a>
                  </td>
                  <td>{a.tier ?? "—"}</td>
                  <td>{a.count}</td>
                  <td>{when(a.firstSeen)}</td>
                  <td class="small">{a.environments.map((e) => e.environment).join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="tk-h">
        <h2 id="tk-h">Linked tickets</h2>
        {tickets.length === 0 ? <p class="empty">No ticket is linked to this issue.</p> : (
          <ul>
            {tickets.map((t) => (
              <li>
                <a href={`/console/tickets/${encodeURIComponent(t.ticketId)}`}>{t.ticketId}</a>{" "}
                {t.subject}{" "}
                <span class="muted">
                  {t.customer} · {t.status}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="ex-h">
        <h2 id="ex-h">Example lines</h2>
        <ol class="logs">
          {examples.map((e) => (
            <li class={`log lvl-${e.severityText.toLowerCase()}`}>
              <span class="time">{when(e.timestamp)}</span>{" "}
              <span class={`badge lvl-${levelOf(severityNumberOf(e.severityText)).toLowerCase()}`}>
                {e.severityText}
              </span>{" "}
              <span class="svc">{e.customer ?? ""}/{e.environment ?? ""} {e.version ?? ""}</span>
              <pre class="msg">{e.message}</pre>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="sig-h">
        <h2 id="sig-h">Signatures in this issue</h2>
        <ul class="small">
          {detail.signatures.map((s) => (
            <li>
              <code>{s.template.split("\n")[0]}</code> <span class="muted">{s.count} lines</span>
            </li>
          ))}
        </ul>
        {detail.mergeReasons.length === 0
          ? null
          : <p class="muted small">Grouped because: {detail.mergeReasons.join("; ")}</p>}
      </section>
    </Layout>
  );
}

function severityNumberOf(text: string): number {
  switch (text.toUpperCase()) {
    case "FATAL":
      return 21;
    case "ERROR":
      return 17;
    case "WARN":
    case "WARNING":
      return 13;
    case "INFO":
      return 9;
    default:
      return 5;
  }
}

function chartSeries(
  deps: ConsoleDeps,
  detail: IssueDetail,
  principal: Principal,
  query: z.infer<typeof issueQuery>,
  from: number,
  to: number,
): { series: ChartSeries[]; markers: Marker[] } {
  const asPoints = (s: SummedSeries) => s.starts.map((start, i) => ({ x: start, y: s.points[i]! }));
  const scope = customerScope(principal.role);
  const scoped = scope === null ? {} : { customer: scope };
  if (query.by === "customer") {
    const customers = [...detail.affected].filter((a) => maySeeCustomer(principal.role, a.customer))
      .sort((a, b) => b.count - a.count).slice(0, SPLIT_SERIES);
    return {
      series: customers.map((a) => ({
        name: a.name ?? a.customer,
        points: asPoints(
          issueSeries(deps, detail, query.bucket, from, to, { customer: a.customer }),
        ),
      })),
      markers: [],
    };
  }
  if (query.by === "version") {
    const versions = [...detail.versions.rates].sort((a, b) => b.count - a.count)
      .slice(0, SPLIT_SERIES).map((r) => r.version);
    const firstSeen = new Map<string, number>();
    for (const a of detail.affected) {
      if (!maySeeCustomer(principal.role, a.customer)) continue;
      for (const v of a.versions) {
        firstSeen.set(v.version, Math.min(firstSeen.get(v.version) ?? Infinity, v.firstSeen));
      }
    }
    return {
      series: versions.map((version) => ({
        name: version === "" ? "(no version)" : version,
        points: asPoints(issueSeries(deps, detail, query.bucket, from, to, { version, ...scoped })),
      })),
      markers: versions.flatMap((version) => {
        const at = firstSeen.get(version);
        return at === undefined || at < from || at > to || version === ""
          ? []
          : [{ x: at, label: version }];
      }),
    };
  }
  return {
    series: [{
      name: "lines",
      points: asPoints(issueSeries(deps, detail, query.bucket, from, to, scoped)),
    }],
    markers: [],
  };
}
