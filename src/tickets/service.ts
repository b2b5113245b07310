import {
  checkSnapshot,
  configureRules,
  evaluateRules,
  METRICS_STREAM,
  type MetricsRecorded,
  type MetricsSnapshot,
  type Rule,
  RULES_STREAM,
  type RulesConfigured,
} from "../../domain/rules/mod.ts";
import {
  decide,
  evolve,
  givenTicketFields,
  isOpenStatus,
  isTicketEvent,
  parseLogEventId,
  resolveTicketEnvironment,
  type Ticket,
  type TicketCommand,
  type TicketEvent,
  type TicketState,
  ticketStream,
  type TimeWindow,
} from "../../domain/tickets/mod.ts";
import { type Redactor, redactTicketCommand } from "../../domain/redaction/mod.ts";
import type { Clock, NewId } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import {
  ConcurrencyError,
  type EventStore,
  loupeEvents,
  type StoredEvent,
  type StoredLoupeEvent,
} from "../../ports/event_store.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import type {
  CandidateList,
  CommentRequest,
  LinkRequest,
  LogPage,
  LogQuery,
  MetricsQuery,
  MetricsReceipt,
  MetricsView,
  OpenTicketRequest,
  ProbableTicket,
  ResolutionRequest,
  RuleSetView,
  SignatureTickets,
  TicketApi,
  TicketDetail,
  TicketPage,
  TicketQuery,
  TicketSort,
  TicketSummary,
  TicketUpdate,
  WriteOptions,
} from "../../ports/tickets.ts";
import { configuredRules, snapshotsIn } from "../projections/metrics.ts";
import { type CatalogEntry, TABLES } from "../projections/signatures.ts";
import {
  indexCount,
  type IndexedField,
  indexedIds,
  summaryOf,
  TICKET_TABLES,
  UNASSIGNED,
} from "../projections/tickets.ts";
import { Attribution } from "../customers/attribution.ts";
import { affectedCustomers } from "../signatures/queries.ts";
import { correlationWindow, rankCandidates, ticketOrigins } from "./correlate.ts";
import { asLoupeError, mapped } from "./errors.ts";
import { environmentLogs } from "./logs.ts";
import { DAY_MS } from "../../domain/time.ts";

type StoredTicketEvent = StoredLoupeEvent & TicketEvent;

/** Appends retried when another writer got there first and the caller set no If-Match. */
const RETRIES = 3;
/** Snapshots returned in one metrics view, the most recent kept. */
const SNAPSHOT_LIMIT = 2_000;
/** Open tickets scored for one signature's reverse lookup. */
const REVERSE_TICKET_LIMIT = 200;

export interface TicketServiceDeps {
  readonly store: EventStore;
  readonly projections: ProjectionStore;
  readonly clock: Clock;
  readonly newId: NewId;
  /** The rule set in force until one is configured (the wiring reads it from a file). */
  readonly defaultRules: readonly Rule[];
  /** Resolves when projections include everything appended so far. */
  readonly settled: () => Promise<void>;
  /** Which customer each origin is; one over `projections` when not given. */
  readonly attribution?: Attribution;
  /** When given, every ticket text is redacted before it is stored. */
  readonly redactor?: Redactor;
}

/**
 * Tickets over the event store (one stream per ticket, its version the
 * ETag), with the views a support engineer diagnoses one with.
 */
export class TicketService implements TicketApi {
  readonly #deps: TicketServiceDeps;
  /** The write in progress on each ticket, for writes to queue behind. */
  readonly #writing = new Map<string, Promise<void>>();
  readonly #attribution: Attribution;

  constructor(deps: TicketServiceDeps) {
    this.#deps = deps;
    this.#attribution = deps.attribution ?? new Attribution(deps.projections);
  }

  async openTicket(request: OpenTicketRequest, options: WriteOptions = {}): Promise<Ticket> {
    const ticketId = this.#deps.newId();
    return await this.#handle(ticketId, [{
      ...givenTicketFields(request),
      type: "OpenTicket",
      ticketId,
      customer: request.customer,
      environment: request.environment,
      severity: request.severity,
      reporter: request.reporter,
      openedAt: request.openedAt ?? null,
    }], options);
  }

  listTickets(query: TicketQuery): TicketPage {
    const reader = this.#deps.projections;
    const filters: [IndexedField, string[]][] = [];
    if (query.status !== undefined) filters.push(["status", [...query.status]]);
    if (query.severity !== undefined) filters.push(["severity", [...query.severity]]);
    if (query.customer !== undefined) filters.push(["customer", [query.customer]]);
    if (query.environment !== undefined) filters.push(["environment", [query.environment]]);
    if (query.assignee !== undefined) filters.push(["assignee", [query.assignee ?? UNASSIGNED]]);
    let ids: Iterable<string>;
    if (filters.length === 0) {
      ids = [...reader.range<Ticket>(TICKET_TABLES.tickets)].map((e) => String(e.key[0]));
    } else {
      // The most selective filter picks the candidates; the others are checked on each.
      const [field, values] = filters.map(([f, v]) =>
        [f, v, v.reduce((n, value) => n + indexCount(reader, f, value), 0)] as const
      ).sort((a, b) => a[2] - b[2])[0]!;
      ids = new Set(values.flatMap((value) => indexedIds(reader, field, value)));
    }
    const matching: Ticket[] = [];
    for (const id of ids) {
      const ticket = reader.get<Ticket>(TICKET_TABLES.tickets, [id]);
      if (ticket === undefined) continue;
      if (query.status !== undefined && !query.status.includes(ticket.status)) continue;
      if (query.severity !== undefined && !query.severity.includes(ticket.severity)) continue;
      if (query.customer !== undefined && ticket.customer !== query.customer) continue;
      if (query.environment !== undefined && ticket.environment !== query.environment) continue;
      if (query.assignee !== undefined && ticket.assignee !== query.assignee) continue;
      matching.push(ticket);
    }
    matching.sort(TICKET_ORDER[query.sort ?? "newest"]);
    return {
      total: matching.length,
      items: matching.slice(query.offset, query.offset + query.limit).map(summaryOf),
    };
  }

  async ticket(ticketId: string): Promise<TicketDetail> {
    const { state, events } = await this.#load(ticketId);
    if (state === null) throw notFound(ticketId);
    return {
      ticket: state,
      history: events.map((event) => {
        const { ticketId: _, at, by, ...data } = event.data;
        return { version: event.streamVersion, type: event.type, at, by, data };
      }),
    };
  }

  async updateTicket(
    ticketId: string,
    update: TicketUpdate,
    options: WriteOptions = {},
  ): Promise<Ticket> {
    const commands: TicketCommand[] = [];
    const edits = givenTicketFields(update);
    if (Object.keys(edits).length > 0) commands.push({ type: "EditTicket", ...edits });
    if (update.severity !== undefined) {
      commands.push({ type: "ChangeTicketSeverity", severity: update.severity });
    }
    if (update.assignee !== undefined) {
      commands.push({ type: "AssignTicket", assignee: update.assignee });
    }
    // Status last: closing a ticket after the other changes, not before them.
    if (update.status !== undefined) {
      commands.push({
        type: "ChangeTicketStatus",
        status: update.status,
        reason: update.statusReason ?? null,
      });
    }
    return await this.#handle(ticketId, commands, options);
  }

  async comment(
    ticketId: string,
    comment: CommentRequest,
    options: WriteOptions = {},
  ): Promise<Ticket> {
    return await this.#handle(ticketId, [{
      type: "CommentOnTicket",
      commentId: this.#deps.newId(),
      author: comment.author,
      body: comment.body,
      visibility: comment.visibility,
    }], options);
  }

  async link(ticketId: string, links: LinkRequest, options: WriteOptions = {}): Promise<Ticket> {
    for (const signatureId of links.signatureIds ?? []) this.#checkSignature(signatureId);
    for (const logEventId of links.logEventIds ?? []) await this.#checkLogEvent(logEventId);
    return await this.#handle(ticketId, linkCommands(links, "Link"), options);
  }

  async unlink(ticketId: string, links: LinkRequest, options: WriteOptions = {}): Promise<Ticket> {
    return await this.#handle(ticketId, linkCommands(links, "Unlink"), options);
  }

  async resolve(
    ticketId: string,
    resolution: ResolutionRequest,
    options: WriteOptions = {},
  ): Promise<Ticket> {
    return await this.#handle(ticketId, [{
      type: "ResolveTicket",
      rootCause: resolution.rootCause,
      solution: resolution.solution,
      prevention: resolution.prevention ?? null,
      resolver: resolution.resolver,
    }], options);
  }

  async ticketLogs(ticketId: string, query: LogQuery): Promise<LogPage> {
    const ticket = await this.#existing(ticketId);
    return await environmentLogs(
      this.#deps.store,
      this.#deps.projections,
      ticketOrigins(this.#attribution, ticket),
      this.#ticketWindow(ticket),
      query,
    );
  }

  async ticketMetrics(ticketId: string): Promise<MetricsView> {
    const ticket = await this.#existing(ticketId);
    const window = this.#ticketWindow(ticket);
    // Metrics are keyed by the directory's environment key, tickets by the customer's name for it.
    const known = this.#attribution.directory().customer(ticket.customer)?.environments ?? [];
    const query = (environment: string) =>
      this.metrics({
        environment,
        customer: ticket.customer,
        from: window.from,
        to: window.to,
        limit: SNAPSHOT_LIMIT,
      });
    const resolved = query(resolveTicketEnvironment(ticket.customer, ticket.environment, known));
    // Snapshots sent under the ticket's own name for the environment still count.
    return resolved.snapshots.length > 0 ? resolved : query(ticket.environment);
  }

  async candidates(ticketId: string, limit: number): Promise<CandidateList> {
    const ticket = await this.#existing(ticketId);
    const window = correlationWindow(ticket, this.#deps.clock.now());
    const ranked = rankCandidates(this.#deps.projections, this.#attribution, ticket, window);
    return {
      ticketId,
      window,
      considered: ranked.length,
      candidates: ranked.slice(0, limit),
    };
  }

  signatureTickets(signatureId: string, limit: number): Promise<SignatureTickets> {
    try {
      return Promise.resolve(this.#signatureTickets(signatureId, limit));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #signatureTickets(signatureId: string, limit: number): SignatureTickets {
    this.#checkSignature(signatureId);
    const reader = this.#deps.projections;
    const linked: TicketSummary[] = [];
    for (
      const { key } of reader.range<number>(TICKET_TABLES.signatureTickets, {
        prefix: [signatureId],
      })
    ) {
      const ticket = reader.get<Ticket>(TICKET_TABLES.tickets, [String(key[1])]);
      if (ticket !== undefined) linked.push(summaryOf(ticket));
    }
    linked.sort((a, b) => b.openedAt - a.openedAt);
    const now = this.#deps.clock.now();
    const probable: ProbableTicket[] = [];
    const customers = [...affectedCustomers(reader, this.#attribution, signatureId).keys()];
    let scored = 0;
    for (const customer of customers) {
      for (const ticketId of indexedIds(reader, "customer", customer)) {
        if (scored >= REVERSE_TICKET_LIMIT) break;
        const ticket = reader.get<Ticket>(TICKET_TABLES.tickets, [ticketId]);
        if (ticket === undefined || !isOpenStatus(ticket.status)) continue;
        scored++;
        // Scored exactly as the ticket's own candidate list scores it.
        const ranked = rankCandidates(
          reader,
          this.#attribution,
          ticket,
          correlationWindow(ticket, now),
        );
        const found = ranked.find((c) => c.signatureId === signatureId);
        if (found === undefined) continue;
        probable.push({
          ticket: summaryOf(ticket),
          score: found.score,
          rank: found.rank,
          reasons: found.reasons,
        });
      }
    }
    probable.sort((a, b) => a.rank - b.rank || b.score - a.score);
    return { signatureId, linked, probable: probable.slice(0, limit) };
  }

  async recordMetrics(snapshots: readonly MetricsSnapshot[]): Promise<MetricsReceipt> {
    mapped(() => snapshots.forEach((s, i) => checkSnapshot(s, `snapshot ${i + 1}`)));
    if (snapshots.length === 0) return { accepted: 0, position: 0 };
    // One event per customer, in one append: each is sealed under its own
    // customer's key, so forgetting one does not leave its figures readable.
    const byCustomer = new Map<string | null, MetricsSnapshot[]>();
    for (const given of snapshots) {
      const snapshot = this.#redactedSnapshot(given);
      const customer = snapshot.customer ?? null;
      const group = byCustomer.get(customer);
      if (group === undefined) byCustomer.set(customer, [snapshot]);
      else group.push(snapshot);
    }
    const receivedAt = this.#deps.clock.now();
    const events = [...byCustomer.values()].map((group): MetricsRecorded => ({
      type: "MetricsRecorded",
      data: { snapshots: group, receivedAt },
    }));
    const result = await this.#deps.store.append(METRICS_STREAM, events, {
      expectedVersion: "any",
    });
    await this.#deps.settled();
    return { accepted: snapshots.length, position: result.position };
  }

  metrics(query: MetricsQuery): MetricsView {
    const snapshots = snapshotsIn(
      this.#deps.projections,
      query.customer,
      query.environment,
      query.from,
      query.to,
      query.limit,
    );
    const ruleSet = this.rules();
    return {
      window: { from: query.from, to: query.to },
      snapshots,
      findings: snapshots.flatMap((snapshot) => evaluateRules(ruleSet.rules, snapshot)),
      rulesVersion: ruleSet.version,
    };
  }

  rules(): RuleSetView {
    const configured = configuredRules(this.#deps.projections);
    return configured === undefined
      ? { version: 0, source: "default", rules: this.#deps.defaultRules }
      : { version: configured.version, source: "configured", rules: configured.rules };
  }

  async configureRules(rules: readonly Rule[], options: WriteOptions = {}): Promise<RuleSetView> {
    const { store, clock } = this.#deps;
    const version = await store.streamVersion(RULES_STREAM);
    checkVersion(options, version, "the rule set");
    const [last] = version === 0 ? [] : await store.readStream(RULES_STREAM, version - 1);
    const current = last === undefined
      ? { rules: this.#deps.defaultRules, version: 0 }
      : { rules: (last as StoredEvent & RulesConfigured).data.rules, version };
    const events = mapped(() =>
      configureRules(rules, current, { at: clock.now(), by: options.by ?? null })
    );
    if (events.length === 0) {
      return { version, source: version === 0 ? "default" : "configured", rules: current.rules };
    }
    try {
      const result = await store.append(RULES_STREAM, events, { expectedVersion: version });
      await this.#deps.settled();
      return { version: result.streamVersion, source: "configured", rules };
    } catch (error) {
      throw conflictOf(error);
    }
  }

  /**
   * Decides the commands in order on the ticket as stored, then appends
   * their events at once, expecting the version they were decided on.
   */
  #handle(
    ticketId: string,
    commands: readonly TicketCommand[],
    options: WriteOptions,
  ): Promise<Ticket> {
    // One write per ticket at a time in this process (the only writer of the
    // store): concurrent comments are decided one after another on the latest
    // state instead of racing for the same version, so none of them fails.
    const before = this.#writing.get(ticketId) ?? Promise.resolve();
    const mine = before.then(() => this.#decideAndAppend(ticketId, commands, options));
    const settled = mine.then(() => {}, () => {});
    this.#writing.set(ticketId, settled);
    void settled.then(() => {
      if (this.#writing.get(ticketId) === settled) this.#writing.delete(ticketId);
    });
    return mine;
  }

  async #decideAndAppend(
    ticketId: string,
    commands: readonly TicketCommand[],
    options: WriteOptions,
  ): Promise<Ticket> {
    const metadata = { at: this.#deps.clock.now(), by: options.by ?? null };
    for (let attempt = 0;; attempt++) {
      const { state, streamVersion } = await this.#load(ticketId);
      if (state === null && commands[0]?.type !== "OpenTicket") throw notFound(ticketId);
      checkVersion(options, state?.version ?? 0, `ticket ${ticketId}`);
      let next: TicketState = state;
      const events: TicketEvent[] = [];
      for (const given of commands) {
        const command = this.#redacted(given, next);
        const produced = mapped(() => decide(command, next, metadata));
        for (const event of produced) next = evolve(next, event);
        events.push(...produced);
      }
      if (events.length === 0) return state!;
      try {
        await this.#deps.store.append(ticketStream(ticketId), events, {
          expectedVersion: streamVersion,
        });
      } catch (error) {
        const raced = error instanceof ConcurrencyError;
        if (raced && options.expectedVersion === undefined && attempt < RETRIES) continue;
        throw conflictOf(error);
      }
      await this.#deps.settled();
      return next!;
    }
  }

  /**
   * Metric names are free text to whoever sends them (`latency_ms{host=10.2.0.7}`,
   * `mailbox_size{user="ann@acme.test"}`): scanned like a log line before they are stored.
   */
  #redactedSnapshot(snapshot: MetricsSnapshot): MetricsSnapshot {
    const redactor = this.#deps.redactor?.forCustomer(snapshot.customer ?? null);
    if (redactor === undefined) return snapshot;
    const metrics: Record<string, number> = {};
    for (const [name, value] of Object.entries(snapshot.metrics)) {
      metrics[redactor.text(name)] = value;
    }
    return { ...snapshot, metrics };
  }

  #redacted(command: TicketCommand, ticket: TicketState): TicketCommand {
    const redactor = this.#deps.redactor;
    if (redactor === undefined) return command;
    const customer = command.type === "OpenTicket" ? command.customer : ticket?.customer;
    return redactTicketCommand(command, redactor.forCustomer(customer));
  }

  /**
   * The ticket its stream describes, the events that made it, and the
   * stream's version to append at. An event of a type tickets do not know is
   * skipped, as the ticket projection skips it, so the ticket's version counts
   * its own events only; in every stream Loupe wrote the two are the same.
   */
  async #load(
    ticketId: string,
  ): Promise<{ state: TicketState; events: StoredTicketEvent[]; streamVersion: number }> {
    const stored = await this.#deps.store.readStream(ticketStream(ticketId));
    const streamVersion = stored.length;
    const events = loupeEvents(stored).filter(isTicketEvent);
    // A forgotten customer's ticket (or one past retention) is gone as a whole.
    if (stored.some((event) => event.unreadable !== undefined)) {
      return { state: null, events, streamVersion };
    }
    return { state: events.reduce<TicketState>(evolve, null), events, streamVersion };
  }

  async #existing(ticketId: string): Promise<Ticket> {
    const { state } = await this.#load(ticketId);
    if (state === null) throw notFound(ticketId);
    return state;
  }

  /** The ticket's problem period: its own window, or from a day before it opened until now or until it closed. */
  #ticketWindow(ticket: Ticket): TimeWindow {
    if (ticket.window !== null) return ticket.window;
    const end = ticket.closedAt ?? this.#deps.clock.now();
    return { from: ticket.openedAt - DAY_MS, to: Math.max(end, ticket.openedAt) + 1 };
  }

  #checkSignature(signatureId: string): void {
    if (
      this.#deps.projections.get<CatalogEntry>(TABLES.signatures, [signatureId]) === undefined
    ) {
      throw new LoupeError("not_found", `Cannot find signature ${signatureId}`);
    }
  }

  async #checkLogEvent(logEventId: string): Promise<void> {
    const at = parseLogEventId(logEventId);
    if (at === undefined) {
      throw new LoupeError(
        "validation_failed",
        `Cannot link log event: "${logEventId}" is not of the form <position>:<index>`,
      );
    }
    const [event] = loupeEvents(await this.#deps.store.readAll(at.position - 1, 1));
    const records = event?.type === "LogBatchIngested" && event.unreadable === undefined
      ? event.data.records
      : [];
    if (event?.position !== at.position || records[at.index] === undefined) {
      throw new LoupeError("not_found", `Cannot find log event ${logEventId}`);
    }
  }
}

/** The commands that link (or unlink) each signature and log event `links` names, in that order. */
function linkCommands(links: LinkRequest, verb: "Link" | "Unlink"): TicketCommand[] {
  return [
    ...(links.signatureIds ?? []).map((signatureId): TicketCommand => ({
      type: `${verb}Signature`,
      signatureId,
    })),
    ...(links.logEventIds ?? []).map((logEventId): TicketCommand => ({
      type: `${verb}LogEvent`,
      logEventId,
    })),
  ];
}

function notFound(ticketId: string): LoupeError {
  return new LoupeError("not_found", `Cannot find ticket ${ticketId}`);
}

function checkVersion(options: WriteOptions, actual: number, what: string): void {
  if (options.expectedVersion !== undefined && options.expectedVersion !== actual) {
    throw new LoupeError(
      "precondition_failed",
      `Cannot update ${what}: it is at version ${actual}, not ${options.expectedVersion} (If-Match)`,
      { expected_version: options.expectedVersion, current_version: actual },
    );
  }
}

function conflictOf(error: unknown): unknown {
  if (error instanceof ConcurrencyError) {
    return new LoupeError(
      "conflict",
      `Cannot update ${error.stream}: another change was stored first (version ${error.actual}); read it and retry`,
      { current_version: error.actual },
    );
  }
  return asLoupeError(error);
}

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;
const newestFirst = (a: Ticket, b: Ticket) =>
  b.openedAt - a.openedAt || (a.ticketId < b.ticketId ? 1 : -1);
/** Ties fall back to newest first, so every order is total and pages never overlap. */
const TICKET_ORDER: Readonly<Record<TicketSort, (a: Ticket, b: Ticket) => number>> = {
  newest: newestFirst,
  oldest: (a, b) => -newestFirst(a, b),
  updated: (a, b) => b.updatedAt - a.updatedAt || newestFirst(a, b),
  severity: (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || newestFirst(a, b),
};
