/**
 * The knowledge base's application layer.
 *
 * @module
 */
import { ulid } from "ulid";
import type { Redactor } from "../../domain/redaction/mod.ts";
import type { Clock } from "../../ports/clock.ts";
import type { EventStore } from "../../ports/event_store.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import type { Loupe } from "../app/loupe.ts";
import { currentIssueLinks } from "./issue_links.ts";
import { KbService, type TicketFacts } from "./service.ts";

export { KbService, type KbServiceDeps, type TicketFacts, ticketText } from "./service.ts";
export { KB_TABLES, kbProjection, kbRevision } from "./projection.ts";
export { currentIssueLinks, type IssueLinks } from "./issue_links.ts";
export { buildKbIndex, type KbIndex } from "./index.ts";
export {
  TICKET_WORD_TABLES,
  ticketsUsing,
  ticketsWithWords,
  ticketWordsProjection,
} from "./ticket_words.ts";

/** The knowledge base of a running Loupe, as serve and tests wire it. */
export function kbService(
  loupe: Loupe,
  store: EventStore,
  projections: ProjectionStore,
  tickets: TicketFacts | undefined,
  clock: Clock,
  options: { readonly newId?: () => string; readonly redactor?: Redactor } = {},
): KbService {
  return new KbService({
    store,
    projections,
    clock,
    newId: options.newId ?? (() => ulid()),
    settled: () => loupe.settled(),
    ...(tickets === undefined ? {} : { tickets }),
    issues: currentIssueLinks(projections),
    attribution: loupe.attribution,
    ...(options.redactor === undefined ? {} : { redactor: options.redactor }),
  });
}
