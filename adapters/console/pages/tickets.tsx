/** The ticket list: filters, sorting, paging; per row its prediction and linked issue. */
import { z } from "zod";
import { customerScope } from "../../../domain/access/principal.ts";
import { TICKET_SEVERITIES, TICKET_STATUSES } from "../../../domain/tickets/mod.ts";
import { LoupeError } from "../../../ports/errors.ts";
import { TICKET_SORTS, type TicketSummary } from "../../../ports/tickets.ts";
import type { ConsoleDeps } from "../deps.ts";
import { hours, when } from "../format.ts";
import { Badge, Layout, type PageContext } from "../layout.tsx";
import { predictionOutcome } from "./prediction.tsx";

export const PAGE_SIZE = 25;
const OPEN_STATUSES = ["new", "open", "pending", "escalated"] as const;
const label = z.string().trim().max(200);

const listQuery = z.object({
  status: z.enum(["", "active", ...TICKET_STATUSES]).default("active"),
  severity: z.enum(["", ...TICKET_SEVERITIES]).default(""),
  customer: label.default(""),
  environment: label.default(""),
  assignee: label.default(""),
  sort: z.enum(TICKET_SORTS).default("newest"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
}).strict();

type ListQuery = z.infer<typeof listQuery>;

interface Row {
  readonly ticket: TicketSummary;
  readonly prediction: { medianHours: number; expectedBy: number; rangeTo: number } | null;
  readonly issueId: string | null;
}

export async function ticketListPage(deps: ConsoleDeps, page: PageContext, raw: URLSearchParams) {
  const query = listQuery.parse(Object.fromEntries(raw));
  const scope = customerScope(page.principal.role);
  if (scope !== null && query.customer !== "" && query.customer !== scope) {
    throw new LoupeError("forbidden", "This token sees only its own customer's tickets");
  }
  const customer = scope ?? (query.customer || undefined);
  const result = deps.tickets.listTickets({
    ...(query.status === "" ? {} : {
      status: query.status === "active" ? [...OPEN_STATUSES] : [query.status],
    }),
    ...(query.severity === "" ? {} : { severity: [query.severity] }),
    ...(customer === undefined ? {} : { customer }),
    ...(query.environment === "" ? {} : { environment: query.environment }),
    ...(query.assignee === ""
      ? {}
      : { assignee: query.assignee === "none" ? null : query.assignee }),
    sort: query.sort,
    limit: PAGE_SIZE,
    offset: (query.page - 1) * PAGE_SIZE,
  });
  const rows: Row[] = await Promise.all(result.items.map((ticket) => rowOf(deps, ticket)));
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  const link = (changes: Partial<ListQuery>) => `/console/tickets?${queryString(query, changes)}`;
  return (
    <Layout title="Tickets" page={page} active="tickets">
      <h1>Tickets</h1>
      <form method="get" action="/console/tickets" class="filters" data-live="ticket-list">
        <label>
          Status
          <select name="status">
            <option value="active" selected={query.status === "active"}>open (any)</option>
            <option value="" selected={query.status === ""}>all</option>
            {TICKET_STATUSES.map((s) => (
              <option key={s} value={s} selected={query.status === s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select name="severity">
            <option value="" selected={query.severity === ""}>all</option>
            {TICKET_SEVERITIES.map((s) => (
              <option value={s} selected={query.severity === s}>{s}</option>
            ))}
          </select>
        </label>
        {scope === null
          ? (
            <label>
              Customer
              <input name="customer" value={query.customer} placeholder="customer id" />
            </label>
          )
          : null}
        <label>
          Environment
          <input name="environment" value={query.environment} placeholder="e.g. prod" />
        </label>
        <label>
          Assignee
          <input name="assignee" value={query.assignee} placeholder="name, or none" />
        </label>
        <label>
          Sort by
          <select name="sort">
            {TICKET_SORTS.map((s) => (
              <option value={s} selected={query.sort === s}>{SORT_LABELS[s]}</option>
            ))}
          </select>
        </label>
        <button type="submit">Apply</button>
      </form>
      <section id="ticket-list" aria-live="polite">
        <p class="count">
          {result.total} ticket{result.total === 1 ? "" : "s"}
          {result.total > PAGE_SIZE ? `, page ${query.page} of ${pages}` : ""}
        </p>
        <div class="table-wrap">
          <table class="tickets">
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Customer</th>
                <th scope="col">Severity</th>
                <th scope="col">Status</th>
                <th scope="col">Assignee</th>
                <th scope="col">Opened</th>
                <th scope="col">Predicted to resolve</th>
                <th scope="col">Linked issue</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ ticket, prediction, issueId }) => (
                <tr>
                  <td>
                    <a href={`/console/tickets/${encodeURIComponent(ticket.ticketId)}`}>
                      {ticket.ticketId}
                    </a>
                    <div class="subject">{ticket.subject}</div>
                  </td>
                  <td>
                    {ticket.customer}
                    <div class="muted">{ticket.environment}</div>
                  </td>
                  <td>
                    <Badge kind={`sev-${ticket.severity}`} text={ticket.severity} />
                  </td>
                  <td>{ticket.status}</td>
                  <td>{ticket.assignee ?? <span class="muted">unassigned</span>}</td>
                  <td>{when(ticket.openedAt)}</td>
                  <td>
                    {prediction === null
                      ? <span class="muted">—</span>
                      : (
                        <span title={`expected by ${when(prediction.expectedBy)}`}>
                          {hours(prediction.medianHours)}
                          <div class="muted">by {when(prediction.expectedBy)}</div>
                          <div class="muted">
                            {Number.isFinite(prediction.rangeTo)
                              ? `80% by ${when(prediction.rangeTo)}`
                              : "80%: no upper bound"}
                          </div>
                        </span>
                      )}
                  </td>
                  <td>
                    {issueId === null
                      ? <span class="muted">none</span>
                      : <a href={`/console/issues/${encodeURIComponent(issueId)}`}>{issueId}</a>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {rows.length === 0 ? <p class="empty">No ticket matches these filters.</p> : null}
        <nav class="pager" aria-label="Pages">
          {query.page > 1
            ? <a href={link({ page: query.page - 1 })} data-live="ticket-list">Previous page</a>
            : null}
          {query.page < pages
            ? <a href={link({ page: query.page + 1 })} data-live="ticket-list">Next page</a>
            : null}
        </nav>
      </section>
    </Layout>
  );
}

const SORT_LABELS: Record<(typeof TICKET_SORTS)[number], string> = {
  newest: "newest first",
  oldest: "oldest first",
  updated: "recently updated",
  severity: "severity",
};

async function rowOf(deps: ConsoleDeps, ticket: TicketSummary): Promise<Row> {
  let prediction: Row["prediction"] = null;
  if (ticket.closedAt === null) {
    // No model yet (too little history) or no such ticket in the analytics view: no figure.
    const outcome = predictionOutcome(deps, ticket.ticketId);
    if (outcome.ok) {
      const p = outcome.value;
      prediction = { medianHours: p.medianHours, expectedBy: p.expectedBy, rangeTo: p.range.to };
    }
  }
  let issueId: string | null = null;
  if (ticket.signatures > 0) {
    const { ticket: full } = await deps.tickets.ticket(ticket.ticketId);
    const first = full.signatures[0];
    if (first !== undefined) {
      try {
        issueId = deps.issues.issueOfSignature(first);
      } catch (error) {
        if (!(error instanceof LoupeError)) throw error;
      }
    }
  }
  return { ticket, prediction, issueId };
}

function queryString(query: ListQuery, changes: Partial<ListQuery>): string {
  const merged = { ...query, ...changes };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value === "" || (key === "page" && value === 1)) continue;
    params.set(key, String(value));
  }
  return params.toString();
}
