/**
 * The ticketing systems Loupe talks to (Zendesk, Jira, a plain signed
 * webhook): what the sync use cases send out, and what they read back in.
 * Every adapter runs the contract in test/contracts/ticketing_contract.ts.
 */

import type { Origin, OutboundAction } from "../domain/ticketing/events.ts";

export type { Origin, OutboundAction };

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
