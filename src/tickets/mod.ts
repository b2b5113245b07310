/**
 * The ticket side of Loupe: the ticket service (commands over the event
 * store, diagnosis views over projections) and the projections it reads.
 *
 * @module
 */
import type { Projection } from "../projections/projection.ts";
import { environmentLogProjection } from "../projections/environment_logs.ts";
import { metricsProjection, rulesProjection } from "../projections/metrics.ts";
import { ticketProjection } from "../projections/tickets.ts";

export { TicketService, type TicketServiceDeps } from "./service.ts";
export { correlationWindow, rankCandidates, rankCandidatesByText } from "./correlate.ts";

/** The projections the ticket service reads, to add to Loupe's PROJECTIONS. */
export const TICKET_PROJECTIONS: readonly Projection[] = [
  ticketProjection,
  environmentLogProjection,
  metricsProjection,
  rulesProjection,
];
