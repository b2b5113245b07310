import { TicketRuleViolation } from "./errors.ts";
import {
  checkTicketField,
  invalid,
  openingTicketFields,
  required,
  sameTicketField,
  TICKET_FIELD_NAMES,
  type TicketFieldChanges,
} from "./fields.ts";
import { canTransition, TRANSITIONS } from "./status.ts";
import {
  type CommandMetadata,
  type Ticket,
  TICKET_SEVERITIES,
  TICKET_STATUSES,
  type TicketCommand,
  type TicketEvent,
  type TicketState,
} from "./types.ts";

/**
 * What a command changes, as events; `[]` when it changes nothing (assigning
 * the current assignee, linking what is linked). Throws TicketRuleViolation
 * when the command is not allowed in this state.
 *
 * @example
 * ```ts
 * import { decide } from "./decide.ts";
 * import assert from "node:assert/strict";
 * const events = decide({
 *   type: "OpenTicket", ticketId: "t1", customer: "acme", environment: "prod",
 *   subject: "Checkout fails", description: "Payment fails since 10:00",
 *   severity: "high", reporter: "ann@acme.test", externalRef: null, window: null, openedAt: null,
 * }, null, { at: 1_000, by: null });
 * assert.equal(events[0]!.type, "TicketOpened");
 * ```
 */
export function decide(
  command: TicketCommand,
  state: TicketState,
  metadata: CommandMetadata,
): TicketEvent[] {
  if (command.type === "OpenTicket") {
    if (state !== null) {
      throw new TicketRuleViolation(
        "already_exists",
        `Cannot open ticket ${command.ticketId}: it exists already`,
      );
    }
    required("ticket id", command.ticketId, "open ticket");
    required("customer", command.customer, "open ticket");
    required("environment", command.environment, "open ticket");
    const fields = openingTicketFields(command);
    for (const name of TICKET_FIELD_NAMES) checkTicketField(name, fields[name], "open ticket");
    required("reporter", command.reporter, "open ticket");
    oneOf("severity", command.severity, TICKET_SEVERITIES, "open ticket");
    if (command.openedAt !== null && !Number.isFinite(command.openedAt)) {
      throw invalid("open ticket", "opened_at is not a time");
    }
    return [{
      type: "TicketOpened",
      data: {
        ticketId: command.ticketId,
        customer: command.customer,
        environment: command.environment,
        ...fields,
        severity: command.severity,
        reporter: command.reporter,
        openedAt: command.openedAt ?? metadata.at,
        at: metadata.at,
        by: metadata.by,
      },
    }];
  }
  if (state === null) {
    throw new TicketRuleViolation("not_found", "Cannot change the ticket: it does not exist");
  }
  const base = { ticketId: state.ticketId, at: metadata.at, by: metadata.by };
  switch (command.type) {
    case "EditTicket": {
      refuseWhenClosed(state, "edit");
      const changed: Partial<Record<keyof TicketFieldChanges, unknown>> = {};
      for (const name of TICKET_FIELD_NAMES) {
        const value = command[name];
        if (value === undefined || sameTicketField(name, value, state[name])) continue;
        checkTicketField(name, value, "edit ticket");
        changed[name] = value;
      }
      if (Object.keys(changed).length === 0) return [];
      // Each value was checked against its own field's rule just above.
      return [{ type: "TicketEdited", data: { ...base, ...(changed as TicketFieldChanges) } }];
    }
    case "CommentOnTicket":
      refuseWhenClosed(state, "comment on");
      required("comment id", command.commentId, "comment");
      required("author", command.author, "comment");
      required("body", command.body, "comment");
      oneOf("visibility", command.visibility, ["public", "internal"], "comment");
      if (state.comments.some((c) => c.commentId === command.commentId)) {
        throw new TicketRuleViolation(
          "already_exists",
          `Cannot comment: comment ${command.commentId} exists already`,
        );
      }
      return [{
        type: "TicketCommented",
        data: {
          ...base,
          commentId: command.commentId,
          author: command.author,
          body: command.body,
          visibility: command.visibility,
        },
      }];
    case "ChangeTicketStatus": {
      oneOf("status", command.status, TICKET_STATUSES, "change status");
      if (command.status === state.status) return [];
      if (state.status === "closed") {
        throw new TicketRuleViolation(
          "closed",
          `Cannot change the status of ticket ${state.ticketId}: it is closed, and a closed ticket is final`,
          { from: state.status, to: command.status, allowed: [] },
        );
      }
      if (command.status === "solved" && canTransition(state.status, "solved")) {
        throw new TicketRuleViolation(
          "illegal_transition",
          `Cannot change status from ${state.status} to solved: record a resolution instead`,
          { from: state.status, to: command.status, allowed: legalTargets(state) },
        );
      }
      if (!canTransition(state.status, command.status)) {
        throw new TicketRuleViolation(
          "illegal_transition",
          `Cannot change status from ${state.status} to ${command.status}: allowed are ${
            legalTargets(state).join(", ") || "none"
          }`,
          { from: state.status, to: command.status, allowed: legalTargets(state) },
        );
      }
      return [{
        type: "TicketStatusChanged",
        data: { ...base, from: state.status, to: command.status, reason: command.reason },
      }];
    }
    case "AssignTicket":
      refuseWhenClosed(state, "assign");
      if (command.assignee !== null) required("assignee", command.assignee, "assign");
      if (command.assignee === state.assignee) return [];
      return [{
        type: "TicketAssigned",
        data: { ...base, assignee: command.assignee, previous: state.assignee },
      }];
    case "ChangeTicketSeverity":
      refuseWhenClosed(state, "change the severity of");
      oneOf("severity", command.severity, TICKET_SEVERITIES, "change severity");
      if (command.severity === state.severity) return [];
      return [{
        type: "TicketSeverityChanged",
        data: { ...base, from: state.severity, to: command.severity },
      }];
    case "LinkSignature":
      required("signature id", command.signatureId, "link signature");
      if (state.signatures.includes(command.signatureId)) return [];
      return [{
        type: "TicketSignatureLinked",
        data: { ...base, signatureId: command.signatureId },
      }];
    case "UnlinkSignature":
      if (!state.signatures.includes(command.signatureId)) return [];
      return [{
        type: "TicketSignatureUnlinked",
        data: { ...base, signatureId: command.signatureId },
      }];
    case "LinkLogEvent":
      checkLogEventId(command.logEventId);
      if (state.logEvents.includes(command.logEventId)) return [];
      return [{ type: "TicketLogEventLinked", data: { ...base, logEventId: command.logEventId } }];
    case "UnlinkLogEvent":
      if (!state.logEvents.includes(command.logEventId)) return [];
      return [{
        type: "TicketLogEventUnlinked",
        data: { ...base, logEventId: command.logEventId },
      }];
    case "ResolveTicket": {
      refuseWhenClosed(state, "resolve");
      required("root cause", command.rootCause, "resolve");
      required("solution", command.solution, "resolve");
      required("resolver", command.resolver, "resolve");
      if (command.prevention !== null && command.prevention.trim() === "") {
        throw invalid("resolve", "prevention is empty (leave it out instead)");
      }
      const current = state.resolution;
      if (
        current !== null && current.rootCause === command.rootCause &&
        current.solution === command.solution && current.prevention === command.prevention &&
        current.resolver === command.resolver
      ) return [];
      const resolved: TicketEvent = {
        type: "TicketResolved",
        data: {
          ...base,
          rootCause: command.rootCause,
          solution: command.solution,
          prevention: command.prevention,
          resolver: command.resolver,
        },
      };
      // Solving a solved ticket again amends its resolution; the status stays.
      if (state.status === "solved") return [resolved];
      return [resolved, {
        type: "TicketStatusChanged",
        data: { ...base, from: state.status, to: "solved", reason: "resolution recorded" },
      }];
    }
    default:
      return unreachable(command);
  }
}

/** Statuses the ticket can move to with ChangeTicketStatus. */
export function legalTargets(ticket: Ticket): TicketStatus[] {
  return TRANSITIONS[ticket.status].filter((s) => s !== "solved");
}

type TicketStatus = Ticket["status"];

function refuseWhenClosed(state: Ticket, action: string): void {
  if (state.status === "closed") {
    throw new TicketRuleViolation(
      "closed",
      `Cannot ${action} ticket ${state.ticketId}: it is closed, and a closed ticket is final`,
    );
  }
}

function oneOf(field: string, value: unknown, allowed: readonly string[], action: string): void {
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw new TicketRuleViolation(
      "invalid",
      `Cannot ${action}: ${field} must be one of ${allowed.join(", ")}`,
      { field },
    );
  }
}

const LOG_EVENT_ID = /^([1-9]\d*):(\d+)$/;

/** `"<position>:<index>"`: the batch event's position and the record's index in it. */
export function parseLogEventId(id: string): { position: number; index: number } | undefined {
  const match = LOG_EVENT_ID.exec(id);
  if (match === null) return undefined;
  const position = Number(match[1]);
  const index = Number(match[2]);
  if (!Number.isSafeInteger(position) || !Number.isSafeInteger(index)) return undefined;
  return { position, index };
}

function checkLogEventId(id: string): void {
  if (parseLogEventId(id) === undefined) {
    throw new TicketRuleViolation(
      "invalid",
      `Cannot link log event: "${id}" is not of the form <position>:<index>`,
      { field: "log_event_id" },
    );
  }
}

function unreachable(command: never): never {
  throw new Error(`Cannot decide: unknown command ${(command as { type: string }).type}`);
}
