/**
 * Erlang C: the M/M/c queue behind "how many agents for this shift". Arrivals
 * are Poisson, handling times exponential, nobody abandons: the textbook
 * assumptions, shown with every answer that uses them.
 *
 * @module
 */

/**
 * Probability that a ticket waits at all, with `agents` agents and an offered
 * load of `load` = arrivals per hour × hours per ticket (Erlangs). 1 when the
 * agents cannot keep up.
 *
 * @example
 * ```ts
 * import { erlangC } from "./erlang.ts";
 * import assert from "node:assert/strict";
 * // The classic table value: 2 Erlangs on 3 agents wait 44% of the time.
 * assert.equal(Math.round(erlangC(3, 2) * 100), 44);
 * ```
 */
export function erlangC(agents: number, load: number): number {
  if (load <= 0) return 0;
  if (agents <= load) return 1;
  // Erlang B by its stable recurrence, then C from B.
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (load * b) / (k + load * b);
  const rho = load / agents;
  return b / (1 - rho + rho * b);
}

/** Share of tickets answered within `targetHours`. */
export function serviceLevel(
  agents: number,
  arrivalsPerHour: number,
  hoursPerTicket: number,
  targetHours: number,
): number {
  const load = arrivalsPerHour * hoursPerTicket;
  if (load <= 0) return 1;
  if (agents <= load) return 0;
  const wait = erlangC(agents, load);
  return 1 - wait * Math.exp(-((agents - load) * targetHours) / hoursPerTicket);
}

/** The fewest agents that answer `share` of tickets within `targetHours` (at least 1). */
export function agentsNeeded(
  arrivalsPerHour: number,
  hoursPerTicket: number,
  targetHours: number,
  share: number,
): number {
  let agents = Math.max(1, Math.floor(arrivalsPerHour * hoursPerTicket) + 1);
  while (serviceLevel(agents, arrivalsPerHour, hoursPerTicket, targetHours) < share) agents++;
  return agents;
}
