/**
 * The integration side of the application, as the HTTP adapter sees it:
 * webhooks in, deliveries out, and one timeline per issue.
 * src/sync implements it.
 */
import type { Origin, OutboundAction } from "./ticketing.ts";

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface DeliveryView {
  readonly deliveryId: string;
  readonly system: string;
  readonly kind: OutboundAction["kind"];
  readonly target: string | null;
  readonly origin: Origin;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** Times the remote said to slow down (429): waited out, not counted as failures. */
  readonly throttled: number;
  readonly queuedAt: number;
  readonly nextAttemptAt: number | null;
  readonly deliveredAt: number | null;
  readonly lastError: string | null;
  readonly remoteId: string | null;
}

/** A status change in Jira, as its webhook tells it. */
export interface JiraStatusChange {
  readonly key: string;
  readonly toStatus: string;
  readonly toCategory: "new" | "indeterminate" | "done";
  readonly fixVersions: readonly string[];
  readonly at: number;
}

export interface TimelineStep {
  readonly step: string;
  readonly at: number | null;
  /** Which system the fact came from: loupe, zendesk, jira, logs. */
  readonly source: string;
  readonly detail: Record<string, unknown>;
}

export interface TicketSyncView {
  readonly system: string;
  readonly remoteId: string;
  readonly remoteStatus: string | null;
  readonly remoteUpdatedAt: number | null;
  readonly customerMatchedBy: string | null;
  /** True when the customer could not be told: kept as `unknown`, never guessed. */
  readonly customerUnknown: boolean;
  readonly customerClue: string | null;
  readonly environment: string | null;
  readonly deliveries: readonly DeliveryView[];
}

export interface IntegrationApi {
  /** Which systems are configured (credentials never included). */
  configured(): { readonly zendesk: boolean; readonly jira: boolean; readonly webhook: boolean };
  /** A webhook named a Zendesk ticket: read it from the API and apply it. */
  zendeskTicketChanged(remoteId: string): Promise<{ ticketId: string; changes: number }>;
  jiraIssueChanged(change: JiraStatusChange): Promise<{ issueId: string | null; applied: string }>;
  createJiraIssue(issueId: string, by: string | null): Promise<DeliveryView>;
  deliveries(status?: DeliveryStatus): readonly DeliveryView[];
  retryDelivery(deliveryId: string, by: string | null): Promise<DeliveryView>;
  timeline(issueId: string): Promise<readonly TimelineStep[]>;
  /** null when the ticket is not synced with anything. */
  ticketSync(ticketId: string): Promise<TicketSyncView | null>;
}
