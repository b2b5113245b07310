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

export const TICKET_FIELDS = ["severity", "tier", "issue", "customer", "environment"] as const;
export const TICKET_NUMBERS = [
  "issue_earlier_tickets",
  "issue_earlier_median_h",
  "issue_customers_before",
  "issue_new",
] as const;

const HOUR_MS = 3_600_000;

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
): TicketRecord[] {
  const byIssue = new Map<string, Ticket[]>();
  for (const t of tickets) {
    const issue = issueOf(t, issueOfSignature);
    if (issue === null) continue;
    const list = byIssue.get(issue);
    if (list) list.push(t);
    else byIssue.set(issue, [t]);
  }
  return tickets.map((t) => {
    const issue = issueOf(t, issueOfSignature);
    const before = issue === null
      ? []
      : byIssue.get(issue)!.filter((o) => o.ticketId !== t.ticketId && o.openedAt < t.openedAt);
    const earlierHours = before
      .filter((o) => firstResolvedAt(o) !== null && firstResolvedAt(o)! < t.openedAt)
      .map((o) => (firstResolvedAt(o)! - o.openedAt) / HOUR_MS)
      .sort((a, b) => a - b);
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
      text: `${t.subject}\n${t.description}`,
      numbers: {
        issue_earlier_tickets: issue === null ? NaN : before.length,
        issue_earlier_median_h: earlierHours.length === 0
          ? NaN
          : earlierHours[Math.floor((earlierHours.length - 1) / 2)]!,
        issue_customers_before: issue === null ? NaN : new Set(before.map((o) => o.customer)).size,
        issue_new: issue === null ? NaN : before.length === 0 ? 1 : 0,
      },
    };
  });
}
