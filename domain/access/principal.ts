/**
 * Who is asking, and what they may do. The token decides, never the payload:
 * an `ingest:` token cannot push records for another origin by naming it in
 * a record, and a `customer:` token sees other customers only as counts.
 *
 * This is the seam the HTTP API and the console share; tokens themselves
 * (their hashes, creation, revocation) live behind `ports/access.ts`.
 */

/** A token's role, as written in its grant string (`admin`, `agent`, `customer:acme`, `ingest:acme/prod`). */
export type Role =
  | { readonly kind: "admin" }
  | { readonly kind: "agent" }
  | { readonly kind: "customer"; readonly customer: string }
  | { readonly kind: "ingest"; readonly customer: string; readonly environment: string };

/** The caller of one request, resolved from its token. */
export interface Principal {
  /** The token's id (never its secret); audit events name it. */
  readonly tokenId: string;
  /** Who holds the token (a person or a system), shown as the acting user. */
  readonly name: string;
  readonly role: Role;
}

/** What a request does, coarse enough to state per route. */
export type Action =
  /** Read logs, signatures, issues, impact, tickets, articles (scoped by customer). */
  | "read"
  /** Push log records. */
  | "ingest"
  /** Open, edit, comment, link and resolve tickets; write and publish articles. */
  | "work"
  /** Rules, customers, imports, integrations, tokens, audit. */
  | "admin";

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$/;

/** Reads a grant string; null when it is not one of the four forms. */
export function parseRole(grant: string): Role | null {
  if (grant === "admin") return { kind: "admin" };
  if (grant === "agent") return { kind: "agent" };
  if (grant.startsWith("customer:")) {
    const customer = grant.slice("customer:".length);
    return ID.test(customer) ? { kind: "customer", customer } : null;
  }
  if (grant.startsWith("ingest:")) {
    const origin = grant.slice("ingest:".length);
    const slash = origin.indexOf("/");
    if (slash < 0) return null;
    const customer = origin.slice(0, slash);
    const environment = origin.slice(slash + 1);
    return ID.test(customer) && ID.test(environment)
      ? { kind: "ingest", customer, environment }
      : null;
  }
  return null;
}

/** The grant string of a role, the inverse of {@linkcode parseRole}. */
export function roleText(role: Role): string {
  switch (role.kind) {
    case "admin":
    case "agent":
      return role.kind;
    case "customer":
      return `customer:${role.customer}`;
    case "ingest":
      return `ingest:${role.customer}/${role.environment}`;
  }
}

/** Whether the role may do this kind of thing at all (scope is checked apart). */
export function allows(role: Role, action: Action): boolean {
  switch (role.kind) {
    case "admin":
      return true;
    case "agent":
      return action !== "admin";
    case "customer":
      return action === "read";
    case "ingest":
      return action === "ingest";
  }
}

/**
 * The one customer a role is confined to, or null when it sees every
 * customer. Queries filter by it; names of other customers never leave.
 */
export function customerScope(role: Role): string | null {
  return role.kind === "customer" || role.kind === "ingest" ? role.customer : null;
}

/** Whether the role may see this customer's data by name. */
export function maySeeCustomer(role: Role, customer: string | null): boolean {
  const scope = customerScope(role);
  return scope === null || scope === customer;
}
