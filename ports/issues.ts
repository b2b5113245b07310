/** Detected issues and engineering priorities, as the HTTP adapter and CLIs see them. */
import type { Priority } from "../domain/priorities/mod.ts";
import type { AffectedCustomer } from "./impact.ts";
import type { TicketSummary } from "./tickets.ts";

export type IssueStatus = "active" | "resolved";

export interface IssueView {
  readonly issueId: string;
  readonly signatureId: string;
  readonly template: string;
  readonly severityNumber: number;
  readonly kind: "new" | "surge";
  readonly reason: string;
  readonly detectedAt: number;
  readonly lastSeen: number;
  /** Active while it logged within the last day of data. */
  readonly status: IssueStatus;
  /** Every customer hit so far, heaviest first. */
  readonly affected: readonly AffectedCustomer[];
  readonly impact: number;
  readonly tickets: readonly TicketSummary[];
}

export interface IssueQuery {
  readonly status?: IssueStatus;
  readonly kind?: "new" | "surge";
  readonly customer?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface IssueApi {
  /** Newest first. */
  issues(query: IssueQuery): { readonly total: number; readonly items: readonly IssueView[] };
  /** Throws LoupeError not_found for an unknown id. */
  issue(issueId: string): IssueView;
  /** Signatures at or above a severity (ERROR by default) seen in the last 30 days, ranked. */
  priorities(
    limit: number,
    minSeverity?: number,
  ): { readonly asOf: number; readonly items: readonly Priority[] };
}
