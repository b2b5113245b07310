/** Issues (one problem, the signatures it shows as) and engineering priorities, as the HTTP adapter and CLIs see them. */
import type { Priority } from "../domain/priorities/mod.ts";
import type { TrendVerdict, VersionVerdict } from "../domain/trends/mod.ts";
import type { AsOf } from "../domain/issues/as_of.ts";
import type { AffectedCustomer } from "./impact.ts";
import type { TicketSummary } from "./tickets.ts";

/**
 * new: first seen within the last day; active: logging within the last day;
 * resolved: quiet for a day or more; regressed: logging again after a quiet day.
 */
export type IssueStatus = "new" | "active" | "resolved" | "regressed";

export interface IssueSignature {
  readonly signatureId: string;
  readonly template: string;
  readonly severityNumber: number;
  readonly count: number;
}

/** The values seen at one variable position of the issue's message, most frequent first. */
export interface IssueFacet {
  /** Token index in the issue's template (its busiest signature's first line). */
  readonly position: number;
  /** The template with this position shown as `{…}`. */
  readonly template: string;
  readonly values: readonly { readonly value: string; readonly count: number }[];
  /** Lines whose value is not among those listed. */
  readonly other: number;
}

export interface IssueDetection {
  readonly kind: "new" | "surge";
  readonly reason: string;
  readonly detectedAt: number;
}

export interface IssueView {
  readonly issueId: string;
  /** Its busiest signature, which names it. */
  readonly signatureId: string;
  readonly template: string;
  readonly severityNumber: number;
  readonly signatures: readonly IssueSignature[];
  /** Why its signatures are one issue ("same exception ... at ...", "same message template ..."). */
  readonly mergeReasons: readonly string[];
  /** Lines, first and last seen up to "as of". */
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** How it was raised: null while it never was. Upgrade noise is detected but not listed. */
  readonly detection: IssueDetection | null;
  readonly status: IssueStatus;
  /** Its lines fall only in the restart and warm-up window of a version change. */
  readonly upgradeNoise: boolean;
  /** What the upgrade check found, when an upgrade window is involved. */
  readonly upgradeNote: string | null;
  /** Every customer hit so far, heaviest first. */
  readonly affected: readonly AffectedCustomer[];
  readonly impact: number;
  readonly tickets: readonly TicketSummary[];
  readonly asOf: number;
}

export interface IssueDetail extends IssueView {
  readonly facets: readonly IssueFacet[];
  readonly trend: TrendVerdict;
  readonly versions: VersionVerdict;
}

export interface IssueQuery {
  /** `active` matches every issue not resolved (new, active, regressed). */
  readonly status?: IssueStatus;
  readonly kind?: "new" | "surge";
  readonly customer?: string;
  /** "Now" for the question; the latest trustworthy record time by default. */
  readonly asOf?: number;
  /** Also list issues that are only upgrade noise. */
  readonly includeUpgradeNoise?: boolean;
  readonly limit: number;
  readonly offset: number;
}

export interface IssueCorrectionReceipt {
  readonly issue: IssueView;
  readonly position: number;
}

export interface IssueApi {
  /** Detected issues, newest detection first. */
  issues(query: IssueQuery): { readonly total: number; readonly items: readonly IssueView[] };
  /** Throws LoupeError not_found for an unknown id. */
  issue(issueId: string, asOf?: number): IssueDetail;
  /** The issue a signature is part of; throws not_found for an unknown signature. */
  issueOfSignature(signatureId: string): string;
  /** Issues at or above a severity (ERROR by default) seen in the last 30 days, ranked. */
  priorities(
    limit: number,
    minSeverity?: number,
    asOf?: number,
  ): { readonly asOf: number; readonly items: readonly Priority[] };
  /** The latest trustworthy record time and the outliers left out of it. */
  asOfInfo(): AsOf;
  /** A person's merge of other issues into this one, kept as an event. */
  merge(issueId: string, merged: readonly string[], by: string | null): Promise<
    IssueCorrectionReceipt
  >;
  /** A person's split: the signatures named leave it; none named undoes its merges. */
  split(issueId: string, signatureIds: readonly string[], by: string | null): Promise<
    IssueCorrectionReceipt
  >;
}
