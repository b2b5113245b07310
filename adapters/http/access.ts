/**
 * Authentication and authorization for every route: who is calling (from
 * the bearer token), what the route demands ({@linkcode ROUTE_RULES}, one
 * entry per route; a test fails for a route without one), and the audit of
 * every read of one customer's data.
 */
import type { Context, MiddlewareHandler } from "hono";
import { createHash, timingSafeEqual } from "node:crypto";
import { customerScope, type Principal } from "../../domain/access/principal.ts";
import { ANONYMOUS, refusal, type RouteRule, scopedCustomer } from "../../domain/access/policy.ts";
import type { AuditLog, Authenticator } from "../../ports/access.ts";
import type { Clock } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";

declare module "hono" {
  interface ContextVariableMap {
    principal: Principal;
    /** The one customer a read turned out to be about, when the handler knows it. */
    auditCustomer: string;
  }
}

export interface HttpAccess {
  readonly authenticator: Authenticator;
  /** Reads of one customer's data are recorded here. */
  readonly audit?: AuditLog;
  /** The customer a ticket belongs to; null when there is no such ticket. */
  readonly ticketCustomer?: (ticketId: string) => Promise<string | null>;
  /** Whether this customer logged the signature (false for no such signature). */
  readonly signatureSeenBy?: (signatureId: string, customer: string) => boolean;
}

const read = (customers: RouteRule["customers"]): RouteRule => ({ action: "read", customers });
const work: RouteRule = { action: "work", customers: "all-customers" };
const admin: RouteRule = { action: "admin", customers: "all-customers" };
const open: RouteRule = { action: "read", customers: "public" };

/**
 * Every route's rule, keyed `METHOD path` as the route is declared. A
 * `customer:` token reads only where the rule scopes it (`customer-param`,
 * `ticket`, `scoped`); views that span every customer refuse it.
 */
export const ROUTE_RULES: Readonly<Record<string, RouteRule>> = {
  "GET /healthz": open,
  "GET /metrics": open,
  "GET /openapi.json": open,
  "GET /docs": open,
  "GET /docs/:file": open,
  // Signed by the remote (see integration_routes.ts), not by a token.
  "POST /v1/integrations/zendesk/webhook": open,
  "POST /v1/integrations/jira/webhook": open,

  "POST /v1/logs": { action: "ingest", customers: "all-customers" },
  "GET /v1/signatures": read("scoped"),
  "GET /v1/signatures/:id": read("signature"),
  "GET /v1/quarantine": read("all-customers"),

  "POST /v1/tickets": work,
  "GET /v1/tickets": read("scoped"),
  "GET /v1/tickets/:id": read("ticket"),
  "PATCH /v1/tickets/:id": work,
  "GET /v1/tickets/:id/comments": read("ticket"),
  "POST /v1/tickets/:id/comments": work,
  "GET /v1/tickets/:id/links": read("ticket"),
  "POST /v1/tickets/:id/links": work,
  "DELETE /v1/tickets/:id/links/signatures/:signatureId": work,
  "DELETE /v1/tickets/:id/links/log-events/:logEventId": work,
  "GET /v1/tickets/:id/resolution": read("ticket"),
  "POST /v1/tickets/:id/resolution": work,
  "GET /v1/tickets/:id/logs": read("ticket"),
  "GET /v1/tickets/:id/metrics": read("ticket"),
  "GET /v1/tickets/:id/candidates": read("ticket"),
  "GET /v1/signatures/:id/tickets": read("all-customers"),
  "POST /v1/metrics": work,
  "GET /v1/metrics": read("scoped"),
  "GET /v1/rules": read("all-customers"),
  "PUT /v1/rules": admin,

  "GET /v1/customers": read("scoped"),
  "POST /v1/customers/import": admin,
  // Forgetting and retention destroy data: administrators only.
  "DELETE /v1/customers/:id/data": admin,
  "GET /v1/customers/:id/retention": admin,
  "PUT /v1/customers/:id/retention": admin,
  "POST /v1/retention/run": admin,
  "GET /v1/customers/:id": read("customer-param"),
  "DELETE /v1/customers/:id": admin,
  "GET /v1/signatures/:id/impact": read("all-customers"),
  "GET /v1/customers/:id/impact": read("customer-param"),
  "GET /v1/signatures/:id/trend": read("signature"),
  "GET /v1/trends": read("all-customers"),

  "GET /v1/issues": read("scoped"),
  "GET /v1/issues/:id": read("all-customers"),
  "POST /v1/issues/:id/merge": work,
  "POST /v1/issues/:id/split": work,
  "GET /v1/signatures/:id/issue": read("all-customers"),
  "GET /v1/priorities": read("all-customers"),

  "GET /v1/integrations": admin,
  "GET /v1/integrations/deliveries": admin,
  "POST /v1/integrations/deliveries/:id/retry": admin,
  "POST /v1/issues/:id/jira": work,
  "GET /v1/issues/:id/timeline": read("all-customers"),

  "GET /v1/tickets/:id/prediction": read("ticket"),
  "GET /v1/analytics/resolution": read("all-customers"),
  "GET /v1/analytics/staffing": read("all-customers"),
  "GET /v1/analytics/escalations": read("all-customers"),
  "POST /v1/tickets/import": admin,

  "POST /v1/kb/articles/import": admin,
  "GET /v1/kb/articles": read("all-customers"),
  "POST /v1/kb/articles": work,
  "GET /v1/kb/articles/:id": read("published"),
  "PUT /v1/kb/articles/:id": work,
  "POST /v1/kb/articles/:id/publish": work,
  "POST /v1/kb/articles/:id/retire": work,
  "GET /v1/kb/search": read("published"),
  "POST /v1/kb/suggest": read("all-customers"),
  "GET /v1/tickets/:id/articles": read("ticket"),
  "GET /v1/issues/:id/articles": read("all-customers"),
  "POST /v1/tickets/:id/articles/:aid/feedback": work,
  "GET /v1/kb/candidates": read("all-customers"),
  "POST /v1/kb/drafts": work,
  "GET /v1/kb/gaps": read("all-customers"),

  "POST /v1/tokens": admin,
  "GET /v1/tokens": admin,
  "DELETE /v1/tokens/:id": admin,
  "GET /v1/audit": admin,
};

/** What a request matched: its rule and path parameters. */
interface Matched {
  readonly route: string;
  readonly rule: RouteRule;
  readonly params: Readonly<Record<string, string>>;
}

interface CompiledRule {
  readonly route: string;
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly rule: RouteRule;
}

function compile(rules: Readonly<Record<string, RouteRule>>): CompiledRule[] {
  return Object.entries(rules).map(([route, rule]) => {
    const [method, path] = route.split(" ") as [string, string];
    const names: string[] = [];
    const source = path.split("/").map((part) => {
      if (!part.startsWith(":")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(part.slice(1));
      return "([^/]+)";
    }).join("/");
    return { route, method, pattern: new RegExp(`^${source}$`), names, rule };
  }).sort((a, b) => a.names.length - b.names.length); // literal segments win over parameters
}

const COMPILED = compile(ROUTE_RULES);

/** The rule for a request, the most literal route first; undefined for no declared route. */
export function matchRule(method: string, path: string): Matched | undefined {
  const verb = method === "HEAD" ? "GET" : method;
  for (const compiled of COMPILED) {
    if (compiled.method !== verb) continue;
    const match = compiled.pattern.exec(path);
    if (match === null) continue;
    const params: Record<string, string> = {};
    compiled.names.forEach((name, i) => {
      params[name] = safeDecode(match[i + 1]!);
    });
    return { route: compiled.route, rule: compiled.rule, params };
  }
  return undefined;
}

/** Routes with no rule are treated as admin configuration: closed unless allowed. */
const UNDECLARED: RouteRule = admin;

export function accessMiddleware(access: HttpAccess, clock: Clock): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === "OPTIONS") return await next();
    const matched = matchRule(c.req.method, c.req.path);
    const rule = matched?.rule ?? UNDECLARED;
    if (rule.customers === "public") return await next();
    if (!access.authenticator.required()) {
      c.set("principal", ANONYMOUS);
      return await next();
    }
    const principal = await principalFromHeader(
      access.authenticator,
      c.req.header("authorization"),
    );
    c.set("principal", principal);
    let ticketCustomer: string | null | undefined;
    const target = async (): Promise<string | null> => {
      if (rule.customers === "customer-param") return matched?.params.id ?? null;
      if (rule.customers === "ticket" && access.ticketCustomer !== undefined) {
        return ticketCustomer ??= await access.ticketCustomer(matched?.params.id ?? "");
      }
      const scope = customerScope(principal.role);
      if (rule.customers === "signature" && scope !== null) {
        const seen = access.signatureSeenBy?.(matched?.params.id ?? "", scope) ?? false;
        return seen ? scope : null;
      }
      return null;
    };
    const confined = customerScope(principal.role) !== null;
    const refused = refusal(principal.role, rule, confined ? await target() : undefined);
    if (refused !== null) throw new LoupeError("forbidden", refused.reason);
    await next();
    if (rule.action !== "read" || access.audit === undefined || c.res.status >= 400) return;
    const customer = customerScope(principal.role) ?? c.get("auditCustomer") ??
      (rule.customers === "scoped" ? c.req.query("customer") : undefined) ??
      (await target() ?? undefined);
    if (customer === undefined) return;
    access.audit.record({
      tokenId: principal.tokenId,
      name: principal.name,
      customer,
      endpoint: matched?.route ?? `${c.req.method} ${c.req.path}`,
      path: c.req.path,
      at: clock.now(),
    });
  };
}

async function principalFromHeader(
  authenticator: Authenticator,
  header: string | undefined,
): Promise<Principal> {
  if (header === undefined) {
    throw new LoupeError(
      "unauthorized",
      "Missing Authorization header: send `Authorization: Bearer <token>`",
    );
  }
  const match = /^Bearer[ ]+(\S{1,1024})\s*$/i.exec(header);
  const principal = match === null ? null : await authenticator.authenticate(match[1]!);
  if (principal === null) {
    throw new LoupeError("unauthorized", "The token is not valid: it is unknown or was revoked");
  }
  return principal;
}

/** The caller; the anonymous admin when the service runs without tokens. */
export function principalOf(c: Context): Principal {
  return c.get("principal") ?? ANONYMOUS;
}

/**
 * The customer a query is confined to: a customer token's own (naming
 * another is refused), otherwise the one the request asked for.
 */
export function customerFilter(c: Context, requested: string | undefined): string | undefined {
  const scoped = scopedCustomer(principalOf(c).role, requested);
  if ("refused" in scoped) throw new LoupeError("forbidden", scoped.refused);
  return scoped.customer;
}

/** Says which one customer a read was about, for the audit trail. */
export function readFor(c: Context, customer: string | null | undefined): void {
  if (customer !== null && customer !== undefined) c.set("auditCustomer", customer);
}

/** An authenticator for `LOUPE_API_KEY` alone (an app built without a token store). */
export function apiKeyAuthenticator(apiKey: string | undefined): Authenticator {
  const expected = apiKey === undefined ? undefined : sha256(apiKey);
  return {
    required: () => expected !== undefined,
    authenticate: (secret) =>
      Promise.resolve(
        expected !== undefined && timingSafeEqual(sha256(secret), expected)
          ? { tokenId: "api-key", name: "api-key", role: { kind: "admin" } }
          : null,
      ),
  };
}

function sha256(text: string) {
  return createHash("sha256").update(text).digest();
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * The console's pages sign in with a session cookie and apply the same policy
 * themselves (adapters/console), so the bearer check and its rule table leave them out.
 */
export function isConsolePath(path: string): boolean {
  return path === "/" || path === "/console" || path.startsWith("/console/");
}
