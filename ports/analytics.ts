/**
 * What the ticket analytics offer the edges (HTTP, CLI): predictions,
 * resolution patterns, staffing and escalations, and the history import.
 */
import type { Factor, Prediction } from "../domain/analytics/model.ts";
import type { SHIFTS } from "../domain/analytics/staffing.ts";
import type { EngineeringFactor } from "../domain/analytics/engineering.ts";
import type { AgentHoursEstimate } from "../domain/analytics/handle_time.ts";
import type { ImportedTicket, TicketImportReceipt } from "./ticket_import.ts";

/** Resolution targets per severity (hours), the SLA escalations are ranked against. */
export const RESOLUTION_SLA_HOURS: Readonly<Record<string, number>> = {
  critical: 8,
  high: 24,
  medium: 72,
  low: 120,
};

/** How likely a ticket is to need engineering, and what says so. */
export interface EngineeringNeed {
  readonly probability: number;
  /**
   * `model`: the calibrated logistic regression; `share`: the issue's share of
   * escalated tickets (too little history for a model); `escalated`: it already was.
   */
  readonly method: "model" | "share" | "escalated";
  readonly factors: readonly EngineeringFactor[];
}

/** The agent time a ticket is expected to take, and from what. */
export interface AgentHoursNeed {
  readonly hours: number;
  readonly basis: string;
}

export interface TicketPrediction extends Prediction {
  readonly ticketId: string;
  readonly openedAt: number;
  /** The moment the prediction describes: the ticket's state then, given it was still open. */
  readonly asOf: number;
  /** The prediction at open, before the time already spent was taken into account. */
  readonly atOpen: Pick<Prediction, "medianHours" | "lowHours" | "highHours">;
  readonly elapsedHours: number;
  readonly expectedBy: number;
  readonly range: { readonly from: number; readonly to: number };
  readonly factors: readonly Factor[];
  readonly complexityFactors: readonly { readonly factor: string; readonly value: string }[];
  readonly engineeringProbability: number;
  readonly engineering: EngineeringNeed;
  readonly agentHours: AgentHoursNeed | null;
  /**
   * What the range was calibrated on, as known at the prediction's moment:
   * "no issue", "issue", "issue, earlier tickets waiting", "issue, fix
   * rolling out" (a release fixed it elsewhere, the ticket's environment is not
   * on it yet) or "issue, fix here".
   */
  readonly rangeGroup: string;
  readonly model: { readonly trainedOn: number; readonly calibratedOn: number };
}

/** One change to a ticket and the prediction as it stood right after it. */
export interface PredictionUpdate {
  readonly at: number;
  readonly event: string;
  /** What changed, in words ("severity high → critical", "comment by ann@acme.example"). */
  readonly change: string;
  readonly medianHours: number;
  readonly lowHours: number;
  readonly highHours: number;
  readonly engineeringProbability: number;
}

export interface PredictionHistory {
  readonly prediction: TicketPrediction;
  /** Every change up to the prediction's moment, oldest first, with the prediction after it. */
  readonly updates: readonly PredictionUpdate[];
}

export const RESOLUTION_GROUPINGS = [
  "issue",
  "severity",
  "tier",
  "customer",
  "assignee",
  "environment",
] as const;
export type ResolutionGrouping = (typeof RESOLUTION_GROUPINGS)[number];

export interface ResolutionPatterns {
  readonly by: ResolutionGrouping;
  readonly groups: readonly {
    readonly key: string;
    readonly tickets: number;
    readonly resolved: number;
    readonly medianHours: number | null;
    readonly p80Hours: number | null;
    readonly last30dMedianHours: number | null;
    readonly previous30dMedianHours: number | null;
    readonly reopenRate: number;
    readonly escalationRate: number;
    /** Mean measured agent hours of its resolved tickets with agent activity; null if none. */
    readonly agentHours: number | null;
    readonly agentHoursMeasured: number;
  }[];
}

export interface StaffingAssumptions {
  /** Agent time one ticket takes (the queue's mean service time); measured from history when absent. */
  readonly agentHoursPerTicket?: number;
  readonly firstReplyTargetHours: number;
  /** Share of tickets to answer within the target. */
  readonly targetShare: number;
}

export interface EmergingIssue {
  readonly issue: string;
  readonly customersHit: number;
  readonly customersFiled: number;
  readonly customersPending: number;
  readonly expectedTickets: number;
}

export interface StaffingForecast {
  readonly asOf: number;
  readonly shifts: readonly {
    readonly day: number;
    readonly shift: (typeof SHIFTS)[number]["name"];
    readonly from: number;
    readonly to: number;
    readonly expectedTickets: number;
    readonly fromHistory: number;
    readonly fromEmergingIssues: number;
    readonly weeksOfHistory: number;
    readonly workloadAgentHours: number;
    readonly agentsNeeded: number;
    readonly serviceLevel: number;
  }[];
  readonly emergingIssues: readonly EmergingIssue[];
  readonly assumptions: Required<StaffingAssumptions>;
  readonly agentHours: AgentHoursEstimate;
}

export interface EscalationCandidate {
  readonly ticketId: string;
  readonly customer: string;
  readonly severity: string;
  readonly status: string;
  readonly issue: string | null;
  readonly breachProbability: number;
  readonly engineeringProbability: number;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly action: string;
}

export interface AnalyticsApi {
  prediction(ticketId: string): TicketPrediction;
  /** The prediction from the ticket's state at `at` (default now), and how each change moved it. */
  predictionHistory(ticketId: string, at?: number): Promise<PredictionHistory>;
  resolution(by: ResolutionGrouping): ResolutionPatterns;
  staffing(from: number, to: number, assumptions: StaffingAssumptions): StaffingForecast;
  escalations(limit: number): EscalationCandidate[];
  importTickets(
    tickets: readonly ImportedTicket[],
    by: string | null,
  ): Promise<TicketImportReceipt>;
}
