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
      return {
        ...command,
        subject: text(command.subject),
        description: text(command.description),
        reporter: text(command.reporter),
      };
    case "EditTicket":
      return {
        ...command,
        ...(command.subject === undefined ? {} : { subject: text(command.subject) }),
        ...(command.description === undefined ? {} : { description: text(command.description) }),
      };
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
