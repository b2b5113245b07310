/**
 * Zendesk Support API v2: reads tickets with their comments and walks the
 * incremental export; writes internal notes (never public replies) and tags.
 */
import { z } from "zod";
import {
  type ChangePage,
  type DeliveryResult,
  markerText,
  type OutboundAction,
  RemoteError,
  type RemoteTicket,
  type TicketingSystem,
  type TicketSource,
} from "../../ports/ticketing.ts";
import { basicAuth, callRemote, parseRemote, RateLimitGate } from "./_http.ts";

export interface ZendeskConfig {
  /** e.g. https://acme.zendesk.com */
  readonly url: string;
  readonly email: string;
  readonly apiToken: string;
}

const time = z.string().transform((value, ctx) => {
  const at = Date.parse(value);
  if (Number.isNaN(at)) {
    ctx.addIssue({ code: "custom", message: `not a time: ${value}` });
    return z.NEVER;
  }
  return at;
});

const ticketSchema = z.object({
  id: z.number(),
  subject: z.string().nullable().default(""),
  description: z.string().nullable().default(""),
  status: z.string(),
  priority: z.string().nullable().default(null),
  tags: z.array(z.string()).default([]),
  custom_fields: z.array(z.object({ id: z.union([z.number(), z.string()]), value: z.unknown() }))
    .default([]),
  requester_id: z.number().nullable().default(null),
  organization_id: z.number().nullable().default(null),
  created_at: time,
  updated_at: time,
});

const commentSchema = z.object({
  id: z.number(),
  body: z.string().default(""),
  public: z.boolean(),
  author_id: z.number().nullable().default(null),
  created_at: time,
});

const commentPage = z.object({
  comments: z.array(commentSchema),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable().default(null) })
    .optional(),
  next_page: z.string().nullable().optional(),
});

const auditPage = z.object({
  audits: z.array(z.object({
    created_at: time,
    events: z.array(
      z.object({
        type: z.string(),
        field_name: z.string().optional(),
        value: z.unknown(),
      }).passthrough(),
    ),
  })),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable().default(null) })
    .optional(),
});

const exportPage = z.object({
  tickets: z.array(z.object({ id: z.number() }).passthrough()),
  after_cursor: z.string().nullable(),
  end_of_stream: z.boolean(),
});

/** Comments read for one ticket at most: a longer thread is cut, oldest kept. */
const COMMENT_PAGES = 50;

export class ZendeskAdapter implements TicketingSystem, TicketSource {
  readonly system = "zendesk" as const;
  readonly #config: ZendeskConfig;
  readonly #authorization: string;
  /** One quota for reads and writes: Zendesk counts them together. */
  readonly #rateLimit: RateLimitGate;

  constructor(config: ZendeskConfig, now: () => number = () => Date.now()) {
    this.#config = { ...config, url: config.url.replace(/\/+$/, "") };
    this.#authorization = basicAuth(`${config.email}/token`, config.apiToken);
    this.#rateLimit = new RateLimitGate(now);
  }

  async ticket(id: string): Promise<RemoteTicket> {
    const { ticket } = parse(
      z.object({ ticket: ticketSchema }),
      await this.#get(`/api/v2/tickets/${encodeURIComponent(id)}.json`),
      `ticket ${id}`,
    );
    const comments = await this.#comments(id);
    const statusChanges = await this.#statusChanges(id);
    const requester = ticket.requester_id === null
      ? null
      : await this.#optional(`/api/v2/users/${ticket.requester_id}.json`, userSchema);
    const organizationId = ticket.organization_id ?? requester?.user.organization_id ?? null;
    const organization = organizationId === null
      ? null
      : await this.#optional(`/api/v2/organizations/${organizationId}.json`, organizationSchema);
    return {
      id: String(ticket.id),
      subject: ticket.subject ?? "",
      description: ticket.description ?? "",
      status: ticket.status,
      priority: ticket.priority,
      tags: ticket.tags,
      customFields: ticket.custom_fields.map((f) => ({ id: String(f.id), value: f.value })),
      requesterEmail: requester?.user.email ?? null,
      organization: organization === null ? null : {
        name: organization.organization.name,
        domains: organization.organization.domain_names,
      },
      createdAt: ticket.created_at,
      updatedAt: ticket.updated_at,
      comments: comments.map((c) => ({
        id: String(c.id),
        body: c.body,
        public: c.public,
        authorEmail: null,
        createdAt: c.created_at,
      })),
      statusChanges,
    };
  }

  /** From the ticket's audits; an account that does not let us read them gives none. */
  async #statusChanges(id: string): Promise<{ status: string; at: number }[]> {
    const changes: { status: string; at: number }[] = [];
    let after: string | null = null;
    for (let page = 0; page < COMMENT_PAGES; page++) {
      const cursor: string = after === null ? "" : `&page[after]=${encodeURIComponent(after)}`;
      const raw = await this.#optional(
        `/api/v2/tickets/${encodeURIComponent(id)}/audits.json?page[size]=100${cursor}`,
        auditPage,
      );
      if (raw === null) break;
      for (const audit of raw.audits) {
        for (const event of audit.events) {
          if (
            event.type === "Change" && event.field_name === "status" &&
            typeof event.value === "string"
          ) {
            changes.push({ status: event.value, at: audit.created_at });
          }
        }
      }
      if (raw.meta?.has_more !== true || raw.meta.after_cursor === null) break;
      after = raw.meta.after_cursor;
    }
    return changes.sort((a, b) => a.at - b.at);
  }

  async changes(from: { cursor: string } | { startTime: number }): Promise<ChangePage> {
    const query = "cursor" in from
      ? `cursor=${encodeURIComponent(from.cursor)}`
      : `start_time=${Math.floor(from.startTime / 1000)}`;
    const page = parse(
      exportPage,
      await this.#get(`/api/v2/incremental/tickets/cursor.json?${query}`),
      "the incremental export",
    );
    return {
      ticketIds: page.tickets.map((t) => String(t.id)),
      cursor: page.after_cursor,
      endOfStream: page.end_of_stream,
    };
  }

  async deliver(action: OutboundAction): Promise<DeliveryResult> {
    if (action.kind !== "note") {
      throw new RemoteError(`Cannot ${action.kind} on Zendesk: only notes are sent`, 0, false);
    }
    const marker = markerText(action.marker);
    const existing = await this.#comments(action.target, true);
    if (existing.some((c) => c.body.includes(marker))) {
      return { remoteId: null, alreadyDone: true, quotaWaitMs: this.#rateLimit.waitMs() || null };
    }
    await callRemote({
      method: "PUT",
      url: `${this.#config.url}/api/v2/tickets/${encodeURIComponent(action.target)}.json`,
      authorization: this.#authorization,
      rateLimit: this.#rateLimit,
      outgoing: true,
      body: {
        ticket: {
          // Internal only: Loupe never answers a customer on its own.
          comment: { body: `${action.body}\n\n${marker}`, public: false },
          ...(action.tags.length === 0 ? {} : { additional_tags: action.tags }),
        },
      },
    });
    return { remoteId: null, alreadyDone: false, quotaWaitMs: this.#rateLimit.waitMs() || null };
  }

  async #comments(id: string, outgoing = false) {
    const comments: z.infer<typeof commentSchema>[] = [];
    let after: string | null = null;
    for (let page = 0; page < COMMENT_PAGES; page++) {
      const cursor: string = after === null ? "" : `&page[after]=${encodeURIComponent(after)}`;
      const answer = parse(
        commentPage,
        await this.#get(
          `/api/v2/tickets/${encodeURIComponent(id)}/comments.json?page[size]=100${cursor}`,
          outgoing,
        ),
        `the comments of ticket ${id}`,
      );
      comments.push(...answer.comments);
      if (answer.meta?.has_more !== true || answer.meta.after_cursor === null) break;
      after = answer.meta.after_cursor;
    }
    return comments;
  }

  async #optional<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
    try {
      return parse(schema, await this.#get(path), path);
    } catch (error) {
      if (error instanceof RemoteError && (error.status === 404 || error.status === 403)) {
        return null;
      }
      throw error;
    }
  }

  #get(path: string, outgoing = false): Promise<unknown> {
    return callRemote({
      method: "GET",
      url: `${this.#config.url}${path}`,
      authorization: this.#authorization,
      rateLimit: this.#rateLimit,
      outgoing,
    });
  }
}

const userSchema = z.object({
  user: z.object({
    email: z.string().nullable().default(null),
    organization_id: z.number().nullable().default(null),
  }),
});

const organizationSchema = z.object({
  organization: z.object({
    name: z.string(),
    domain_names: z.array(z.string()).default([]),
  }),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  return parseRemote(schema, value, what, "Zendesk");
}
