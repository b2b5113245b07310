/**
 * Agent hours, measured from what support did on each ticket instead of
 * assumed. Ticketing tools rarely record work time, and the time from first
 * reply to resolution is mostly waiting (an agent works many tickets at
 * once), so a ticket's handle time is estimated from its agents' activity:
 * their comments and resolutions, grouped into work sessions (events less
 * than `SESSION_GAP_HOURS` apart belong to one), each session counting its
 * span plus one touch (`TOUCH_HOURS`, the time to read and write one reply).
 *
 * @module
 */
import type { Ticket } from "../tickets/mod.ts";
import { HOUR_MS } from "../time.ts";

/** Agent events closer than this are one sitting at the ticket. */
export const SESSION_GAP_HOURS = 0.5;
/** What one touch (reading the ticket, writing a reply or note) is counted as. */
export const TOUCH_HOURS = 1 / 6;
/** Fewer measured tickets than this, and the staffing view falls back to the assumption. */
export const MIN_MEASURED_TICKETS = 20;
/** Only recent tickets: how long a ticket takes to handle changes with the product and the team. */
const RECENT_MS = 8 * 7 * 24 * HOUR_MS;

/**
 * A ticket's estimated agent hours up to `until`, or null when no agent
 * wrote on it (an import with a resolution only says nothing about work).
 *
 * @example
 * ```ts
 * import { handleHours } from "./handle_time.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000;
 * const comment = (at: number, author: string) =>
 *   ({ commentId: String(at), author, body: "", visibility: "public" as const, at });
 * // Two replies 10 minutes apart (one session), one the next day (another).
 * const ticket = {
 *   reporter: "ann@acme.example",
 *   comments: [comment(0, "ann@acme.example"), comment(h, "farid"), comment(h + h / 6, "farid"),
 *     comment(25 * h, "farid")],
 *   resolutions: [],
 * };
 * assert.equal(handleHours(ticket, Infinity), 1 / 6 + 1 / 6 + 1 / 6);
 * ```
 */
export function handleHours(
  ticket: Pick<Ticket, "reporter" | "comments" | "resolutions">,
  until: number,
): number | null {
  const agentComments = ticket.comments.filter((c) =>
    c.author !== ticket.reporter && c.at <= until
  );
  if (agentComments.length === 0) return null;
  const times = [
    ...agentComments.map((c) => c.at),
    ...ticket.resolutions.filter((r) => r.at <= until).map((r) => r.at),
  ].sort((a, b) => a - b);
  let hours = 0;
  let sessionStart = times[0]!;
  let previous = times[0]!;
  for (const at of times.slice(1)) {
    if ((at - previous) / HOUR_MS > SESSION_GAP_HOURS) {
      hours += (previous - sessionStart) / HOUR_MS + TOUCH_HOURS;
      sessionStart = at;
    }
    previous = at;
  }
  return hours + (previous - sessionStart) / HOUR_MS + TOUCH_HOURS;
}

export interface AgentHoursEstimate {
  readonly hoursPerTicket: number;
  /** `measured` from ticket activity, `assumed` (too little activity: the fallback), or `given`. */
  readonly source: "measured" | "assumed" | "given";
  /** Tickets measured (0 unless measured). */
  readonly tickets: number;
  readonly basis: string;
}

/**
 * The mean agent hours of the tickets resolved in the 8 weeks before `asOf`
 * (the mean, because Erlang C takes the mean handling time), or `fallback`
 * when fewer than `MIN_MEASURED_TICKETS` of them show agent activity.
 */
export function agentHoursPerTicket(
  tickets: readonly Ticket[],
  asOf: number,
  fallback: number,
): AgentHoursEstimate {
  const measured: number[] = [];
  for (const t of tickets) {
    const resolvedAt = t.resolutions[0]?.at;
    if (resolvedAt === undefined || resolvedAt > asOf || resolvedAt < asOf - RECENT_MS) continue;
    const hours = handleHours(t, asOf);
    if (hours !== null) measured.push(hours);
  }
  if (measured.length < MIN_MEASURED_TICKETS) {
    return {
      hoursPerTicket: fallback,
      source: "assumed",
      tickets: 0,
      basis: `assumed ${fallback} h per ticket: only ${measured.length} tickets resolved in the ` +
        `last 8 weeks show agent comments, at least ${MIN_MEASURED_TICKETS} are needed to measure`,
    };
  }
  const mean = measured.reduce((s, h) => s + h, 0) / measured.length;
  return {
    hoursPerTicket: Math.round(mean * 1000) / 1000,
    source: "measured",
    tickets: measured.length,
    basis: `mean of ${measured.length} tickets resolved in the last 8 weeks: agent comments and ` +
      `resolutions in sessions (split at gaps over ${SESSION_GAP_HOURS * 60} min), each its ` +
      `span plus ${Math.round(TOUCH_HOURS * 60)} min`,
  };
}
