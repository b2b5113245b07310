/**
 * What each route demands of its caller, stated once per route so that a
 * new route cannot forget it: the kind of action, and how a token confined
 * to one customer is kept to that customer there.
 */
import { type Action, allows, customerScope, type Principal, type Role } from "./principal.ts";

/**
 * How a route keeps a `customer:` token to its own customer:
 * - `public`: no token needed at all (liveness, the API description, signed webhooks).
 * - `customer-param`: the path's `:id` is a customer id; only its own.
 * - `ticket`: the path's `:id` is a ticket; only tickets of its own customer.
 * - `signature`: the path's `:id` is a signature; only one its own customer logged.
 * - `scoped`: the handler filters its query by the token's customer.
 * - `published`: knowledge every customer may read; the handler shows a
 *   customer token published articles only, without their internal links.
 * - `all-customers`: the answer is about every customer at once; customer tokens are refused.
 */
export type CustomerRule =
  | "public"
  | "customer-param"
  | "ticket"
  | "signature"
  | "scoped"
  | "published"
  | "all-customers";

/** A route's access rule. */
export interface RouteRule {
  readonly action: Action;
  readonly customers: CustomerRule;
}

/** Why a principal may not make a request, or null when it may. */
export type Refusal = { readonly reason: string } | null;

/**
 * Whether `role` may call a route with this rule, before the handler runs.
 * `target` is the customer the request is about, where the rule names one
 * (a `customer-param` route's id, a `ticket` route's ticket's customer, a
 * `signature` route's customer when it logged the signature); null when
 * that ticket, customer or signature is unknown or not its own.
 *
 * @example
 * ```ts
 * import { refusal } from "./policy.ts";
 * import assert from "node:assert/strict";
 * const role = { kind: "customer", customer: "acme" } as const;
 * assert.equal(refusal(role, { action: "read", customers: "customer-param" }, "acme"), null);
 * assert.notEqual(refusal(role, { action: "read", customers: "customer-param" }, "globex"), null);
 * ```
 */
export function refusal(role: Role, rule: RouteRule, target?: string | null): Refusal {
  if (rule.customers === "public") return null;
  if (!allows(role, rule.action)) {
    return { reason: `A ${roleLabel(role)} token may not ${ACTION_WORDS[rule.action]}` };
  }
  const scope = customerScope(role);
  if (scope === null || role.kind === "ingest") return null;
  switch (rule.customers) {
    case "all-customers":
      return { reason: "A customer token may not read views that span every customer" };
    case "customer-param":
    case "ticket":
    case "signature":
      return target === scope ? null : { reason: "A customer token reads only its own customer" };
    case "scoped":
    case "published":
      return null;
  }
}

/**
 * The customer a query is confined to: the token's own when it has one (a
 * request naming another is refused), otherwise what the request asked for.
 */
export function scopedCustomer(
  role: Role,
  requested: string | undefined,
): { readonly customer: string | undefined } | { readonly refused: string } {
  const scope = customerScope(role);
  if (scope === null) return { customer: requested };
  if (requested !== undefined && requested !== scope) {
    return { refused: "A customer token reads only its own customer" };
  }
  return { customer: scope };
}

/** The principal of a service with no token at all (development mode): an admin. */
export const ANONYMOUS: Principal = {
  tokenId: "anonymous",
  name: "anonymous",
  role: { kind: "admin" },
};

function roleLabel(role: Role): string {
  return role.kind === "customer" || role.kind === "ingest" ? `${role.kind}:` : role.kind;
}

const ACTION_WORDS: Record<Action, string> = {
  read: "read this",
  ingest: "push logs",
  work: "change tickets, articles or issues",
  admin: "change configuration, tokens or read the audit log",
};

/** Where pushed records come from: the request's own words, or the token's origin. */
export interface IngestOrigin {
  readonly customer?: string;
  readonly environment?: string;
  /** True when the token decides: records may not name another customer or environment. */
  readonly pinned: boolean;
}

/**
 * The origin of a push. An `ingest:` token decides it: a request that names
 * another customer or environment is refused, and the records' own fields
 * are overridden. Any other role pushes where the request says.
 *
 * @example
 * ```ts
 * import { ingestOrigin } from "./policy.ts";
 * import assert from "node:assert/strict";
 * const role = { kind: "ingest", customer: "acme", environment: "prod" } as const;
 * assert.deepEqual(ingestOrigin(role, {}), { customer: "acme", environment: "prod", pinned: true });
 * assert.ok("refused" in ingestOrigin(role, { customer: "globex" }));
 * ```
 */
export function ingestOrigin(
  role: Role,
  requested: { readonly customer?: string; readonly environment?: string },
): IngestOrigin | { readonly refused: string } {
  if (role.kind !== "ingest") {
    return {
      ...(requested.customer === undefined ? {} : { customer: requested.customer }),
      ...(requested.environment === undefined ? {} : { environment: requested.environment }),
      pinned: false,
    };
  }
  if (
    (requested.customer !== undefined && requested.customer !== role.customer) ||
    (requested.environment !== undefined && requested.environment !== role.environment)
  ) {
    return {
      refused:
        `This token pushes only for ${role.customer}/${role.environment}: leave customer and environment out or name that origin`,
    };
  }
  return { customer: role.customer, environment: role.environment, pinned: true };
}
