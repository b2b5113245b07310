/**
 * The ticketing systems Loupe talks to (Zendesk, Jira, a plain signed
 * webhook): what the sync use cases send out, and what they read back in.
 * Every adapter runs the contract in test/contracts/ticketing_contract.ts.
 */

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

export interface DeliveryResult {
  /** What the remote calls the thing made (a Jira key), when something was made. */
  readonly remoteId: string | null;
  /** True when the remote had it already: nothing was written this time. */
  readonly alreadyDone: boolean;
  /**
   * The remote's answers said its rate limit is spent (or nearly) and when
   * it resets: no call to it for this long (ms). Absent or null when it has
   * room or did not say.
   */
  readonly quotaWaitMs?: number | null;
}

/** A remote refused or failed. `retryable` failures are tried again later. */
export class RemoteError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
    /** From Retry-After, when the remote said. */
    readonly retryAfterMs: number | null = null,
    /** As DeliveryResult.quotaWaitMs: the remote's rate limit is spent for this long. */
    readonly quotaWaitMs: number | null = null,
  ) {
    super(message);
    this.name = "RemoteError";
  }
}

/** A ticketing system Loupe writes to. */
export interface TicketingSystem {
  readonly system: Exclude<Origin, "loupe">;
  /**
   * Throws RemoteError; a second call with the same action changes nothing.
   * Says when the remote's rate limit is spent (`quotaWaitMs`), and makes no
   * call while it is (a retryable 429 instead).
   */
  deliver(action: OutboundAction): Promise<DeliveryResult>;
}

export interface RemoteComment {
  readonly id: string;
  readonly body: string;
  readonly public: boolean;
  readonly authorEmail: string | null;
  readonly createdAt: number;
}

/** A support ticket as the remote has it now, with every comment, times as the remote recorded them. */
export interface RemoteTicket {
  readonly id: string;
  readonly subject: string;
  readonly description: string;
  /** The remote's own status word (Zendesk: new, open, pending, hold, solved, closed). */
  readonly status: string;
  readonly priority: string | null;
  readonly tags: readonly string[];
  readonly customFields: readonly { readonly id: string; readonly value: unknown }[];
  readonly requesterEmail: string | null;
  readonly organization: { readonly name: string; readonly domains: readonly string[] } | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly comments: readonly RemoteComment[];
  /** Every status change with its time, oldest first; empty when the remote does not say. */
  readonly statusChanges: readonly { readonly status: string; readonly at: number }[];
}

/** One page of the remote's change feed. */
export interface ChangePage {
  readonly ticketIds: readonly string[];
  readonly cursor: string | null;
  readonly endOfStream: boolean;
}

/** A ticketing system Loupe reads tickets from. */
export interface TicketSource {
  readonly system: Exclude<Origin, "loupe">;
  ticket(id: string): Promise<RemoteTicket>;
  /** From a cursor of an earlier page, or (first sync) from a start time. */
  changes(from: { readonly cursor: string } | { readonly startTime: number }): Promise<ChangePage>;
}

/** How a Loupe marker is written into a note, so a retry can find the note it already made. */
export function markerText(marker: string): string {
  return `[loupe:${marker}]`;
}

/** True for a note Loupe wrote: reading it back is an echo, not a remote change. */
export function isLoupeNote(body: string): boolean {
  return /\[loupe:[^\]\s]+\]/.test(body);
}
