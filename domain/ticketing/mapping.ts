/**
 * How a remote support ticket maps onto Loupe's: status, customer,
 * environment, severity. Pure: the remote ticket and the directory come in
 * as data.
 */
import type { Customer } from "../customers/mod.ts";
import type { TicketCommand, TicketSeverity, TicketStatus } from "../tickets/mod.ts";

/** Zendesk statuses to Loupe's; a status map file may change any of them. */
export const DEFAULT_ZENDESK_STATUS_MAP: Readonly<Record<string, TicketStatus>> = {
  new: "new",
  open: "open",
  pending: "pending",
  hold: "pending",
  solved: "solved",
  closed: "closed",
};

/** How the customer was found, or that it was not. */
export type CustomerMatch =
  | {
    readonly customer: string;
    readonly by: "organization" | "requester_domain";
    readonly clue: string;
  }
  | { readonly customer: null; readonly by: "unknown"; readonly clue: string | null };

/**
 * The organization (by name or one of its domains) first, then the
 * requester's e-mail domain, each against the customers' names, ids and
 * primary e-mail domains. Two customers fitting one clue is no match:
 * unknown is kept and flagged, never guessed.
 *
 * @example
 * ```ts
 * import { matchCustomer } from "./mapping.ts";
 * import assert from "node:assert/strict";
 * const acme = { customerId: "acme", name: "Acme Corp", primaryEmail: "ops@acme.example" };
 * assert.equal(matchCustomer([acme], null, "jo@acme.example").customer, "acme");
 * assert.equal(matchCustomer([acme], null, "jo@gmail.example").customer, null);
 * ```
 */
export function matchCustomer(
  customers: readonly Pick<Customer, "customerId" | "name" | "primaryEmail">[],
  organization: { readonly name: string; readonly domains: readonly string[] } | null,
  requesterEmail: string | null,
): CustomerMatch {
  const byDomain = (domain: string) =>
    unique(customers.filter((c) => domainOf(c.primaryEmail) === domain.toLowerCase()));
  if (organization !== null) {
    const name = organization.name.trim().toLowerCase();
    const named = unique(
      customers.filter((c) =>
        c.name.trim().toLowerCase() === name || c.customerId.toLowerCase() === name
      ),
    );
    if (named !== undefined) {
      return { customer: named.customerId, by: "organization", clue: organization.name };
    }
    for (const domain of organization.domains) {
      const found = byDomain(domain);
      if (found !== undefined) {
        return { customer: found.customerId, by: "organization", clue: domain };
      }
    }
  }
  const domain = domainOf(requesterEmail);
  if (domain !== null) {
    const found = byDomain(domain);
    if (found !== undefined) {
      return { customer: found.customerId, by: "requester_domain", clue: domain };
    }
  }
  return { customer: null, by: "unknown", clue: domain ?? organization?.name ?? null };
}

function unique<T>(found: readonly T[]): T | undefined {
  return found.length === 1 ? found[0] : undefined;
}

function domainOf(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf("@");
  return at < 0 ? null : email.slice(at + 1).trim().toLowerCase() || null;
}

/**
 * The environment from a custom field (when configured and set), else from
 * the first tag with the prefix; null when neither says.
 */
export function environmentOf(
  customFields: readonly { readonly id: string; readonly value: unknown }[],
  tags: readonly string[],
  fieldId: string | null,
  tagPrefix: string,
): string | null {
  if (fieldId !== null) {
    const value = customFields.find((f) => f.id === fieldId)?.value;
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  const tag = tags.find((t) => t.startsWith(tagPrefix) && t.length > tagPrefix.length);
  return tag === undefined ? null : tag.slice(tagPrefix.length);
}

export function severityOfPriority(priority: string | null): TicketSeverity {
  switch (priority) {
    case "urgent":
      return "critical";
    case "high":
      return "high";
    case "low":
      return "low";
    default:
      return "medium";
  }
}

/**
 * The commands that take a Loupe ticket from `current` to `target` along
 * its legal transitions: solved goes through a resolution, closed through
 * solved, a reopened ticket through open. A closed ticket stays closed, and
 * a ticket never goes back to new.
 *
 * @example
 * ```ts
 * import { statusCommands } from "./mapping.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(statusCommands("open", "closed", "zendesk").map((c) => c.type),
 *   ["ResolveTicket", "ChangeTicketStatus"]);
 * assert.deepEqual(statusCommands("closed", "open", "zendesk"), []);
 * ```
 */
export function statusCommands(
  current: TicketStatus,
  target: TicketStatus,
  system: string,
): TicketCommand[] {
  if (current === target || current === "closed" || target === "new") return [];
  const change = (status: TicketStatus): TicketCommand => ({
    type: "ChangeTicketStatus",
    status,
    reason: `Status changed in ${system}`,
  });
  const resolve: TicketCommand = {
    type: "ResolveTicket",
    rootCause: `Solved in ${system}`,
    solution: `Solved in ${system}; see the ticket there`,
    prevention: null,
    resolver: system,
  };
  if (target === "solved") return [resolve];
  if (target === "closed") {
    return current === "solved" ? [change("closed")] : [resolve, change("closed")];
  }
  if (current === "solved") {
    return target === "open" ? [change("open")] : [change("open"), change(target)];
  }
  return [change(target)];
}
