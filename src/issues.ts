import { ISSUE_MIN_SEVERITY } from "../domain/issues/mod.ts";
import { type Priority, rankPriorities, type SupportCost } from "../domain/priorities/mod.ts";
import type { Ticket } from "../domain/tickets/mod.ts";
import { isOpenStatus } from "../domain/tickets/mod.ts";
import { LoupeError } from "../ports/errors.ts";
import type { IssueApi, IssueQuery, IssueView } from "../ports/issues.ts";
import type { ProjectionStore } from "../ports/projection_store.ts";
import type { Attribution } from "./customers/attribution.ts";
import type { ImpactService } from "./impact.ts";
import { type DetectedIssue, ISSUE_TABLES } from "./projections/issues.ts";
import { type CatalogEntry, HOUR_MS, TABLES } from "./projections/signatures.ts";
import { summaryOf, TICKET_TABLES } from "./projections/tickets.ts";
import type { TrendService } from "./trends.ts";

const DAY_MS = 24 * HOUR_MS;
/** Signatures ranked for engineering: seen within this long of the latest data. */
const PRIORITY_WINDOW_MS = 30 * DAY_MS;

/** Detected issues with who they hit so far, and what engineering should fix first. */
export class IssueService implements IssueApi {
  readonly #reader: ProjectionStore;
  readonly #attribution: Attribution;
  readonly #impact: ImpactService;
  readonly #trends: TrendService;

  constructor(
    reader: ProjectionStore,
    attribution: Attribution,
    impact: ImpactService,
    trends: TrendService,
  ) {
    this.#reader = reader;
    this.#attribution = attribution;
    this.#impact = impact;
    this.#trends = trends;
  }

  issues(query: IssueQuery): { total: number; items: IssueView[] } {
    const matching: IssueView[] = [];
    const asOf = this.#impact.asOf();
    for (const { key } of this.#reader.range(ISSUE_TABLES.byTime, { reverse: true })) {
      const issue = this.#reader.get<DetectedIssue>(ISSUE_TABLES.issues, [String(key[1])]);
      if (issue === undefined) continue;
      if (query.kind !== undefined && issue.kind !== query.kind) continue;
      if (query.status !== undefined && statusOf(issue, asOf) !== query.status) continue;
      const view = this.#view(issue, asOf);
      if (
        query.customer !== undefined && !view.affected.some((a) => a.customer === query.customer)
      ) {
        continue;
      }
      matching.push(view);
    }
    return {
      total: matching.length,
      items: matching.slice(query.offset, query.offset + query.limit),
    };
  }

  issue(issueId: string): IssueView {
    const issue = this.#reader.get<DetectedIssue>(ISSUE_TABLES.issues, [issueId]);
    if (issue === undefined) throw new LoupeError("not_found", `Cannot find issue ${issueId}`);
    return this.#view(issue, this.#impact.asOf());
  }

  priorities(limit: number, minSeverity = 17): { asOf: number; items: Priority[] } {
    const asOf = this.#impact.asOf();
    const inputs = [];
    for (const { value: entry } of this.#reader.range<CatalogEntry>(TABLES.signatures)) {
      if (entry.severityNumber < Math.max(minSeverity, ISSUE_MIN_SEVERITY)) continue;
      if (entry.count === 0) continue;
      if ((entry.lastSeen ?? -Infinity) < asOf - PRIORITY_WINDOW_MS) continue;
      const { affected, impact } = this.#impact.affectedSummary(entry.signatureId);
      const trend = this.#trends.trend(entry.signatureId);
      inputs.push({
        signatureId: entry.signatureId,
        template: entry.template,
        severityNumber: entry.severityNumber,
        impact,
        customers: affected.length,
        trend: trend.trend.class,
        trendReason: trend.trend.reason,
        cost: supportCost(this.#linkedTickets(entry.signatureId), asOf),
      });
    }
    return { asOf, items: rankPriorities(inputs).slice(0, limit) };
  }

  #linkedTickets(signatureId: string): Ticket[] {
    return [...this.#reader.range(TICKET_TABLES.signatureTickets, { prefix: [signatureId] })]
      .map(({ key }) => this.#reader.get<Ticket>(TICKET_TABLES.tickets, [String(key[1])]))
      .filter((t): t is Ticket => t !== undefined);
  }

  #view(issue: DetectedIssue, asOf: number): IssueView {
    const entry = this.#reader.get<CatalogEntry>(TABLES.signatures, [issue.signatureId]);
    const { affected, impact } = this.#impact.affectedSummary(issue.signatureId);
    return {
      issueId: issue.issueId,
      signatureId: issue.signatureId,
      template: entry?.template ?? "",
      severityNumber: entry?.severityNumber ?? 0,
      kind: issue.kind,
      reason: issue.reason,
      detectedAt: issue.detectedAt,
      lastSeen: issue.lastSeen,
      status: statusOf(issue, asOf),
      affected,
      impact,
      tickets: this.#linkedTickets(issue.signatureId).map(summaryOf),
    };
  }
}

function statusOf(issue: DetectedIssue, asOf: number): "active" | "resolved" {
  return issue.lastSeen >= asOf - DAY_MS ? "active" : "resolved";
}

/**
 * What a recurring issue costs support: its linked tickets, the hours they
 * were open (to `now` for those still open) and their escalations.
 */
export function supportCost(tickets: readonly Ticket[], now: number): SupportCost {
  let handlingMs = 0;
  let open = 0;
  let escalations = 0;
  for (const ticket of tickets) {
    const end = ticket.closedAt ?? Math.max(now, ticket.updatedAt);
    handlingMs += Math.max(0, end - ticket.openedAt);
    if (isOpenStatus(ticket.status)) open++;
    escalations += ticket.escalations ?? 0;
  }
  return {
    tickets: tickets.length,
    openTickets: open,
    handlingHours: handlingMs / HOUR_MS,
    escalations,
  };
}
