/**
 * Imports tickets from other systems with their real times: each comment,
 * status change and resolution is decided at the time it happened, so
 * handling times and predictions learn from what really took long.
 */
import {
  decide,
  evolve,
  type TicketCommand,
  type TicketEvent,
  type TicketState,
  ticketStream,
} from "../../domain/tickets/mod.ts";
import {
  type Redactor,
  redactTicketCommand,
  type TextRedactor,
} from "../../domain/redaction/mod.ts";
import { ConcurrencyError, type EventStore } from "../../ports/event_store.ts";
import { Pacer } from "../../ports/pacing.ts";
import type {
  ImportedStep,
  ImportedTicket,
  TicketImportReceipt,
} from "../../ports/ticket_import.ts";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A ULID-shaped id made from the open time and the ticket's origin, so the
 * same ticket imported twice gets the same id and lands once.
 */
export function importedTicketId(
  ticket: Pick<ImportedTicket, "system" | "externalId" | "openedAt">,
): string {
  let time = Math.max(0, Math.floor(ticket.openedAt));
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
  // Two FNV-1a passes give the 80 bits a ULID's random part has.
  const text = `${ticket.system}\u0000${ticket.externalId}`;
  let tail = "";
  for (const seed of [0x811c9dc5, 0x01000193 ^ 0x5bd1e995]) {
    let h = seed >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    for (let i = 0; i < 8; i++) {
      tail += CROCKFORD[h % 32];
      h = Math.floor(h / 32) ^ Math.imul(h, 0x9e3779b1) >>> 0;
      h >>>= 0;
    }
  }
  return head + tail;
}

/**
 * Tickets appended at once: lmdb-js gathers appends issued together into one
 * commit, so a large import costs one flush per group instead of one per
 * ticket, and the thread is free while each group is written. Their sealing
 * runs unbroken inside that commit, beside the projector's chunk, and a
 * request waits two or three such turns: 100 tickets (about 600 events) a
 * group had /healthz at 86-165 ms in 3 imports of 20,000 on a slow spell of
 * the host, 25 at 33-39 ms in 3 on the same, the import as long.
 */
const TICKETS_PER_GROUP = 25;

export async function importTickets(
  store: EventStore,
  tickets: readonly ImportedTicket[],
  settled: () => Promise<void>,
  by: string | null,
  redactor?: Redactor,
): Promise<TicketImportReceipt> {
  let imported = 0;
  let alreadyImported = 0;
  let skippedSteps = 0;
  const ticketIds: string[] = [];
  const pacer = new Pacer();
  for (let from = 0; from < tickets.length; from += TICKETS_PER_GROUP) {
    const group: { events: TicketEvent[]; skipped: number; ticketId: string }[] = [];
    for (const ticket of tickets.slice(from, from + TICKETS_PER_GROUP)) {
      const ticketId = importedTicketId(ticket);
      ticketIds.push(ticketId);
      group.push({
        ticketId,
        ...historyEvents(ticketId, ticket, by, redactor?.forCustomer(ticket.customer)),
      });
      await pacer.pace();
    }
    const outcomes = await Promise.allSettled(
      group.map(({ ticketId, events }) =>
        store.append(ticketStream(ticketId), events, { expectedVersion: 0 })
      ),
    );
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === "fulfilled") {
        imported++;
        skippedSteps += group[index]!.skipped;
      } else if (outcome.reason instanceof ConcurrencyError) alreadyImported++;
      else throw outcome.reason;
    }
  }
  await settled();
  return { imported, alreadyImported, skippedSteps, ticketIds };
}

/**
 * The events of one imported ticket, each decided at its own time; with a
 * `redactor`, from its texts redacted as every other ticket's are.
 */
export function historyEvents(
  ticketId: string,
  ticket: ImportedTicket,
  by: string | null,
  redactor?: TextRedactor,
): { events: TicketEvent[]; skipped: number } {
  let state: TicketState = null;
  const events: TicketEvent[] = [];
  let skipped = 0;
  const apply = (given: TicketCommand, at: number) => {
    const command = redactor === undefined ? given : redactTicketCommand(given, redactor);
    const produced = decide(command, state, { at, by });
    for (const event of produced) state = evolve(state, event);
    events.push(...produced);
  };
  apply({
    type: "OpenTicket",
    ticketId,
    customer: ticket.customer,
    environment: ticket.environment,
    subject: ticket.subject,
    description: ticket.description,
    severity: ticket.severity,
    reporter: ticket.reporter,
    externalRef: { system: ticket.system, id: ticket.externalId },
    window: ticket.window,
    openedAt: ticket.openedAt,
  }, ticket.openedAt);
  // Stable: steps of one instant keep the order the source gave them in.
  const steps = [...ticket.steps].sort((a, b) => a.at - b.at);
  let comment = 0;
  for (const step of steps) {
    try {
      apply(commandOf(step, `${ticketId}-${++comment}`), Math.max(step.at, ticket.openedAt));
    } catch {
      // An outside system allows moves Loupe's rules do not (reopening a closed ticket): the
      // rest of the history still counts.
      skipped++;
    }
  }
  return { events, skipped };
}

function commandOf(step: ImportedStep, commentId: string): TicketCommand {
  switch (step.kind) {
    case "comment":
      return {
        type: "CommentOnTicket",
        commentId,
        author: step.author,
        body: step.body,
        visibility: step.visibility,
      };
    case "status":
      return { type: "ChangeTicketStatus", status: step.status, reason: "imported" };
    case "assign":
      return { type: "AssignTicket", assignee: step.assignee };
    case "resolve":
      return {
        type: "ResolveTicket",
        rootCause: step.rootCause,
        solution: step.solution,
        prevention: step.prevention,
        resolver: step.resolver,
      };
  }
}
