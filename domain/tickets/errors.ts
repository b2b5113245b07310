/**
 * Why a ticket command was refused. The domain cannot know about HTTP: the
 * application maps each code to the service's error type.
 */
export type TicketViolationCode =
  /** The ticket has no events yet. */
  | "not_found"
  /** The ticket was opened already. */
  | "already_exists"
  /** The status change is not one of the legal transitions. */
  | "illegal_transition"
  /** A closed ticket is final. */
  | "closed"
  /** A field is missing or malformed. */
  | "invalid";

export class TicketRuleViolation extends Error {
  constructor(
    readonly code: TicketViolationCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "TicketRuleViolation";
  }
}
