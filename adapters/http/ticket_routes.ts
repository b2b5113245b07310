/**
 * Tickets over HTTP, and their diagnosis views (logs, metrics, candidate
 * signatures). Metrics snapshots are `metric_routes.ts`, threshold rules
 * `rule_routes.ts`. Bodies and queries are parsed with zod here; handlers
 * throw LoupeError and the parent app's onError shapes every failure.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { ScoredSignature } from "../../domain/correlation/mod.ts";
import { severityTextOf } from "../../domain/severity.ts";
import {
  type Resolution,
  type Ticket,
  TICKET_SEVERITIES,
  TICKET_STATUSES,
  type TicketComment,
} from "../../domain/tickets/mod.ts";
import type {
  Candidate,
  LogLine,
  TicketApi,
  TicketDetail,
  TicketHistoryEntry,
  TicketSummary,
} from "../../ports/tickets.ts";
import { isoTimeOrNull as iso } from "../iso_time.ts";
import { bodyTime, label, severityParam, timeParam } from "../params.ts";
import {
  changedFieldsBody,
  changedFieldsOf,
  externalRefReply,
  fieldsJson,
  fieldsReply,
  isoOrNull,
  openingFieldsBody,
  openingFieldsOf,
  ticketText,
} from "./ticket_fields.ts";
import { customerFilter, principalOf } from "./access.ts";
import { metricsViewJson, windowJson } from "./metric_routes.ts";
import type { RouteDoc } from "./openapi.ts";
import { limitParam, offsetParam, readJsonBody, writeOptionsOf } from "./request.ts";
import { etag } from "./versions.ts";
import { LoupeError } from "../../ports/errors.ts";

export interface TicketRouteDeps {
  /** The ticket's prediction as JSON, shown on `GET /v1/tickets/:id`; null when there is none. */
  readonly predictionOf?: (ticketId: string) => unknown;
}

const text = ticketText;
const severity = z.enum(TICKET_SEVERITIES);
const status = z.enum(TICKET_STATUSES);

const createTicket = z.object({
  customer: label,
  environment: label,
  ...openingFieldsBody(),
  severity,
  reporter: label,
  opened_at: bodyTime.optional(),
}).strict();

const updateTicket = z.object({
  ...changedFieldsBody(),
  status: status.optional(),
  status_reason: z.string().trim().min(1).max(2_000).optional(),
  assignee: label.nullable().optional(),
  severity: severity.optional(),
}).strict();

const commentBody = z.object({
  author: label,
  body: text,
  visibility: z.enum(["public", "internal"]).default("public"),
}).strict();

const logEventId = z.string().max(40).regex(
  /^[1-9]\d*:\d+$/,
  "a log event id is <position>:<index>",
);
const linkBody = z.object({
  signature_id: label.optional(),
  signature_ids: z.array(label).max(1_000).optional(),
  log_event_id: logEventId.optional(),
  log_event_ids: z.array(logEventId).max(1_000).optional(),
}).strict().refine(
  (b) =>
    b.signature_id !== undefined || b.log_event_id !== undefined ||
    (b.signature_ids?.length ?? 0) > 0 || (b.log_event_ids?.length ?? 0) > 0,
  { message: "name at least one signature_id(s) or log_event_id(s)" },
);

const resolutionBody = z.object({
  root_cause: text,
  solution: text,
  prevention: text.nullable().optional(),
  resolver: label,
}).strict();

const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z.string().transform((value, ctx) => {
    const items = value.split(",").map((v) => v.trim()).filter((v) => v !== "");
    for (const item of items) {
      if (!(values as readonly string[]).includes(item)) {
        ctx.addIssue({
          code: "custom",
          message: `"${item}" is not one of ${values.join(", ")}`,
        });
        return z.NEVER;
      }
    }
    return items as T[];
  });

const pageParams = {
  limit: limitParam(1000, 50),
  offset: offsetParam,
};

const listQuery = z.object({
  status: csv(TICKET_STATUSES).optional(),
  severity: csv(TICKET_SEVERITIES).optional(),
  customer: label.optional(),
  environment: label.optional(),
  /** `none` lists unassigned tickets. */
  assignee: label.optional(),
  ...pageParams,
}).strict();

const logsQuery = z.object({
  level: severityParam.optional(),
  text: z.string().min(1).max(500).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: limitParam(1000, 100),
  cursor: z.string().max(100).optional(),
}).strict();

const candidatesQuery = z.object({
  limit: limitParam(200, 10),
}).strict();

/** A ticket as its caller may see it: a customer token does not see internal notes. */
function seenBy(c: Context, detail: TicketDetail): TicketDetail {
  if (principalOf(c).role.kind !== "customer") return detail;
  return {
    ticket: {
      ...detail.ticket,
      comments: detail.ticket.comments.filter((comment) => comment.visibility === "public"),
    },
    history: detail.history.filter((entry) =>
      (entry.data as { visibility?: string }).visibility !== "internal"
    ),
  };
}

/** Largest JSON body of the ticket, comment, link, resolution and PATCH routes. */
const TICKET_JSON_BYTES = 1024 * 1024;

function jsonBody(c: Context): Promise<unknown> {
  return readJsonBody(c.req.raw, { maxBytes: TICKET_JSON_BYTES });
}

export function ticketRoutes(api: TicketApi, deps: TicketRouteDeps): Hono {
  const http = new Hono();

  const ticketReply = (c: Context, ticket: Ticket, status: 200 | 201 = 200) => {
    c.header("ETag", etag(ticket.version));
    return c.json(ticketJson(ticket), status);
  };

  http.post("/v1/tickets", async (c) => {
    const body = createTicket.parse(await jsonBody(c));
    const ticket = await api.openTicket({
      ...openingFieldsOf(body),
      customer: body.customer,
      environment: body.environment,
      severity: body.severity,
      reporter: body.reporter,
      openedAt: body.opened_at ?? null,
    }, writeOptionsOf(c));
    c.header("Location", `/v1/tickets/${ticket.ticketId}`);
    return ticketReply(c, ticket, 201);
  });

  http.get("/v1/tickets", (c) => {
    const parsed = listQuery.parse(c.req.query());
    const query = { ...parsed, customer: customerFilter(c, parsed.customer) };
    const page = api.listTickets({
      limit: query.limit,
      offset: query.offset,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.severity === undefined ? {} : { severity: query.severity }),
      ...(query.customer === undefined ? {} : { customer: query.customer }),
      ...(query.environment === undefined ? {} : { environment: query.environment }),
      ...(query.assignee === undefined
        ? {}
        : { assignee: query.assignee === "none" ? null : query.assignee }),
    });
    return c.json({
      total: page.total,
      limit: query.limit,
      offset: query.offset,
      items: page.items.map(summaryJson),
    });
  });

  http.get("/v1/tickets/:id", async (c) => {
    const detail = seenBy(c, await api.ticket(c.req.param("id")));
    c.header("ETag", etag(detail.ticket.version));
    const prediction = deps.predictionOf?.(detail.ticket.ticketId);
    return c.json({
      ...ticketJson(detail.ticket),
      ...(prediction === undefined ? {} : { prediction }),
      history: detail.history.map(historyJson),
    });
  });

  http.patch("/v1/tickets/:id", async (c) => {
    const body = updateTicket.parse(await jsonBody(c));
    const ticket = await api.updateTicket(c.req.param("id"), {
      ...changedFieldsOf(body),
      ...(body.status === undefined ? {} : { status: body.status }),
      ...(body.status_reason === undefined ? {} : { statusReason: body.status_reason }),
      ...(body.assignee === undefined ? {} : { assignee: body.assignee }),
      ...(body.severity === undefined ? {} : { severity: body.severity }),
    }, writeOptionsOf(c));
    return ticketReply(c, ticket);
  });

  http.get("/v1/tickets/:id/comments", async (c) => {
    const { ticket } = seenBy(c, await api.ticket(c.req.param("id")));
    c.header("ETag", etag(ticket.version));
    return c.json({ items: ticket.comments.map(commentJson) });
  });

  http.post("/v1/tickets/:id/comments", async (c) => {
    const body = commentBody.parse(await jsonBody(c));
    const ticket = await api.comment(c.req.param("id"), body, writeOptionsOf(c));
    c.header("ETag", etag(ticket.version));
    return c.json({
      comment: commentJson(ticket.comments[ticket.comments.length - 1]!),
      ticket: ticketJson(ticket),
    }, 201);
  });

  http.get("/v1/tickets/:id/links", async (c) => {
    const { ticket } = await api.ticket(c.req.param("id"));
    c.header("ETag", etag(ticket.version));
    return c.json(ticketJson(ticket).links);
  });

  http.post("/v1/tickets/:id/links", async (c) => {
    const body = linkBody.parse(await jsonBody(c));
    const ticket = await api.link(c.req.param("id"), {
      signatureIds: [
        ...(body.signature_id ? [body.signature_id] : []),
        ...(body.signature_ids ?? []),
      ],
      logEventIds: [
        ...(body.log_event_id ? [body.log_event_id] : []),
        ...(body.log_event_ids ?? []),
      ],
    }, writeOptionsOf(c));
    return ticketReply(c, ticket);
  });

  http.delete("/v1/tickets/:id/links/signatures/:signatureId", async (c) => {
    const ticket = await api.unlink(c.req.param("id"), {
      signatureIds: [c.req.param("signatureId")],
    }, writeOptionsOf(c));
    return ticketReply(c, ticket);
  });

  http.delete("/v1/tickets/:id/links/log-events/:logEventId", async (c) => {
    const logEventIdParam = logEventId.safeParse(c.req.param("logEventId"));
    if (!logEventIdParam.success) {
      throw new LoupeError(
        "validation_failed",
        `Invalid log event id ${
          JSON.stringify(c.req.param("logEventId").slice(0, 100))
        }: a log event id is <position>:<index>`,
      );
    }
    const ticket = await api.unlink(c.req.param("id"), {
      logEventIds: [logEventIdParam.data],
    }, writeOptionsOf(c));
    return ticketReply(c, ticket);
  });

  http.get("/v1/tickets/:id/resolution", async (c) => {
    const { ticket } = await api.ticket(c.req.param("id"));
    c.header("ETag", etag(ticket.version));
    return c.json({
      resolution: ticket.resolution === null ? null : resolutionJson(ticket.resolution),
      history: ticket.resolutions.map(resolutionJson),
    });
  });

  http.post("/v1/tickets/:id/resolution", async (c) => {
    const body = resolutionBody.parse(await jsonBody(c));
    const ticket = await api.resolve(c.req.param("id"), {
      rootCause: body.root_cause,
      solution: body.solution,
      prevention: body.prevention ?? null,
      resolver: body.resolver,
    }, writeOptionsOf(c));
    return ticketReply(c, ticket);
  });

  http.get("/v1/tickets/:id/logs", async (c) => {
    const query = logsQuery.parse(c.req.query());
    if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
      throw new LoupeError("bad_request", "Invalid time range: from must be before to");
    }
    const page = await api.ticketLogs(c.req.param("id"), {
      limit: query.limit,
      ...(query.level === undefined ? {} : { minSeverity: query.level }),
      ...(query.text === undefined ? {} : { text: query.text }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
    return c.json({
      window: windowJson(page.window),
      items: page.items.map(logLineJson),
      next_cursor: page.nextCursor,
    });
  });

  http.get("/v1/tickets/:id/metrics", async (c) => {
    return c.json(metricsViewJson(await api.ticketMetrics(c.req.param("id"))));
  });

  http.get("/v1/tickets/:id/candidates", async (c) => {
    const query = candidatesQuery.parse(c.req.query());
    const list = await api.candidates(c.req.param("id"), query.limit);
    return c.json({
      ticket_id: list.ticketId,
      window: windowJson(list.window),
      considered: list.considered,
      candidates: list.candidates.map(candidateJson),
    });
  });

  http.get("/v1/signatures/:id/tickets", async (c) => {
    const query = candidatesQuery.parse(c.req.query());
    const found = await api.signatureTickets(c.req.param("id"), query.limit);
    return c.json({
      signature_id: found.signatureId,
      linked: found.linked.map(summaryJson),
      probable: found.probable.map((p) => ({
        ticket: summaryJson(p.ticket),
        score: p.score,
        rank: p.rank,
        reasons: p.reasons,
      })),
    });
  });

  return http;
}

function commentJson(comment: TicketComment) {
  return {
    id: comment.commentId,
    author: comment.author,
    body: comment.body,
    visibility: comment.visibility,
    at: iso(comment.at),
  };
}

function resolutionJson(resolution: Resolution) {
  return {
    root_cause: resolution.rootCause,
    solution: resolution.solution,
    prevention: resolution.prevention,
    resolver: resolution.resolver,
    at: iso(resolution.at),
  };
}

export function ticketJson(ticket: Ticket) {
  return {
    id: ticket.ticketId,
    version: ticket.version,
    customer: ticket.customer,
    environment: ticket.environment,
    ...fieldsJson(ticket),
    severity: ticket.severity,
    status: ticket.status,
    reporter: ticket.reporter,
    assignee: ticket.assignee,
    opened_at: iso(ticket.openedAt),
    updated_at: iso(ticket.updatedAt),
    closed_at: iso(ticket.closedAt),
    comments: ticket.comments.map(commentJson),
    links: { signatures: ticket.signatures, log_events: ticket.logEvents },
    resolution: ticket.resolution === null ? null : resolutionJson(ticket.resolution),
    resolutions: ticket.resolutions.map(resolutionJson),
  };
}

function summaryJson(summary: TicketSummary) {
  return {
    id: summary.ticketId,
    version: summary.version,
    customer: summary.customer,
    environment: summary.environment,
    subject: summary.subject,
    severity: summary.severity,
    status: summary.status,
    assignee: summary.assignee,
    reporter: summary.reporter,
    external_ref: summary.externalRef,
    opened_at: iso(summary.openedAt),
    updated_at: iso(summary.updatedAt),
    closed_at: iso(summary.closedAt),
    linked_signatures: summary.signatures,
    linked_log_events: summary.logEvents,
  };
}

function historyJson(entry: TicketHistoryEntry) {
  return {
    version: entry.version,
    type: entry.type,
    at: iso(entry.at),
    by: entry.by,
    data: snakeKeys(entry.data),
  };
}

function snakeKeys(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(data).map((
      [key, value],
    ) => [key.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`), value]),
  );
}

function logLineJson(line: LogLine) {
  return {
    id: line.logEventId,
    time: iso(line.timestamp),
    customer: line.customer,
    environment: line.environment,
    service: line.service,
    version: line.version,
    severity: line.severityText,
    severity_number: line.severityNumber,
    message: line.message,
    signature_id: line.signatureId,
    source: line.source,
    line: line.line,
  };
}

function candidateJson(candidate: Candidate) {
  return {
    signature_id: candidate.signatureId,
    issue_id: candidate.issueId ?? null,
    template: candidate.template,
    severity: severityTextOf(candidate.severityNumber),
    score: candidate.score,
    rank: candidate.rank,
    linked: candidate.linked,
    features: candidate.features satisfies ScoredSignature["features"],
    reasons: candidate.reasons,
    stats: {
      count_in_window: candidate.stats.countInWindow,
      peak_hour_in_window: candidate.stats.peakHourInWindow,
      count_before: candidate.stats.countBefore,
      baseline_hours: candidate.stats.beforeHours,
      first_seen_here: iso(candidate.stats.envFirstSeen),
      customers_affected: candidate.stats.customersAffected,
      customers_total: candidate.stats.totalCustomers,
    },
  };
}

const commentReply = z.object({
  id: z.string(),
  author: z.string(),
  body: z.string(),
  visibility: z.enum(["public", "internal"]),
  at: isoOrNull,
}).meta({ id: "TicketComment" });
const resolutionReply = z.object({
  root_cause: z.string(),
  solution: z.string(),
  prevention: z.string().nullable(),
  resolver: z.string(),
  at: isoOrNull,
}).meta({ id: "TicketResolution" });
const linksReply = z.object({
  signatures: z.array(z.string()),
  log_events: z.array(z.string()).describe("`position:index` of each linked log line"),
});
/** A ticket as every write on it answers (`ticketJson`), with its ETag in the header. */
const ticketReplySchema = z.object({
  id: z.string(),
  version: z.number().int(),
  customer: z.string(),
  environment: z.string(),
  ...fieldsReply(),
  severity: z.enum(TICKET_SEVERITIES),
  status: z.enum(TICKET_STATUSES),
  reporter: z.string(),
  assignee: z.string().nullable(),
  opened_at: isoOrNull,
  updated_at: isoOrNull,
  closed_at: isoOrNull,
  comments: z.array(commentReply),
  links: linksReply,
  resolution: resolutionReply.nullable(),
  resolutions: z.array(resolutionReply),
}).meta({ id: "Ticket" });
const ticketDetailReply = ticketReplySchema.extend({
  prediction: z.object({}).loose().nullable().optional()
    .describe(
      "when it will probably be resolved (see GET /v1/tickets/{id}/prediction); null while too few tickets are resolved to tell",
    ),
  history: z.array(z.object({
    version: z.number().int(),
    type: z.string(),
    at: isoOrNull,
    by: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })),
  sync: z.object({}).loose().nullable().optional()
    .describe("the ticket in Zendesk and Jira, when they are configured"),
}).meta({ id: "TicketDetail" });
const ticketSummaryReply = z.object({
  id: z.string(),
  version: z.number().int(),
  customer: z.string(),
  environment: z.string(),
  subject: z.string(),
  severity: z.enum(TICKET_SEVERITIES),
  status: z.enum(TICKET_STATUSES),
  assignee: z.string().nullable(),
  reporter: z.string(),
  external_ref: externalRefReply,
  opened_at: isoOrNull,
  updated_at: isoOrNull,
  closed_at: isoOrNull,
  linked_signatures: z.number().int().describe("how many signatures are linked"),
  linked_log_events: z.number().int().describe("how many log events are linked"),
}).meta({ id: "TicketSummary" });

/** What `/openapi.json` says about the routes above. */
export const ticketRouteDocs: readonly RouteDoc[] = [
  {
    method: "post",
    path: "/v1/tickets",
    summary: "Open a ticket",
    tag: "tickets",
    body: { "application/json": createTicket },
    responses: { 201: { description: "Open a ticket", schema: ticketReplySchema } },
    errors: [400, 401, 403, 413, 415],
  },
  {
    method: "get",
    path: "/v1/tickets",
    summary: "List tickets",
    tag: "tickets",
    query: listQuery,
    responses: {
      200: {
        description: "List tickets",
        schema: z.object({
          total: z.number().int(),
          limit: z.number().int(),
          offset: z.number().int(),
          items: z.array(ticketSummaryReply),
        }),
      },
    },
    errors: [400, 401, 403],
  },
  {
    method: "get",
    path: "/v1/tickets/:id",
    summary: "A ticket and its history (ETag)",
    tag: "tickets",
    responses: {
      200: { description: "A ticket and its history (ETag)", schema: ticketDetailReply },
    },
    errors: [401, 403, 404],
  },
  {
    method: "patch",
    path: "/v1/tickets/:id",
    summary: "Change status, assignee, severity, subject or window (If-Match)",
    tag: "tickets",
    body: { "application/json": updateTicket },
    responses: {
      200: {
        description: "Change status, assignee, severity, subject or window (If-Match)",
        schema: ticketReplySchema,
      },
    },
    errors: [400, 401, 403, 404, 409, 412],
  },
  {
    method: "get",
    path: "/v1/tickets/:id/comments",
    summary: "Public replies and internal notes",
    tag: "tickets",
    responses: {
      200: {
        description: "Public replies and internal notes",
        schema: z.object({ items: z.array(commentReply) }),
      },
    },
    errors: [401, 403, 404],
  },
  {
    method: "post",
    path: "/v1/tickets/:id/comments",
    summary: "Add a reply or an internal note",
    tag: "tickets",
    body: { "application/json": commentBody },
    responses: {
      201: {
        description: "Add a reply or an internal note",
        schema: z.object({ comment: commentReply, ticket: ticketReplySchema }),
      },
    },
    errors: [400, 401, 403, 404, 409, 412],
  },
  {
    method: "get",
    path: "/v1/tickets/:id/links",
    summary: "Linked signatures and log events",
    tag: "tickets",
    responses: {
      200: { description: "Linked signatures and log events", schema: linksReply },
    },
    errors: [401, 403, 404],
  },
  {
    method: "post",
    path: "/v1/tickets/:id/links",
    summary: "Link a signature or a log event",
    tag: "tickets",
    body: { "application/json": linkBody },
    responses: {
      200: { description: "Link a signature or a log event", schema: ticketReplySchema },
    },
    errors: [400, 401, 403, 404, 409, 412],
  },
  {
    method: "delete",
    path: "/v1/tickets/:id/links/signatures/:signatureId",
    summary: "Unlink a signature",
    tag: "tickets",
    responses: { 200: { description: "Unlink a signature", schema: ticketReplySchema } },
    errors: [401, 403, 404, 409, 412],
  },
  {
    method: "delete",
    path: "/v1/tickets/:id/links/log-events/:logEventId",
    summary: "Unlink a log event (`position:index`)",
    tag: "tickets",
    responses: {
      200: { description: "Unlink a log event (`position:index`)", schema: ticketReplySchema },
    },
    errors: [400, 401, 403, 404, 409, 412],
  },
  {
    method: "get",
    path: "/v1/tickets/:id/resolution",
    summary: "The resolution and its history",
    tag: "tickets",
    responses: {
      200: {
        description: "The resolution and its history",
        schema: z.object({
          resolution: resolutionReply.nullable(),
          history: z.array(resolutionReply),
        }),
      },
    },
    errors: [401, 403, 404],
  },
  {
    method: "post",
    path: "/v1/tickets/:id/resolution",
    summary: "Record root cause, solution, prevention, resolver",
    tag: "tickets",
    body: { "application/json": resolutionBody },
    responses: {
      200: {
        description: "Record root cause, solution, prevention, resolver",
        schema: ticketReplySchema,
      },
    },
    errors: [400, 401, 403, 404, 409, 412],
  },
  {
    method: "get",
    path: "/v1/tickets/:id/logs",
    summary: "Its environment's logs in the ticket's window, newest first",
    tag: "tickets",
    query: logsQuery,
    responses: {
      200: {
        description: "Its environment's logs in the ticket's window, newest first",
        schema: z.object({}).loose(),
      },
    },
    errors: [400, 401, 403, 404],
  },
  {
    method: "get",
    path: "/v1/tickets/:id/metrics",
    summary: "Its environment's metric snapshots and the rules they break",
    tag: "tickets",
    responses: {
      200: {
        description: "Its environment's metric snapshots and the rules they break",
        schema: z.object({}).loose(),
      },
    },
    errors: [401, 403, 404],
  },
  {
    method: "get",
    path: "/v1/tickets/:id/candidates",
    summary: "The signatures most likely behind the symptom, scored with reasons",
    tag: "tickets",
    query: candidatesQuery,
    responses: {
      200: {
        description: "The signatures most likely behind the symptom, scored with reasons",
        schema: z.object({}).loose(),
      },
    },
    errors: [400, 401, 403, 404],
  },
  {
    method: "get",
    path: "/v1/signatures/:id/tickets",
    summary: "Tickets linked to a signature, and open ones that probably describe it",
    tag: "tickets",
    query: candidatesQuery,
    responses: {
      200: {
        description: "Tickets linked to a signature, and open ones that probably describe it",
        schema: z.object({}).loose(),
      },
    },
    errors: [400, 401, 403, 404],
  },
];
