/**
 * Tokens and the audit trail over HTTP, for admins: create (the secret is
 * shown once), list, revoke; and who read which customer's data.
 */
import { Hono } from "hono";
import { z } from "zod";
import { parseRole, roleText } from "../../domain/access/principal.ts";
import type {
  AuditEntry,
  AuditLog,
  Authenticator,
  TokenInfo,
  TokenStore,
} from "../../ports/access.ts";
import { LoupeError } from "../../ports/errors.ts";
import { timeParam } from "../params.ts";
import { isoTimeOrNull as iso } from "../iso_time.ts";
import type { RouteDoc } from "./openapi.ts";
import { limitParam, readJsonBody } from "./request.ts";

const createBody = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.string().max(420).describe(
    "admin, agent, customer:<id> or ingest:<customer>/<environment>",
  ),
}).strict();

const auditQuery = z.object({
  customer: z.string().min(1).max(200).optional(),
  token: z.string().min(1).max(200).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: limitParam(1000, 100),
  cursor: z.string().max(40).optional(),
}).strict();

export function accessRoutes(
  tokens: TokenStore & Pick<Authenticator, "required">,
  audit: AuditLog,
): Hono {
  const http = new Hono();

  http.post("/v1/tokens", async (c) => {
    const body = createBody.parse(await readJsonBody(c.req.raw, { maxBytes: 16 * 1024 }));
    const role = parseRole(body.role);
    if (role === null) {
      throw new LoupeError(
        "validation_failed",
        `Invalid role ${
          JSON.stringify(body.role)
        }: use admin, agent, customer:<id> or ingest:<customer>/<environment>`,
        { field: "role" },
      );
    }
    if (!tokens.required() && role.kind !== "admin") {
      // The first token ends the open development mode: were it not an
      // admin's, nobody could create or revoke tokens over HTTP any more.
      throw new LoupeError(
        "conflict",
        "Create an admin token first: once any token exists every request needs one, and " +
          "without an admin token nobody could manage tokens over HTTP",
        { field: "role" },
      );
    }
    const created = await tokens.create({ name: body.name, role });
    return c.json({ ...tokenJson(created.token), secret: created.secret }, 201);
  });

  http.get("/v1/tokens", (c) => c.json({ items: tokens.list().map(tokenJson) }));

  http.delete("/v1/tokens/:id", async (c) => {
    const id = c.req.param("id");
    const revoked = await tokens.revoke(id);
    if (revoked === null) throw new LoupeError("not_found", `Cannot find token ${id}`);
    return c.json(tokenJson(revoked));
  });

  http.get("/v1/audit", async (c) => {
    const query = auditQuery.parse(c.req.query());
    if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
      throw new LoupeError("bad_request", "Invalid time range: from must be before to");
    }
    const page = await audit.query({
      limit: query.limit,
      ...(query.customer === undefined ? {} : { customer: query.customer }),
      ...(query.token === undefined ? {} : { tokenId: query.token }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
    return c.json({ items: page.items.map(auditJson), next_cursor: page.nextCursor });
  });

  return http;
}

/** A token as the API answers it, and as `deno task tokens --json` prints it. */
export function tokenJson(token: TokenInfo) {
  return {
    id: token.tokenId,
    name: token.name,
    role: roleText(token.role),
    created_at: iso(token.createdAt),
    revoked_at: iso(token.revokedAt),
  };
}

function auditJson(entry: AuditEntry) {
  return {
    token: entry.tokenId,
    name: entry.name,
    customer: entry.customer,
    endpoint: entry.endpoint,
    path: entry.path,
    at: iso(entry.at),
  };
}

const tokenReply = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  created_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
}).meta({ id: "Token" });

/** What `/openapi.json` says about the routes above. */
export const accessRouteDocs: readonly RouteDoc[] = [
  {
    method: "post",
    path: "/v1/tokens",
    summary: "Create a token (admins): its secret is in this reply only",
    tag: "access",
    body: { "application/json": createBody },
    responses: {
      201: {
        description: "Created; only a hash of the secret is stored",
        schema: tokenReply.extend({
          secret: z.string().describe("send as `Authorization: Bearer <secret>`"),
        }),
      },
    },
    errors: [400, 401, 403, 413],
  },
  {
    method: "get",
    path: "/v1/tokens",
    summary: "Every token, revoked ones too (admins); never their secrets",
    tag: "access",
    responses: {
      200: { description: "The tokens", schema: z.object({ items: z.array(tokenReply) }) },
    },
    errors: [401, 403],
  },
  {
    method: "delete",
    path: "/v1/tokens/:id",
    summary: "Revoke a token (admins): refused from the next request on",
    tag: "access",
    responses: { 200: { description: "The revoked token", schema: tokenReply } },
    errors: [401, 403, 404],
  },
  {
    method: "get",
    path: "/v1/audit",
    summary: "Reads of one customer's data by a token, newest first (admins)",
    tag: "access",
    query: auditQuery,
    responses: {
      200: {
        description: "A page of reads; pass next_cursor as cursor for the next",
        schema: z.object({
          items: z.array(z.object({
            token: z.string(),
            name: z.string(),
            customer: z.string(),
            endpoint: z.string().describe("the route, e.g. GET /v1/tickets/:id"),
            path: z.string(),
            at: z.string().nullable(),
          })),
          next_cursor: z.string().nullable(),
        }),
      },
    },
    errors: [400, 401, 403],
  },
];
