/** One customer: what hits them, their open tickets and versions, as an account manager reads it before a call. */
import { LoupeError } from "../../../ports/errors.ts";
import type { ConsoleDeps } from "../deps.ts";
import { money, when } from "../format.ts";
import { Badge, IssueHeadline, Layout, type PageContext } from "../layout.tsx";

export function customerPage(deps: ConsoleDeps, page: PageContext, customerId: string) {
  const report = deps.impact.customerImpact(customerId, { minSeverity: 13, limit: 30 });
  if (report.customer.customerId !== customerId) {
    throw new LoupeError("not_found", `No customer ${customerId}`);
  }
  const c = report.customer;
  return (
    <Layout title={c.name} page={page} active="customers">
      <h1>
        {c.name} <small class="muted">{c.customerId}</small>
      </h1>
      <dl class="facts">
        <div>
          <dt>Tier</dt>
          <dd>{c.tier}</dd>
        </div>
        <div>
          <dt>Contract</dt>
          <dd>{money(c.contractValue)}</dd>
        </div>
        <div>
          <dt>Region</dt>
          <dd>{c.region ?? "—"}</dd>
        </div>
        <div>
          <dt>Contact</dt>
          <dd>
            {c.primaryContact ?? "—"}
            {c.primaryEmail === null ? null : <div class="muted">{c.primaryEmail}</div>}
          </dd>
        </div>
        <div>
          <dt>As of</dt>
          <dd>{when(report.asOf)}</dd>
        </div>
      </dl>

      <section aria-labelledby="env-h">
        <h2 id="env-h">Environments and versions</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Environment</th>
                <th scope="col">Version</th>
                <th scope="col">Last record</th>
              </tr>
            </thead>
            <tbody>
              {report.environments.map((e) => (
                <tr>
                  <td>{e.environment}</td>
                  <td>{e.version ?? "—"}</td>
                  <td>{when(e.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="open-h">
        <h2 id="open-h">Open tickets</h2>
        {report.openTickets.length === 0 ? <p class="empty">No open ticket.</p> : (
          <ul>
            {report.openTickets.map((t) => (
              <li>
                <a href={`/console/tickets/${encodeURIComponent(t.ticketId)}`}>{t.ticketId}</a>{" "}
                {t.subject} <Badge kind={`sev-${t.severity}`} text={t.severity} />{" "}
                <span class="muted">{t.status} · opened {when(t.openedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="hit-h">
        <h2 id="hit-h">What is hitting them</h2>
        {report.issues.length === 0
          ? <p class="empty">No warning or error issue.</p>
          : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Issue</th>
                    <th scope="col">Last 24 h / 7 d</th>
                    <th scope="col">Trend</th>
                    <th scope="col">Versions</th>
                    <th scope="col">Tickets</th>
                  </tr>
                </thead>
                <tbody>
                  {report.issues.map((issue) => (
                    <tr>
                      <td>
                        <IssueHeadline
                          issueId={issue.issueId}
                          template={issue.template}
                          severityNumber={issue.severityNumber}
                        >
                          {issue.count} lines · since {when(issue.firstSeen)}
                          {issue.otherCustomers > 0
                            ? ` · ${issue.otherCustomers} other customer(s) hit`
                            : ""}
                        </IssueHeadline>
                      </td>
                      <td>
                        {issue.last24h} / {issue.last7d}
                      </td>
                      <td>
                        <Badge kind={`trend-${issue.trend.class}`} text={issue.trend.class} />
                        <div class="muted small">{issue.trend.reason}</div>
                      </td>
                      <td class="small">{issue.versions.join(", ") || "—"}</td>
                      <td>
                        {issue.tickets.length === 0
                          ? <span class="muted">none</span>
                          : issue.tickets.map((t) => (
                            <a href={`/console/tickets/${encodeURIComponent(t.ticketId)}`}>
                              {t.ticketId}
                              {" "}
                            </a>
                          ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </section>
    </Layout>
  );
}
