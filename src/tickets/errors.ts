import { LoupeError } from "../../ports/errors.ts";
import { RuleViolation } from "../../domain/rules/mod.ts";
import { TicketRuleViolation } from "../../domain/tickets/mod.ts";

/** The domain's refusals as the service's one error type; anything else passes through. */
export function asLoupeError(error: unknown): unknown {
  if (error instanceof TicketRuleViolation) {
    switch (error.code) {
      case "not_found":
        return new LoupeError("not_found", error.message, error.details);
      case "invalid":
        return new LoupeError("validation_failed", error.message, error.details);
      case "already_exists":
      case "illegal_transition":
      case "closed":
        return new LoupeError("conflict", error.message, { reason: error.code, ...error.details });
    }
  }
  if (error instanceof RuleViolation) {
    return new LoupeError("validation_failed", error.message, error.details);
  }
  return error;
}

/** Runs `work`, turning domain refusals into LoupeErrors. */
export function mapped<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw asLoupeError(error);
  }
}
