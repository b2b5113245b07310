import { TICKET_FIELD_NAMES, TICKET_FIELDS, type TicketFieldChanges } from "../tickets/fields.ts";
import type { TicketCommand } from "../tickets/types.ts";
import type { TextRedactor } from "./redactor.ts";

/**
 * A ticket command with its free texts redacted (subject, description,
 * reporter, comments and their authors, status reasons, resolutions); ids,
 * statuses and the agents who work tickets are kept as they are.
 *
 * @example
 * ```ts
 * import { Redactor } from "./redactor.ts";
 * import { redactTicketCommand } from "./tickets.ts";
 * import assert from "node:assert/strict";
 * const redactor = new Redactor({}, () => "0a1b2c").forCustomer("acme");
 * const command = redactTicketCommand(
 *   { type: "CommentOnTicket", commentId: "c1", author: "ann", body: "call +44 20 7946 0958", visibility: "public" },
 *   redactor,
 * );
 * assert.equal(command.type === "CommentOnTicket" && command.body, "call <phone:0a1b2c>");
 * ```
 */
export function redactTicketCommand(command: TicketCommand, redactor: TextRedactor): TicketCommand {
  const text = (value: string) => redactor.text(value);
  switch (command.type) {
    case "OpenTicket":
      return { ...command, ...freeTexts(command, text), reporter: text(command.reporter) };
    case "EditTicket":
      return { ...command, ...freeTexts(command, text) };
    case "CommentOnTicket":
      return { ...command, author: text(command.author), body: text(command.body) };
    case "ChangeTicketStatus":
      return command.reason === null ? command : { ...command, reason: text(command.reason) };
    case "ResolveTicket":
      return {
        ...command,
        rootCause: text(command.rootCause),
        solution: text(command.solution),
        prevention: command.prevention === null ? null : text(command.prevention),
        resolver: text(command.resolver),
      };
    case "AssignTicket":
    case "ChangeTicketSeverity":
    case "LinkSignature":
    case "UnlinkSignature":
    case "LinkLogEvent":
    case "UnlinkLogEvent":
      return command;
  }
}

/** The free-text fields `fields` gives (see TICKET_FIELDS), redacted. */
function freeTexts(
  fields: TicketFieldChanges,
  text: (value: string) => string,
): TicketFieldChanges {
  const redacted: Partial<Record<keyof TicketFieldChanges, string>> = {};
  for (const name of TICKET_FIELD_NAMES) {
    const value = fields[name];
    if (TICKET_FIELDS[name].freeText && typeof value === "string") redacted[name] = text(value);
  }
  return redacted as TicketFieldChanges;
}
