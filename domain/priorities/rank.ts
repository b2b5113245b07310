/**
 * What engineering should fix first: issues ranked by customer impact,
 * trend, ticket volume and the support time they cost, each with the
 * factors that put it where it is. Pure.
 *
 * @module
 */
import type { TrendClass } from "../trends/mod.ts";

/** Support cost of a recurring issue, from the tickets linked to it. */
export interface SupportCost {
  readonly tickets: number;
  readonly openTickets: number;
  /** Hours from open to solved (or to now for open tickets), summed. */
  readonly handlingHours: number;
  readonly escalations: number;
}

export interface PriorityInput {
  /** The issue ranked (its busiest signature is `signatureId`), when ranking issues. */
  readonly issueId?: string;
  /** Signatures the issue holds (1 when ranking a signature). */
  readonly signatures?: number;
  readonly signatureId: string;
  readonly template: string;
  readonly severityNumber: number;
  /** Customer impact score (see domain/impact). */
  readonly impact: number;
  readonly customers: number;
  readonly trend: TrendClass;
  readonly trendReason: string;
  readonly cost: SupportCost;
}

export interface Priority extends PriorityInput {
  readonly rank: number;
  readonly score: number;
  readonly factors: {
    readonly impact: number;
    readonly trend: number;
    readonly tickets: number;
    readonly cost: number;
  };
  readonly reasons: readonly string[];
}

/** Growing problems first: how much a trend multiplies the priority. */
export const TREND_FACTOR: Readonly<Record<TrendClass, number>> = {
  emerging: 1.5,
  spiking: 1.3,
  stable: 1,
  resolving: 0.6,
  quiet: 0.3,
};

/**
 * score = log10(1 + impact) × trend × (1 + ¼·log2(1 + tickets) + ⅒·escalations)
 * × (1 + ⅒·log10(1 + handling hours)). Impact dominates; a rising trend
 * and support load move an issue up among those of similar impact.
 *
 * @example
 * ```ts
 * import { rankPriorities } from "./rank.ts";
 * import assert from "node:assert/strict";
 * const cost = { tickets: 0, openTickets: 0, handlingHours: 0, escalations: 0 };
 * const [first] = rankPriorities([
 *   { signatureId: "a", template: "A", severityNumber: 17, impact: 500, customers: 3, trend: "stable", trendReason: "", cost },
 *   { signatureId: "b", template: "B", severityNumber: 17, impact: 400, customers: 3, trend: "emerging", trendReason: "", cost },
 * ]);
 * assert.equal(first?.signatureId, "b");
 * ```
 */
export function rankPriorities(inputs: readonly PriorityInput[]): Priority[] {
  return inputs.map((input) => {
    const factors = {
      impact: Math.log10(1 + Math.max(0, input.impact)),
      trend: TREND_FACTOR[input.trend],
      tickets: 1 + Math.log2(1 + input.cost.tickets) / 4 + input.cost.escalations / 10,
      cost: 1 + Math.log10(1 + input.cost.handlingHours) / 10,
    };
    const score = factors.impact * factors.trend * factors.tickets * factors.cost;
    const reasons = [
      `impact ${input.impact} over ${input.customers} customer${input.customers === 1 ? "" : "s"}`,
      `trend ${input.trend}${input.trendReason === "" ? "" : `: ${input.trendReason}`}`,
    ];
    if (input.cost.tickets > 0) {
      reasons.push(
        `${input.cost.tickets} linked ticket${
          input.cost.tickets === 1 ? "" : "s"
        } (${input.cost.openTickets} open), ${
          Math.round(input.cost.handlingHours)
        } h of handling, ${input.cost.escalations} escalation${
          input.cost.escalations === 1 ? "" : "s"
        }`,
      );
    } else reasons.push("no linked ticket");
    return { ...input, rank: 0, score: Math.round(score * 1000) / 1000, factors, reasons };
  }).sort((a, b) =>
    b.score - a.score || b.impact - a.impact || (a.signatureId < b.signatureId ? -1 : 1)
  ).map((p, i) => ({ ...p, rank: i + 1 }));
}
