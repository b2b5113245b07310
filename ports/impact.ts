/** What the impact views answer: who a signature hits and how badly, and a customer's issues. */
import type { CustomerExposure, ImpactScore, Propagation } from "../domain/impact/mod.ts";
import type { TrendClass } from "../domain/trends/mod.ts";
import type { Customer } from "../domain/customers/mod.ts";
import type { SignatureSummary } from "./application.ts";
import type { TicketSummary } from "./tickets.ts";

/** One customer a signature hit, as the directory knows it. */
export interface AffectedCustomer extends CustomerExposure {
  /** From the directory; null for a customer it does not have. */
  readonly name: string | null;
}

export interface SignatureImpact {
  readonly signature: SignatureSummary;
  /** The time the answer is about: the latest record stored. */
  readonly asOf: number;
  /** Heaviest first. */
  readonly affected: readonly AffectedCustomer[];
  /** Records of this signature no customer could be attributed to. */
  readonly unattributed: number;
  readonly impact: ImpactScore;
  readonly propagation: Propagation;
}

export interface TrendView {
  readonly class: TrendClass;
  readonly reason: string;
  readonly ratio: number;
  readonly pValue: number;
}

/** One issue as it hits one customer: its signatures' lines at this customer, summed. */
export interface CustomerIssue {
  readonly issueId: string;
  /** The issue's busiest signature (its template's), for drill-down. */
  readonly signatureId: string;
  /** The issue's signatures with lines at this customer, the most lines first. */
  readonly signatureIds: readonly string[];
  /** The issue's template: its busiest signature's. */
  readonly template: string;
  readonly severityNumber: number;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly last24h: number;
  readonly last7d: number;
  readonly environments: readonly string[];
  readonly versions: readonly string[];
  /** This customer's own series (summed over the issue's signatures) against its own history. */
  readonly trend: TrendView;
  /** Other customers the issue hits. */
  readonly otherCustomers: number;
  /** The issue's impact over every customer. */
  readonly impact: number;
  /** This customer's tickets linked to any of the issue's signatures. */
  readonly tickets: readonly TicketSummary[];
}

export interface CustomerImpactReport {
  readonly customer: Customer & { readonly weightUsed: number };
  readonly asOf: number;
  /** Each environment the customer logs from, its latest version and last record. */
  readonly environments: readonly {
    readonly environment: string;
    readonly version: string | null;
    readonly lastSeen: number;
  }[];
  readonly openTickets: readonly TicketSummary[];
  readonly issues: readonly CustomerIssue[];
}

export interface CustomerImpactQuery {
  /** Lowest severity number shown (default WARN, 13). */
  readonly minSeverity: number;
  readonly limit: number;
  /** "Now" for the report's last 24 hours, last 7 days and trends (the latest trustworthy record by default). */
  readonly asOf?: number;
}

export interface ImpactApi {
  /** Throws LoupeError not_found for an unknown signature. */
  /** As of the latest trustworthy record, or `asOf`. */
  signatureImpact(signatureId: string, asOf?: number): SignatureImpact;
  /** Throws LoupeError not_found for a customer neither the directory nor the logs know. */
  customerImpact(customerId: string, query: CustomerImpactQuery): CustomerImpactReport;
}
