/**
 * What the ticketing sync appends: the outbox's deliveries, each issue's
 * links to Jira and what came back, and what was read from Zendesk.
 *
 * @module
 */

import type { ImpactChange } from "./sync_rules.ts";

/** Which system a change came from or goes to: a change is never sent back to its origin. */
export type Origin = "loupe" | "zendesk" | "jira" | "webhook";

/**
 * One change to make on a remote. `marker` makes it idempotent there: a note
 * carries it in its text, a created issue in a label; sending the same
 * action twice (a retry after a crash) leaves one effect.
 */
export type OutboundAction =
  | {
    readonly kind: "note";
    /** The remote ticket or issue (Zendesk ticket id, Jira key). */
    readonly target: string;
    readonly body: string;
    readonly marker: string;
    /** Tags (labels) added, never removed. */
    readonly tags: readonly string[];
  }
  | {
    readonly kind: "create_issue";
    readonly marker: string;
    readonly summary: string;
    readonly description: string;
    readonly labels: readonly string[];
    /** The link back to Loupe; `globalId` keeps a retry from adding a second one. */
    readonly link: { readonly globalId: string; readonly url: string; readonly title: string };
  }
  | {
    readonly kind: "transition";
    readonly target: string;
    readonly marker: string;
    /** The status category wanted: nothing is done when the remote is in it already. */
    readonly toCategory: "new" | "indeterminate" | "done";
    /** Preferred status name among those of that category, when several fit. */
    readonly statusName: string | null;
  };

/** A delivery as queued: the action, where it goes and why. */
export interface DeliveryQueuedData {
  readonly deliveryId: string;
  readonly system: Exclude<Origin, "loupe">;
  readonly action: OutboundAction;
  readonly orderKey: string;
  /** Why it was sent: the change it carries came from here. */
  readonly origin: Origin;
  readonly dedupeKey: string;
  /**
   * The customers the action's text names or holds data of (the delivery is
   * sealed under each one's key); absent on deliveries queued before.
   */
  readonly customers?: readonly string[];
  readonly queuedAt: number;
}

/** Every delivery's life: queued, attempted, delivered, dead-lettered, retried. */
export type OutboxEvent =
  | { type: "DeliveryQueued"; data: DeliveryQueuedData }
  | {
    type: "DeliveryAttemptFailed";
    data: {
      deliveryId: string;
      attempt: number;
      at: number;
      error: string;
      status: number;
      nextAttemptAt: number;
      /** The delivery's customers: the error may quote its text. Absent on attempts before. */
      customers?: readonly string[];
    };
  }
  | {
    type: "DeliveryThrottled";
    data: { deliveryId: string; at: number; throttled: number; nextAttemptAt: number };
  }
  | {
    type: "DeliveryDelivered";
    data: { deliveryId: string; at: number; remoteId: string | null; alreadyDone: boolean };
  }
  | {
    type: "DeliveryDeadLettered";
    data: {
      deliveryId: string;
      at: number;
      error: string;
      attempts: number;
      /** As on a failed attempt. */
      customers?: readonly string[];
    };
  }
  | { type: "DeliveryRetryRequested"; data: { deliveryId: string; at: number; by: string | null } };

/** One Loupe issue's links to Jira and what came back (fixed, reopened), and impact reported. */
export type IssueSyncEvent =
  | { type: "JiraIssueLinked"; data: { issueId: string; key: string; at: number; origin: Origin } }
  | {
    type: "IssueFixed";
    data: {
      issueId: string;
      key: string | null;
      fixVersions: string[];
      at: number;
      origin: Origin;
    };
  }
  | {
    type: "IssueReopened";
    data: {
      issueId: string;
      at: number;
      origin: Origin;
      reason: string;
      version: string | null;
      customer: string | null;
    };
  }
  | {
    type: "IssueImpactReported";
    /**
     * One part of a report: a report is appended as one part per customer
     * (parts of one report share `at`), each sealed under its own customer.
     * Reports before named all their customers in one event, with the whole
     * `reason`; `change` is absent on those.
     */
    data: {
      issueId: string;
      at: number;
      customers: { customer: string; tier: string | null }[];
      reason: string;
      /** The report's change as far as this part's customer is concerned; null when it is not. */
      change?: ImpactChange | null;
    };
  };

export interface ZendeskCursorSaved {
  readonly type: "ZendeskCursorSaved";
  readonly data: { readonly cursor: string; readonly at: number; readonly tickets: number };
}

export interface ZendeskTicketSynced {
  readonly type: "ZendeskTicketSynced";
  readonly data: {
    readonly remoteId: string;
    readonly ticketId: string;
    readonly remoteStatus: string;
    readonly remoteUpdatedAt: number;
    readonly customer: string | null;
    /** organization, requester_domain, or unknown (flagged: never guessed). */
    readonly customerMatchedBy: string;
    readonly customerClue: string | null;
    readonly environment: string | null;
    readonly origin: Origin;
    readonly at: number;
  };
}

/** Everything the ticketing sync appends. */
export type SyncEvent = OutboxEvent | IssueSyncEvent | ZendeskCursorSaved | ZendeskTicketSynced;
