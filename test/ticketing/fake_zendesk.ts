/**
 * A Zendesk Support API v2 on 127.0.0.1, as documented: tickets, comments
 * (cursor paged), users, organizations, the incremental ticket export, basic
 * auth with `{email}/token:{token}`, and signed event webhooks sent out.
 */
import {
  type Chaos,
  chaosAnswer,
  type FakeServer,
  hmacSha256,
  json,
  metered,
  newChaos,
  serveFake,
} from "./chaos.ts";
import { basicAuthOk } from "./chaos.ts";

export interface ZendeskComment {
  id: number;
  type: "Comment";
  author_id: number;
  body: string;
  html_body: string;
  public: boolean;
  created_at: string;
}

export interface ZendeskTicket {
  id: number;
  url: string;
  external_id: string | null;
  subject: string;
  description: string;
  status: "new" | "open" | "pending" | "hold" | "solved" | "closed";
  priority: "low" | "normal" | "high" | "urgent" | null;
  type: string | null;
  requester_id: number;
  organization_id: number | null;
  assignee_id: number | null;
  group_id: number | null;
  tags: string[];
  custom_fields: { id: number; value: unknown }[];
  created_at: string;
  updated_at: string;
  via: { channel: string };
}

export interface FakeZendeskOptions {
  readonly email?: string;
  readonly token?: string;
  /** The export leaves out tickets changed this recently (Zendesk: a minute). */
  readonly exportLagMs?: number;
  /** Tickets per export page and comments per comment page. */
  readonly pageSize?: number;
  readonly port?: number;
  readonly now?: () => number;
}

export class FakeZendesk {
  readonly chaos: Chaos = newChaos();
  readonly tickets = new Map<number, ZendeskTicket>();
  readonly comments = new Map<number, ZendeskComment[]>();
  readonly users = new Map<number, { id: number; email: string; organization_id: number | null }>();
  readonly organizations = new Map<number, { id: number; name: string; domain_names: string[] }>();
  /** Ticket audits: what changed when (the status changes, here). */
  readonly audits = new Map<
    number,
    { id: number; ticket_id: number; created_at: string; events: unknown[] }[]
  >();
  /** Every change in order: what the incremental export walks. */
  readonly #changes: { ticketId: number; at: number }[] = [];
  readonly #options: Required<Omit<FakeZendeskOptions, "port">>;
  #nextId = 1;
  #server: FakeServer | undefined;

  constructor(options: FakeZendeskOptions = {}) {
    this.#options = {
      email: options.email ?? "agent@example.test",
      token: options.token ?? "zendesk-token",
      exportLagMs: options.exportLagMs ?? 60_000,
      pageSize: options.pageSize ?? 100,
      now: options.now ?? (() => Date.now()),
    };
    this.#server = serveFake(
      (request) => metered(this.chaos, "zendesk", () => this.#handle(request)),
      options.port ?? 0,
    );
  }

  get url(): string {
    return this.#server!.url;
  }

  close(): Promise<void> {
    return this.#server!.close();
  }

  addUser(email: string, organizationId: number | null = null): number {
    const id = this.#nextId++;
    this.users.set(id, { id, email, organization_id: organizationId });
    return id;
  }

  addOrganization(name: string, domains: string[]): number {
    const id = this.#nextId++;
    this.organizations.set(id, { id, name, domain_names: domains });
    return id;
  }

  /** A customer writes in: the ticket with its first (public) comment. */
  createTicket(fields: {
    subject: string;
    body: string;
    requesterId: number;
    tags?: string[];
    customFields?: { id: number; value: unknown }[];
    priority?: ZendeskTicket["priority"];
    at?: number;
  }): ZendeskTicket {
    const at = fields.at ?? this.#options.now();
    const id = this.#nextId++;
    const requester = this.users.get(fields.requesterId);
    const ticket: ZendeskTicket = {
      id,
      url: `${this.url}/api/v2/tickets/${id}.json`,
      external_id: null,
      subject: fields.subject,
      description: fields.body,
      status: "new",
      priority: fields.priority ?? "normal",
      type: "problem",
      requester_id: fields.requesterId,
      organization_id: requester?.organization_id ?? null,
      assignee_id: null,
      group_id: null,
      tags: fields.tags ?? [],
      custom_fields: fields.customFields ?? [],
      created_at: iso(at),
      updated_at: iso(at),
      via: { channel: "email" },
    };
    this.tickets.set(id, ticket);
    this.comments.set(id, []);
    this.addComment(id, fields.body, true, fields.requesterId, at);
    return ticket;
  }

  addComment(ticketId: number, body: string, isPublic: boolean, authorId: number, at?: number) {
    const when = at ?? this.#options.now();
    const comment: ZendeskComment = {
      id: this.#nextId++,
      type: "Comment",
      author_id: authorId,
      body,
      html_body: `<p>${body}</p>`,
      public: isPublic,
      created_at: iso(when),
    };
    this.comments.get(ticketId)!.push(comment);
    this.#touch(ticketId, when);
    return comment;
  }

  setStatus(ticketId: number, status: ZendeskTicket["status"], at?: number): void {
    const ticket = this.tickets.get(ticketId)!;
    const when = at ?? this.#options.now();
    this.#audit(ticketId, when, ticket.status, status);
    ticket.status = status;
    this.#touch(ticketId, when);
  }

  #audit(ticketId: number, at: number, from: string, to: string): void {
    if (from === to) return;
    const list = this.audits.get(ticketId) ?? [];
    list.push({
      id: this.#nextId++,
      ticket_id: ticketId,
      created_at: iso(at),
      events: [{
        id: this.#nextId++,
        type: "Change",
        field_name: "status",
        value: to,
        previous_value: from,
      }],
    });
    this.audits.set(ticketId, list);
  }

  /** Internal notes whose body carries `text`. */
  notesWith(ticketId: number, text: string): ZendeskComment[] {
    return (this.comments.get(ticketId) ?? []).filter((c) => !c.public && c.body.includes(text));
  }

  /** Sends the signed event webhook Zendesk would, `copies` times (deliveries get duplicated). */
  async notify(
    target: string,
    ticketId: number,
    secret: string,
    options: { copies?: number; timestamp?: string; signWith?: string } = {},
  ): Promise<Response[]> {
    const body = JSON.stringify({
      type: "zen:event-type:ticket.status_changed",
      account_id: 1,
      id: crypto.randomUUID(),
      time: iso(this.#options.now()),
      zendesk_event_version: "2022-11-06",
      subject: `zen:ticket:${ticketId}`,
      detail: { id: String(ticketId), status: this.tickets.get(ticketId)?.status },
      event: {},
    });
    const timestamp = options.timestamp ?? new Date(this.#options.now()).toISOString();
    const signature = await zendeskSignature(options.signWith ?? secret, timestamp, body);
    const answers: Response[] = [];
    for (let copy = 0; copy < (options.copies ?? 1); copy++) {
      answers.push(
        await fetch(target, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-zendesk-webhook-signature": signature,
            "x-zendesk-webhook-signature-timestamp": timestamp,
          },
          body,
        }),
      );
    }
    return answers;
  }

  #touch(ticketId: number, at: number): void {
    const ticket = this.tickets.get(ticketId)!;
    ticket.updated_at = iso(at);
    this.#changes.push({ ticketId, at });
  }

  async #handle(request: Request): Promise<Response> {
    const refused = await chaosAnswer(this.chaos);
    if (refused !== undefined) return refused;
    if (!basicAuthOk(request, `${this.#options.email}/token`, this.#options.token)) {
      return json({ error: "Couldn't authenticate you" }, 401);
    }
    const url = new URL(request.url);
    const path = url.pathname;
    let match: RegExpExecArray | null;
    if (request.method === "GET" && path === "/api/v2/incremental/tickets/cursor.json") {
      return this.#export(url);
    }
    if ((match = /^\/api\/v2\/tickets\/(\d+)\/comments\.json$/.exec(path))) {
      const comments = this.comments.get(Number(match[1]));
      if (comments === undefined) return json({ error: "RecordNotFound" }, 404);
      const size = Number(url.searchParams.get("page[size]") ?? this.#options.pageSize);
      const after = Number(url.searchParams.get("page[after]") ?? 0);
      const page = comments.slice(after, after + size);
      const hasMore = after + size < comments.length;
      return json({
        comments: page,
        meta: { has_more: hasMore, after_cursor: hasMore ? String(after + size) : null },
        links: {
          next: hasMore
            ? `${this.url}${path}?page[size]=${size}&page[after]=${after + size}`
            : null,
        },
      });
    }
    if ((match = /^\/api\/v2\/tickets\/(\d+)\/audits\.json$/.exec(path))) {
      if (!this.tickets.has(Number(match[1]))) return json({ error: "RecordNotFound" }, 404);
      const audits = this.audits.get(Number(match[1])) ?? [];
      const size = Number(url.searchParams.get("page[size]") ?? this.#options.pageSize);
      const after = Number(url.searchParams.get("page[after]") ?? 0);
      const hasMore = after + size < audits.length;
      return json({
        audits: audits.slice(after, after + size),
        meta: { has_more: hasMore, after_cursor: hasMore ? String(after + size) : null },
      });
    }
    if ((match = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(path))) {
      const ticket = this.tickets.get(Number(match[1]));
      if (ticket === undefined) return json({ error: "RecordNotFound" }, 404);
      if (request.method === "GET") return json({ ticket });
      if (request.method === "PUT") {
        const body = await request.json() as {
          ticket?: {
            comment?: { body?: string; public?: boolean };
            additional_tags?: string[];
            status?: ZendeskTicket["status"];
          };
        };
        const update = body.ticket ?? {};
        const at = this.#options.now();
        for (const tag of update.additional_tags ?? []) {
          if (!ticket.tags.includes(tag)) ticket.tags.push(tag);
        }
        if (update.status !== undefined) {
          this.#audit(ticket.id, at, ticket.status, update.status);
          ticket.status = update.status;
        }
        if (update.comment?.body !== undefined) {
          this.addComment(ticket.id, update.comment.body, update.comment.public ?? true, 0, at);
        } else this.#touch(ticket.id, at);
        return json({ ticket });
      }
    }
    if ((match = /^\/api\/v2\/users\/(\d+)\.json$/.exec(path))) {
      const user = this.users.get(Number(match[1]));
      return user === undefined ? json({ error: "RecordNotFound" }, 404) : json({ user });
    }
    if ((match = /^\/api\/v2\/organizations\/(\d+)\.json$/.exec(path))) {
      const organization = this.organizations.get(Number(match[1]));
      return organization === undefined
        ? json({ error: "RecordNotFound" }, 404)
        : json({ organization });
    }
    return json({ error: "InvalidEndpoint" }, 404);
  }

  #export(url: URL): Response {
    const cursor = url.searchParams.get("cursor");
    const startTime = url.searchParams.get("start_time");
    if (cursor === null && startTime === null) {
      return json({ error: "start_time or cursor is required" }, 400);
    }
    let from: number;
    if (cursor !== null) from = Number(atob(cursor));
    else {
      const start = Number(startTime) * 1000;
      from = this.#changes.findIndex((change) => change.at >= start);
      if (from === -1) from = this.#changes.length;
    }
    const visibleUntil = this.#options.now() - this.#options.exportLagMs;
    let to = from;
    const ids: number[] = [];
    while (to < this.#changes.length && ids.length < this.#options.pageSize) {
      const change = this.#changes[to]!;
      if (change.at > visibleUntil) break;
      if (!ids.includes(change.ticketId)) ids.push(change.ticketId);
      to++;
    }
    const end = to >= this.#changes.length || this.#changes[to]!.at > visibleUntil;
    return json({
      tickets: ids.map((id) => this.tickets.get(id)!),
      after_cursor: btoa(String(to)),
      before_cursor: btoa(String(from)),
      end_of_stream: end,
    });
  }
}

function iso(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export async function zendeskSignature(
  secret: string,
  timestamp: string,
  body: string,
): Promise<string> {
  const mac = await hmacSha256(secret, timestamp + body);
  return btoa(String.fromCharCode(...mac));
}
