import { stems } from "../../domain/kb/mod.ts";
import { isTicketEvent, TICKET_STREAM_PREFIX } from "../../domain/tickets/mod.ts";
import type { ProjectionReader, ProjectionWriter } from "../../ports/projection_store.ts";
import type { Projection } from "../projections/projection.ts";

export const TICKET_WORD_TABLES = {
  /** [ticketId] -> the ticket's distinct stems so far, sorted. */
  terms: "kb_ticket_terms",
  /** [stem] -> how many tickets have used it. */
  tickets: "kb_term_tickets",
  /** ["tickets"] -> how many tickets have any text. */
  meta: "kb_ticket_words_meta",
} as const;

/**
 * How many of the tickets Loupe has seen use each word (its subject,
 * description and every comment), so a question's words can count by how
 * rare they are among questions: articles' own idf rewards a word that few
 * articles use even when every ticket says it ("order", "get", "time" in a
 * shop's tickets; an agent's "checked the logs"). A ticket counts once per
 * word, from the first event that uses it; a word an edit takes out stays
 * counted, as the ticket did use it. The stems are those search uses: a
 * change of analysis takes a new projection name.
 */
export const ticketWordsProjection: Projection = {
  name: "kb_ticket_words@1",
  tables: Object.values(TICKET_WORD_TABLES),
  apply(events, tx) {
    let added = 0;
    for (const event of events) {
      if (!event.stream.startsWith(TICKET_STREAM_PREFIX) || !isTicketEvent(event)) continue;
      let text: string;
      switch (event.type) {
        case "TicketOpened":
          text = `${event.data.subject}\n${event.data.description}`;
          break;
        case "TicketEdited":
          text = `${event.data.subject ?? ""}\n${event.data.description ?? ""}`;
          break;
        case "TicketCommented":
          text = event.data.body;
          break;
        default:
          continue;
      }
      const { ticketId } = event.data;
      const before = tx.get<string[]>(TICKET_WORD_TABLES.terms, [ticketId]);
      const known = new Set(before ?? []);
      const fresh = [...new Set(stems(text))].filter((term) => !known.has(term));
      if (fresh.length === 0) continue;
      if (before === undefined) added++;
      for (const term of fresh) {
        known.add(term);
        const count = tx.get<number>(TICKET_WORD_TABLES.tickets, [term]) ?? 0;
        tx.put(TICKET_WORD_TABLES.tickets, [term], count + 1);
      }
      tx.put(TICKET_WORD_TABLES.terms, [ticketId], [...known].sort());
    }
    if (added > 0) tx.put(TICKET_WORD_TABLES.meta, ["tickets"], ticketsWithWords(tx) + added);
  },
};

/** How many tickets have any words. */
export function ticketsWithWords(reader: ProjectionReader): number {
  return reader.get<number>(TICKET_WORD_TABLES.meta, ["tickets"]) ?? 0;
}

/** How many tickets use the stem. */
export function ticketsUsing(reader: ProjectionReader | ProjectionWriter, term: string): number {
  return reader.get<number>(TICKET_WORD_TABLES.tickets, [term]) ?? 0;
}
