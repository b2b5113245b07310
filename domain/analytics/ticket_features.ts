/**
 * Loupe's tickets as model inputs. Besides the ticket's own fields, what the
 * log side adds: the issue behind it (its first linked signature until issues
 * group signatures), how long that issue's earlier tickets took, how many
 * customers had filed on it before, whether it is new. Every number is taken
 * from facts dated before the ticket opened.
 *
 * @module
 */
import type { Ticket } from "../tickets/mod.ts";
import type { TicketRecord } from "./features.ts";
import { DAY_MS, HOUR_MS } from "../time.ts";
import type { FixState } from "./fix_state.ts";

/**
 * The fix state of a ticket's issue as its logs show it at a moment (see
 * `fixStateAt`); undefined where the logs say nothing of the issue.
 */
export type FixStateOf = (issue: string, ticket: Ticket, at: number) => FixState | undefined;

export const TICKET_FIELDS = ["severity", "tier", "issue", "customer", "environment"] as const;
export const TICKET_NUMBERS = [
  "issue_earlier_tickets",
  "issue_earlier_median_h",
  "issue_customers_before",
  "issue_new",
] as const;

/** What the engineering model reads: the same, plus how often earlier tickets needed engineering. */
export const ENGINEERING_FIELDS = ["severity", "tier", "issue"] as const;
export const ENGINEERING_NUMBERS = [
  ...TICKET_NUMBERS,
  "issue_earlier_escalation_share",
  "issue_tickets_last_24h",
  "customer_earlier_tickets",
  "customer_earlier_escalation_share",
] as const;

/**
 * Of the `earlier` tickets, the share known by `at` to have needed
 * engineering: those resolved by then (an open one may still be escalated),
 * NaN when none is.
 */
function escalationShareBy(earlier: readonly Ticket[], at: number): number {
  const settled = earlier.filter((o) => firstResolvedAt(o) !== null && firstResolvedAt(o)! < at);
  return settled.length === 0
    ? NaN
    : settled.filter((o) => o.escalations > 0).length / settled.length;
}

/**
 * Of the `earlier` tickets opened over a day before `at`, the share not yet
 * resolved by `at`; NaN when none is that old. A day, because an issue's
 * tickets that outlast it mostly wait on more than support (a fix, a
 * release); younger ones are still in the queue whatever the issue.
 */
function stillOpenShare(earlier: readonly Ticket[], at: number): number {
  const old = earlier.filter((o) => o.openedAt <= at - DAY_MS);
  if (old.length === 0) return NaN;
  const open = old.filter((o) => firstResolvedAt(o) === null || firstResolvedAt(o)! > at);
  return open.length / old.length;
}

/** Fewest earlier tickets an issue's Kaplan-Meier quantile rests on. */
export const MIN_EARLIER_FOR_SURVIVAL = 5;

/**
 * The hours by which a share `q` of the `earlier` tickets had resolved, as
 * known at `at`: a Kaplan-Meier estimate, each ticket still open at `at`
 * censored at its age then. The resolved ones alone are the quick ones of an
 * issue still under way; counting the open ones as censored keeps the share
 * that never resolves in the estimate. NaN with fewer than
 * `MIN_EARLIER_FOR_SURVIVAL` tickets or when the estimate never reaches `q`.
 *
 * @example
 * ```ts
 * import { earlierResolvedQuantile } from "./ticket_features.ts";
 * import assert from "node:assert/strict";
 * // Five tickets resolved in 1-5 h, five still open after 10 h: half never seen to resolve.
 * const times = [1, 2, 3, 4, 5].map((h) => ({ hours: h, resolved: true }))
 *   .concat([1, 2, 3, 4, 5].map(() => ({ hours: 10, resolved: false })));
 * assert.equal(earlierResolvedQuantile(times, 0.2), 2);
 * assert.ok(Number.isNaN(earlierResolvedQuantile(times, 0.6)));
 * ```
 */
export function earlierResolvedQuantile(
  times: readonly { readonly hours: number; readonly resolved: boolean }[],
  q: number,
): number {
  if (times.length < MIN_EARLIER_FOR_SURVIVAL) return NaN;
  return resolvedQuantile(times, q);
}

/**
 * The hours by which a share `q` of tickets resolve, tickets not resolved
 * (yet) counted as censored at the hours they have been open: the
 * Kaplan-Meier estimate. NaN when it never reaches `q` (too many still
 * open to tell).
 *
 * @example
 * ```ts
 * import { resolvedQuantile } from "./ticket_features.ts";
 * import assert from "node:assert/strict";
 * // Two resolved quickly, two open for days: the median is not known yet.
 * const times = [{ hours: 2, resolved: true }, { hours: 3, resolved: true },
 *   { hours: 90, resolved: false }, { hours: 100, resolved: false }];
 * assert.equal(resolvedQuantile(times, 0.25), 2);
 * assert.ok(Number.isNaN(resolvedQuantile(times, 0.5 + 1e-9)));
 * ```
 */
export function resolvedQuantile(
  times: readonly { readonly hours: number; readonly resolved: boolean }[],
  q: number,
): number {
  // Resolutions before censorings at equal times, as Kaplan-Meier takes them.
  const sorted = [...times].sort((a, b) =>
    a.hours - b.hours || Number(b.resolved) - Number(a.resolved)
  );
  let survival = 1;
  let atRisk = sorted.length;
  for (const t of sorted) {
    if (t.resolved) {
      survival *= 1 - 1 / atRisk;
      if (1 - survival >= q - 1e-12) return t.hours;
    }
    atRisk--;
  }
  return NaN;
}

/** Each ticket's hours to its first resolution as known at `at`, or open so far (censored). */
export function resolutionTimes(
  tickets: readonly Ticket[],
  at: number,
): { hours: number; resolved: boolean }[] {
  return tickets.map((o) => {
    const resolvedAt = firstResolvedAt(o);
    const resolved = resolvedAt !== null && resolvedAt <= at;
    return { hours: ((resolved ? resolvedAt! : at) - o.openedAt) / HOUR_MS, resolved };
  });
}

/**
 * What a ticket says about its problem: subject, description and what the
 * customer added in comments since (the agents' replies say what support
 * did, not what is wrong). At open it is the subject and description only.
 */
export function ticketText(ticket: Ticket): string {
  return [
    ticket.subject,
    ticket.description,
    ...ticket.comments.filter((c) => c.author === ticket.reporter).map((c) => c.body),
  ].join("\n");
}

/** When a ticket was first resolved, or null. */
export function firstResolvedAt(ticket: Ticket): number | null {
  return ticket.resolutions[0]?.at ?? null;
}

/**
 * The issue behind a ticket: the issue its first linked signature belongs
 * to (the signature itself where no issue layer is given).
 */
export function issueOf(
  ticket: Ticket,
  issueOfSignature: (signatureId: string) => string = (signatureId) => signatureId,
): string | null {
  const signatureId = ticket.signatures[0];
  return signatureId === undefined ? null : issueOfSignature(signatureId);
}

/**
 * Model records for `tickets`, in the same order. `tierOf` reads the
 * customer directory.
 */
export function ticketRecords(
  tickets: readonly Ticket[],
  tierOf: (customer: string) => string,
  issueOfSignature?: (signatureId: string) => string,
  fixStateOf?: FixStateOf,
): TicketRecord[] {
  const recordOf = ticketRecorder(tickets, tierOf, issueOfSignature, fixStateOf);
  // History is learned from what each ticket said at open: its later comments are not features.
  return tickets.map((t) => ({ ...recordOf(t), text: `${t.subject}\n${t.description}` }));
}

/**
 * The record of any state of a ticket (as opened, or as it stood after a
 * later change) against the history in `tickets`: the earlier tickets it is
 * compared with are those opened before it, whatever its state.
 */
export function ticketRecorder(
  tickets: readonly Ticket[],
  tierOf: (customer: string) => string,
  issueOfSignature?: (signatureId: string) => string,
  fixStateOf?: FixStateOf,
): (ticket: Ticket) => TicketRecord {
  const byIssue = new Map<string, Ticket[]>();
  for (const t of tickets) {
    const issue = issueOf(t, issueOfSignature);
    if (issue === null) continue;
    const list = byIssue.get(issue);
    if (list) list.push(t);
    else byIssue.set(issue, [t]);
  }
  const byCustomer = new Map<string, Ticket[]>();
  for (const t of tickets) {
    const list = byCustomer.get(t.customer);
    if (list) list.push(t);
    else byCustomer.set(t.customer, [t]);
  }
  return (t) => {
    const issue = issueOf(t, issueOfSignature);
    const customerBefore = (byCustomer.get(t.customer) ?? []).filter((o) =>
      o.ticketId !== t.ticketId && o.openedAt < t.openedAt
    );
    const before = issue === null
      ? []
      : (byIssue.get(issue) ?? []).filter((o) =>
        o.ticketId !== t.ticketId && o.openedAt < t.openedAt
      );
    const earlierHours = before
      .filter((o) => firstResolvedAt(o) !== null && firstResolvedAt(o)! < t.openedAt)
      .map((o) => (firstResolvedAt(o)! - o.openedAt) / HOUR_MS)
      .sort((a, b) => a - b);
    // As of open, like every other number: the model learns from tickets as they were opened.
    const fix = issue === null ? undefined : fixStateOf?.(issue, t, t.openedAt);
    return {
      id: t.ticketId,
      openedAt: t.openedAt,
      resolvedAt: firstResolvedAt(t),
      fields: {
        severity: t.severity,
        tier: tierOf(t.customer),
        issue: issue ?? "",
        customer: t.customer,
        environment: t.environment,
      },
      text: ticketText(t),
      numbers: {
        issue_earlier_tickets: issue === null ? NaN : before.length,
        issue_earlier_median_h: earlierHours.length === 0
          ? NaN
          : earlierHours[Math.floor((earlierHours.length - 1) / 2)]!,
        issue_customers_before: issue === null ? NaN : new Set(before.map((o) => o.customer)).size,
        issue_new: issue === null ? NaN : before.length === 0 ? 1 : 0,
        issue_earlier_escalation_share: escalationShareBy(before, t.openedAt),
        issue_tickets_last_24h: issue === null
          ? NaN
          : before.filter((o) => o.openedAt >= t.openedAt - DAY_MS).length,
        issue_earlier_still_open_share: stillOpenShare(before, t.openedAt),
        issue_earlier_q20_h: earlierResolvedQuantile(resolutionTimes(before, t.openedAt), 0.2),
        issue_fix_seen: fix?.fixSeen ?? NaN,
        environment_on_fix: fix?.onFix ?? NaN,
        customer_earlier_tickets: customerBefore.length,
        customer_earlier_escalation_share: escalationShareBy(customerBefore, t.openedAt),
      },
      escalated: t.escalations > 0,
    };
  };
}
