import type { CommentVisibility, TicketSeverity, TicketStatus } from "../domain/tickets/mod.ts";

/** One step of an imported ticket's history, at the time it really happened (epoch ms). */
export type ImportedStep =
  | {
    readonly kind: "comment";
    readonly at: number;
    readonly author: string;
    readonly body: string;
    readonly visibility: CommentVisibility;
  }
  | { readonly kind: "status"; readonly at: number; readonly status: TicketStatus }
  | { readonly kind: "assign"; readonly at: number; readonly assignee: string }
  | {
    readonly kind: "resolve";
    readonly at: number;
    readonly rootCause: string;
    readonly solution: string;
    readonly prevention: string | null;
    readonly resolver: string;
  };

/** A ticket from another system, with its whole history. */
export interface ImportedTicket {
  /** Where it came from (`simulator`, `csv`, `zendesk`) and its id there: together they make it unique. */
  readonly system: string;
  readonly externalId: string;
  readonly customer: string;
  readonly environment: string;
  readonly subject: string;
  readonly description: string;
  readonly severity: TicketSeverity;
  readonly reporter: string;
  readonly openedAt: number;
  readonly window: { readonly from: number; readonly to: number } | null;
  /**
   * The import applies them by time; steps of one instant in the order given
   * here, which only the source knows (a ticket opened, answered and solved in
   * one reply goes new → open → solved, and an export's rows of one second
   * keep their order).
   */
  readonly steps: readonly ImportedStep[];
}

export interface TicketImportReceipt {
  readonly imported: number;
  readonly alreadyImported: number;
  /** Steps the ticket rules refused (a status change a closed ticket cannot make), with why. */
  readonly skippedSteps: number;
  readonly ticketIds: readonly string[];
}
