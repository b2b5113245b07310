/**
 * Loupe as the bridge between support (Zendesk) and engineering (Jira).
 * Every change carries its origin, and nothing is sent back to the system
 * it came from; every outgoing call goes through the outbox.
 */
import { contextualField, type LogBatchIngestedData } from "../../domain/events.ts";
import {
  changeAbout,
  changeOfParts,
  compareVersions,
  type ImpactChange,
  impactChange,
  impactChangeText,
  lowestVersion,
  redactLine,
  verifiedAt,
} from "../../domain/ticketing/mod.ts";
import { TICKET_STREAM_PREFIX } from "../../domain/tickets/mod.ts";
import type { Customer } from "../../domain/customers/mod.ts";
import type { Redactor } from "../../domain/redaction/mod.ts";
import type { Clock, NewId } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import { type EventStore, loupeEvents, type StoredEvent } from "../../ports/event_store.ts";
import type {
  DeliveryStatus,
  DeliveryView,
  IntegrationApi,
  JiraStatusChange,
  TicketSyncView,
  TimelineStep,
} from "../../ports/integrations.ts";
import type { TicketApi, TicketSummary } from "../../ports/tickets.ts";
import type { OutboundAction, TicketingSystem, TicketSource } from "../../ports/ticketing.ts";
import type { IssueSyncEvent } from "../../domain/ticketing/events.ts";
import type { IssueFacts, IssueFactsSource } from "./issue_facts.ts";
import { type Delivery, Outbox, type OutboxConfig } from "./outbox.ts";
import { ZendeskInbound, type ZendeskInboundConfig, zendeskSyncOf } from "./zendesk_inbound.ts";

/** Every issue-level sync fact: links to Jira, fixes, reopenings, regressions, reports. */
export const ISSUE_SYNC_STREAM = "integration-issues";

/** Impact changes reach Jira at most this often. */
const REPORT_EVERY_MS = 30_000;

interface IssueSyncState {
  jiraKey: string | null;
  status: "open" | "fixed";
  fixVersions: string[];
  fixedAt: number | null;
  reported: { customer: string; tier: string | null }[];
  /** When the report `reported` comes from was made; null before any. */
  reportedAt: number | null;
  events: IssueSyncEvent[];
}

export interface SyncConfig {
  /** Where links back to Loupe point, e.g. https://loupe.example.com */
  readonly publicUrl: string;
  /** The Jira status a regression reopens into (by name, among indeterminate ones). */
  readonly jiraReopenStatus: string | null;
  /** A ticket is linked on its own when its top candidate scores at least this... */
  readonly autoLinkMinScore: number;
  /** ...and leads the next one by this much. */
  readonly autoLinkMargin: number;
  readonly inbound: ZendeskInboundConfig;
  readonly outbox?: Partial<OutboxConfig>;
}

export interface SyncDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly newId: NewId;
  readonly random: () => number;
  readonly tickets: TicketApi;
  readonly issues: IssueFactsSource;
  readonly customers: () => readonly Customer[];
  readonly settled: () => Promise<void>;
  readonly zendesk?: TicketingSystem & TicketSource;
  readonly jira?: TicketingSystem;
  readonly webhook?: TicketingSystem;
  readonly config: SyncConfig;
  readonly onError?: (error: unknown) => void;
  /** Redacts what Zendesk sends before it is stored. */
  readonly redactor?: Redactor;
}

export class SyncService implements IntegrationApi {
  readonly outbox: Outbox;
  readonly #deps: SyncDeps;
  readonly #inbound: ZendeskInbound | undefined;
  readonly #issues = new Map<string, IssueSyncState>();
  readonly #issueOfJiraKey = new Map<string, string>();
  /** Work started by appended events, one at a time, in order. */
  #work: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;
  #catchUpTimer: ReturnType<typeof setInterval> | undefined;
  #reportTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(deps: SyncDeps, outbox: Outbox) {
    this.#deps = deps;
    this.outbox = outbox;
    this.#inbound = deps.zendesk === undefined ? undefined : new ZendeskInbound({
      store: deps.store,
      source: deps.zendesk,
      customers: deps.customers,
      clock: deps.clock,
      config: deps.config.inbound,
      settled: deps.settled,
      ...(deps.redactor === undefined ? {} : { redactor: deps.redactor }),
      afterSync: async (outcome) => {
        if (outcome.changes > 0) await this.#autoLink(outcome.ticketId);
      },
    });
  }

  static async start(deps: SyncDeps): Promise<SyncService> {
    const ready: { service?: SyncService } = {};
    const outbox = await Outbox.open({
      store: deps.store,
      clock: deps.clock,
      newId: deps.newId,
      random: deps.random,
      systems: [deps.zendesk, deps.jira, deps.webhook].filter((s) => s !== undefined),
      ...(deps.config.outbox === undefined ? {} : { config: deps.config.outbox }),
      onDelivered: (delivery, result) => ready.service!.#delivered(delivery, result.remoteId),
      ...(deps.onError === undefined ? {} : { onError: deps.onError }),
    }, { start: false });
    const service = new SyncService(deps, outbox);
    ready.service = service;
    await service.#readIssues();
    service.#unsubscribe = deps.store.onAppend((_head, appended) => service.#observe(appended));
    outbox.start();
    return service;
  }

  /**
   * Catches up with Zendesk now and every `everyMs` (webhooks get lost),
   * and sends the notes of links made while Loupe was down.
   */
  follow(everyMs: number): void {
    const round = () => {
      this.#enqueueWork(() => this.catchUp().then(() => {}));
      this.#enqueueWork(() => this.reportImpactChanges().then(() => {}));
    };
    round();
    this.#catchUpTimer = setInterval(round, everyMs);
  }

  /**
   * Reads what it keeps again from the log, once a customer was forgotten:
   * what named them (deliveries, impact reports, regressions) is unreadable
   * now, so it is neither shown nor sent.
   */
  async reload(): Promise<void> {
    await this.#work;
    await this.outbox.reload();
    await this.#readIssues();
  }

  async #readIssues(): Promise<void> {
    const events = await this.#deps.store.readStream(ISSUE_SYNC_STREAM);
    this.#issues.clear();
    this.#issueOfJiraKey.clear();
    for (const event of events) {
      if (event.unreadable === undefined) this.#evolve(event as unknown as IssueSyncEvent);
    }
  }

  stop(): void {
    clearInterval(this.#catchUpTimer);
    clearTimeout(this.#reportTimer);
    this.#unsubscribe?.();
    this.outbox.stop();
  }

  /** Resolves when the work started by appended events is done and the outbox is empty. */
  async idle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await this.#work;
      await this.outbox.idle();
      await this.#work;
    }
  }

  async catchUp(): Promise<{ tickets: number }> {
    if (this.#inbound === undefined) return { tickets: 0 };
    const { tickets } = await this.#inbound.catchUp();
    await this.#noteEveryLink();
    return { tickets };
  }

  configured() {
    return {
      zendesk: this.#deps.zendesk !== undefined,
      jira: this.#deps.jira !== undefined,
      webhook: this.#deps.webhook !== undefined,
    };
  }

  async zendeskTicketChanged(remoteId: string): Promise<{ ticketId: string; changes: number }> {
    if (this.#inbound === undefined) {
      throw new LoupeError("unavailable", "Cannot sync from Zendesk: LOUPE_ZENDESK_URL is not set");
    }
    const outcome = await this.#inbound.syncTicket(remoteId);
    if (outcome.changes > 0) await this.#autoLink(outcome.ticketId);
    return outcome;
  }

  async jiraIssueChanged(
    change: JiraStatusChange,
  ): Promise<{ issueId: string | null; applied: string }> {
    const issueId = this.#issueOfJiraKey.get(change.key);
    if (issueId === undefined) return { issueId: null, applied: "unknown_issue" };
    const state = this.#issueState(issueId);
    if (change.toCategory === "done" && state.status !== "fixed") {
      await this.#appendIssue({
        type: "IssueFixed",
        data: {
          issueId,
          key: change.key,
          fixVersions: [...change.fixVersions],
          at: change.at,
          origin: "jira",
        },
      });
      await this.#noteFixOnTickets(issueId);
      return { issueId, applied: "fixed" };
    }
    if (change.toCategory !== "done" && state.status === "fixed") {
      // Reopened in Jira: recorded, never sent back to Jira.
      await this.#appendIssue({
        type: "IssueReopened",
        data: {
          issueId,
          at: change.at,
          origin: "jira",
          reason: `Moved to ${change.toStatus} in Jira`,
          version: null,
          customer: null,
        },
      });
      return { issueId, applied: "reopened" };
    }
    return { issueId, applied: "none" };
  }

  async createJiraIssue(issueId: string, by: string | null): Promise<DeliveryView> {
    if (this.#deps.jira === undefined) {
      throw new LoupeError("unavailable", "Cannot create a Jira issue: LOUPE_JIRA_URL is not set");
    }
    const facts = this.#facts(issueId);
    const delivery = await this.outbox.enqueue({
      system: "jira",
      orderKey: `issue:${issueId}`,
      origin: "loupe",
      dedupeKey: `jira-create:${issueId}`,
      customers: customersOf(facts),
      action: {
        kind: "create_issue",
        marker: `issue-${issueId}`,
        summary: `[Loupe] ${facts.title}`.slice(0, 250),
        description: jiraDescription(facts, this.#issueUrl(issueId), by),
        labels: [`loupe_issue_${issueId}`],
        link: {
          globalId: `loupe-issue-${issueId}`,
          url: this.#issueUrl(issueId),
          title: `Loupe issue ${issueId}`,
        },
      },
    });
    return deliveryView(delivery);
  }

  deliveries(status?: DeliveryStatus): DeliveryView[] {
    return this.outbox.list(status).map(deliveryView);
  }

  async retryDelivery(deliveryId: string, by: string | null): Promise<DeliveryView> {
    return deliveryView(await this.outbox.retry(deliveryId, by));
  }

  async ticketSync(ticketId: string): Promise<TicketSyncView | null> {
    const { ticket } = await this.#deps.tickets.ticket(ticketId);
    if (ticket.externalRef === null) return null;
    const synced = await zendeskSyncOf(this.#deps.store, ticket);
    const remoteId = ticket.externalRef.id;
    return {
      system: ticket.externalRef.system,
      remoteId,
      remoteStatus: synced?.remoteStatus ?? null,
      remoteUpdatedAt: synced?.remoteUpdatedAt ?? null,
      customerMatchedBy: synced?.customerMatchedBy ?? null,
      customerUnknown: synced !== null && synced.customer === null,
      customerClue: synced?.customerClue ?? null,
      environment: synced?.environment ?? null,
      deliveries: this.outbox.list().filter((d) =>
        d.orderKey === `${ticket.externalRef!.system}:${remoteId}`
      ).map(deliveryView),
    };
  }

  async timeline(issueId: string): Promise<TimelineStep[]> {
    const facts = this.#facts(issueId);
    const state = this.#issues.get(issueId);
    const steps: TimelineStep[] = [];
    if (facts.detectedAt !== null) {
      steps.push({
        step: "detected",
        at: facts.detectedAt,
        source: "logs",
        detail: { first_seen: facts.firstSeen, customers: facts.customers.length },
      });
    }
    const tickets = await this.#linkedTickets(facts);
    const first = [...tickets].sort((a, b) => a.openedAt - b.openedAt)[0];
    if (first !== undefined) {
      steps.push({
        step: "first_ticket",
        at: first.openedAt,
        source: first.externalRef?.system ?? "loupe",
        detail: { ticket_id: first.ticketId, customer: first.customer },
      });
    }
    for (const ticket of tickets) {
      steps.push({
        step: "ticket_linked",
        at: await this.#linkedAt(ticket.ticketId, facts.signatureIds),
        source: ticket.externalRef?.system ?? "loupe",
        detail: {
          ticket_id: ticket.ticketId,
          remote_id: ticket.externalRef?.id ?? null,
          customer: ticket.customer,
        },
      });
    }
    let reportParts: (ImpactChange | null)[] = [];
    for (const event of state?.events ?? []) {
      switch (event.type) {
        case "JiraIssueLinked":
          steps.push({
            step: "jira_issue_created",
            at: event.data.at,
            source: "jira",
            detail: { key: event.data.key },
          });
          break;
        case "IssueFixed":
          steps.push({
            step: "fixed",
            at: event.data.at,
            source: event.data.origin,
            detail: { key: event.data.key, fix_versions: event.data.fixVersions },
          });
          break;
        case "IssueReopened":
          steps.push({
            step: event.data.origin === "loupe" ? "regression" : "reopened",
            at: event.data.at,
            source: event.data.origin === "loupe" ? "logs" : event.data.origin,
            detail: {
              reason: event.data.reason,
              version: event.data.version,
              customer: event.data.customer,
            },
          });
          break;
        case "IssueImpactReported": {
          // The readable parts of one report are one step.
          const last = steps.at(-1);
          if (last?.step === "impact_reported" && last.at === event.data.at) {
            reportParts.push(event.data.change ?? null);
            const change = changeOfParts(reportParts);
            steps[steps.length - 1] = {
              ...last,
              detail: {
                reason: change === null ? "" : impactChangeText(change),
                customers: Number(last.detail.customers) + event.data.customers.length,
              },
            };
            break;
          }
          reportParts = [event.data.change ?? null];
          steps.push({
            step: "impact_reported",
            at: event.data.at,
            source: "loupe",
            detail: { reason: event.data.reason, customers: event.data.customers.length },
          });
          break;
        }
      }
    }
    if (state?.status === "fixed") {
      const fix = lowestVersion(state.fixVersions);
      let everyone = fix !== null && facts.customers.length > 0;
      for (const customer of facts.customers) {
        // Rolled out when every environment of the customer runs the fix or later now.
        const running = this.#deps.issues.currentVersions(customer.customer);
        const upgraded = fix !== null && running.length > 0 &&
          running.every((r) => r.version !== null && compareVersions(r.version, fix) >= 0);
        if (!upgraded) everyone = false;
        steps.push({
          step: upgraded ? "rolled_out" : "awaiting_rollout",
          at: null,
          source: "logs",
          detail: {
            customer: customer.customer,
            fix_version: fix,
            running: running.map((r) => ({
              environment: r.environment,
              version: r.version,
              as_of: r.lastSeen,
            })),
          },
        });
      }
      // Verified: everyone runs the fix, and the data (as of its latest trustworthy
      // record, not the wall clock) shows no recurrence for 7 days.
      const verified = verifiedAt({
        fixedAt: state.fixedAt ?? 0,
        lastSeen: facts.lastSeen,
        asOf: facts.asOf,
        everyoneRunsFix: everyone,
      });
      if (verified !== null) {
        steps.push({
          step: "verified",
          at: verified,
          source: "logs",
          detail: { no_recurrence_days: 7, as_of: facts.asOf },
        });
      }
    }
    if (state?.jiraKey) {
      steps.push({
        step: "jira_status",
        at: null,
        source: "jira",
        detail: { key: state.jiraKey, loupe_view: state.status },
      });
    }
    return steps.sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity));
  }

  // --- reactions to what is appended ---------------------------------------

  #observe(appended: readonly StoredEvent[]): void {
    for (const event of loupeEvents(appended)) {
      if (event.type === "TicketSignatureLinked" && event.stream.startsWith(TICKET_STREAM_PREFIX)) {
        const { ticketId, signatureId } = event.data;
        this.#enqueueWork(() => this.#noteLink(ticketId, signatureId));
      } else if (event.type === "LogBatchIngested") {
        const data = event.data;
        if (this.#anyFixed()) this.#enqueueWork(() => this.#checkRegression(data));
        this.#reportSoon();
      }
    }
  }

  /**
   * New records may change an issue's impact; Jira hears of it at most every
   * half minute, once the views have taken the records in.
   */
  #reportSoon(): void {
    if (this.#reportTimer !== undefined) return;
    let watched = false;
    for (const state of this.#issues.values()) {
      if (state.jiraKey !== null && state.status === "open") watched = true;
    }
    if (!watched) return;
    this.#reportTimer = setTimeout(() => {
      this.#reportTimer = undefined;
      this.#enqueueWork(async () => {
        await this.#deps.settled();
        await this.reportImpactChanges();
      });
    }, REPORT_EVERY_MS);
  }

  #enqueueWork(work: () => Promise<void>): void {
    this.#work = this.#work.then(work).catch((error) => this.#deps.onError?.(error));
  }

  /** Zendesk: one internal note with the technical context, and the issue's tag. */
  async #noteLink(ticketId: string, signatureId: string): Promise<void> {
    if (this.#deps.zendesk === undefined) return;
    const { ticket } = await this.#deps.tickets.ticket(ticketId);
    if (ticket.externalRef?.system !== "zendesk") return;
    const issueId = this.#deps.issues.issueOfSignature(signatureId) ?? signatureId;
    const facts = this.#deps.issues.facts(issueId);
    await this.#broadcast(
      `link-${issueId}-zendesk-${ticket.externalRef.id}`,
      `issue:${issueId}`,
      [ticket.customer],
      `Zendesk ticket ${ticket.externalRef.id} (${ticket.customer}) linked to Loupe issue ${issueId}: ${
        this.#issueUrl(issueId)
      }`,
    );
    await this.outbox.enqueue({
      system: "zendesk",
      orderKey: `zendesk:${ticket.externalRef.id}`,
      origin: "loupe",
      dedupeKey: `zendesk-link:${ticket.externalRef.id}:${issueId}`,
      customers: [ticket.customer, ...(facts === undefined ? [] : customersOf(facts))],
      action: {
        kind: "note",
        target: ticket.externalRef.id,
        marker: `link-${issueId}-${ticket.externalRef.id}`,
        body: linkNote(issueId, signatureId, facts, this.#issueUrl(issueId)),
        tags: [`loupe_issue_${issueId}`],
      },
    });
  }

  /** Links made while Loupe was down (or before a crash) get their note now; duplicates are one. */
  async #noteEveryLink(): Promise<void> {
    const page = this.#deps.tickets.listTickets({ limit: 100_000, offset: 0 });
    for (const summary of page.items) {
      if (summary.externalRef?.system !== "zendesk" || summary.signatures === 0) continue;
      const { ticket } = await this.#deps.tickets.ticket(summary.ticketId);
      for (const signatureId of ticket.signatures) {
        await this.#noteLink(ticket.ticketId, signatureId);
      }
    }
  }

  /** A confident top candidate links a new ticket on its own (by `loupe-auto`). */
  async #autoLink(ticketId: string): Promise<void> {
    const { ticket } = await this.#deps.tickets.ticket(ticketId);
    if (ticket.signatures.length > 0 || ticket.status === "closed") return;
    const { candidates } = await this.#deps.tickets.candidates(ticketId, 2);
    const [top, next] = candidates;
    if (top === undefined || top.score < this.#deps.config.autoLinkMinScore) return;
    if (next !== undefined && top.score - next.score < this.#deps.config.autoLinkMargin) return;
    await this.#deps.tickets.link(ticketId, { signatureIds: [top.signatureId] }, {
      by: "loupe-auto",
    });
  }

  async #delivered(delivery: Delivery, remoteId: string | null): Promise<void> {
    if (delivery.action.kind !== "create_issue" || remoteId === null) return;
    const issueId = delivery.orderKey.slice("issue:".length);
    if (this.#issueState(issueId).jiraKey === remoteId) return;
    await this.#appendIssue({
      type: "JiraIssueLinked",
      data: { issueId, key: remoteId, at: this.#deps.clock.now(), origin: "loupe" },
    });
    await this.#broadcast(
      `jira-${issueId}`,
      `issue:${issueId}`,
      [],
      `Jira ${remoteId} filed for Loupe issue ${issueId}: ${this.#issueUrl(issueId)}`,
    );
  }

  async #noteFixOnTickets(issueId: string): Promise<void> {
    const state = this.#issueState(issueId);
    const facts = this.#facts(issueId);
    const fix = lowestVersion(state.fixVersions);
    await this.#broadcast(
      `fix-${issueId}-${state.events.length}`,
      `issue:${issueId}`,
      [],
      `Loupe issue ${issueId} fixed${fix === null ? "" : ` in ${fix}`}${
        state.jiraKey === null ? "" : ` (${state.jiraKey})`
      }: ${this.#issueUrl(issueId)}`,
    );
    for (const ticket of await this.#linkedTickets(facts)) {
      if (ticket.externalRef?.system !== "zendesk") continue;
      const runs = this.#deps.issues.currentVersions(ticket.customer).map((r) => r.version)
        .filter((v): v is string => v !== null);
      const upgraded = fix !== null && runs.length > 0 &&
        runs.every((v) => compareVersions(v, fix) >= 0);
      await this.#noteZendesk(
        ticket,
        `fix-${issueId}-${state.events.length}`,
        [ticket.customer],
        [
          `Loupe: the engineering issue behind this ticket is fixed${
            fix === null ? "" : ` in version ${fix}`
          }${state.jiraKey === null ? "" : ` (${state.jiraKey})`}.`,
          fix === null
            ? "No fix version was given."
            : upgraded
            ? `${ticket.customer} already runs ${fix} or later (seen: ${runs.join(", ")}).`
            : `${ticket.customer} does not run it yet (seen: ${runs.join(", ") || "no version"}).`,
          `Details: ${this.#issueUrl(issueId)}`,
        ].join("\n"),
      );
    }
  }

  /** Logs of a fixed issue at or after its fix version: reopen in Jira, tell every ticket. */
  async #checkRegression(batch: LogBatchIngestedData): Promise<void> {
    for (const [issueId, state] of this.#issues) {
      if (state.status !== "fixed") continue;
      const fix = lowestVersion(state.fixVersions);
      if (fix === null) continue;
      const signatures = new Set(this.#deps.issues.facts(issueId)?.signatureIds ?? [issueId]);
      const record = batch.records.find((r) => {
        if (!signatures.has(r.signatureId)) return false;
        const version = contextualField(r, batch.context, "version");
        return version !== null && compareVersions(version, fix) >= 0;
      });
      if (record === undefined) continue;
      const version = contextualField(record, batch.context, "version")!;
      // The customer the batch was attributed to (a tenant, not its cluster).
      const customer = batch.customer ?? contextualField(record, batch.context, "customer");
      const named = customer === null ? [] : [customer];
      await this.#appendIssue({
        type: "IssueReopened",
        data: {
          issueId,
          at: record.timestamp,
          origin: "loupe",
          reason: `Logged again on ${version}, at or after the fix version ${fix}`,
          version,
          customer,
        },
      });
      const n = state.events.length;
      const evidence = [
        `Loupe: regression. Issue ${issueId} was fixed in ${fix} but logged again on ${version}` +
        `${customer === null ? "" : ` for ${customer}`} at ${
          new Date(record.timestamp).toISOString()
        }.`,
        `Example (redacted): ${redactLine(record.message)}`,
        `Details: ${this.#issueUrl(issueId)}`,
      ].join("\n");
      if (this.#deps.jira !== undefined && state.jiraKey !== null) {
        await this.#send("jira", `issue:${issueId}`, `jira-reopen:${issueId}:${n}`, [], {
          kind: "transition",
          target: state.jiraKey,
          marker: `reopen-${issueId}-${n}`,
          toCategory: "indeterminate",
          statusName: this.#deps.config.jiraReopenStatus,
        });
        await this.#send("jira", `issue:${issueId}`, `jira-regression:${issueId}:${n}`, named, {
          kind: "note",
          target: state.jiraKey,
          marker: `regression-${issueId}-${n}`,
          body: evidence,
          tags: [],
        });
      }
      await this.#broadcast(`regression-${issueId}-${n}`, `issue:${issueId}`, named, evidence);
      for (const ticket of await this.#linkedTickets(this.#facts(issueId))) {
        if (ticket.externalRef?.system === "zendesk") {
          await this.#noteZendesk(
            ticket,
            `regression-${issueId}-${n}`,
            [...named, ticket.customer],
            evidence,
          );
        }
      }
    }
  }

  async #noteZendesk(
    ticket: TicketSummary,
    marker: string,
    customers: readonly string[],
    body: string,
  ): Promise<void> {
    if (this.#deps.zendesk === undefined || ticket.externalRef === null) return;
    const orderKey = `zendesk:${ticket.externalRef.id}`;
    await this.#send("zendesk", orderKey, `zendesk:${marker}`, customers, {
      kind: "note",
      target: ticket.externalRef.id,
      marker: `${marker}-${ticket.externalRef.id}`,
      body,
      tags: [],
    });
  }

  /** The plain webhook (chat tools) hears of links, Jira issues, fixes and regressions. */
  async #broadcast(
    marker: string,
    orderKey: string,
    customers: readonly string[],
    text: string,
  ): Promise<void> {
    if (this.#deps.webhook === undefined) return;
    await this.#send("webhook", `webhook:${orderKey}`, `webhook:${marker}`, customers, {
      kind: "note",
      target: orderKey,
      marker,
      body: text,
      tags: [],
    });
  }

  async #send(
    system: TicketingSystem["system"],
    orderKey: string,
    dedupeKey: string,
    customers: readonly string[],
    action: OutboundAction,
  ): Promise<void> {
    await this.outbox.enqueue({ system, orderKey, origin: "loupe", dedupeKey, customers, action });
  }

  async #linkedTickets(facts: IssueFacts): Promise<TicketSummary[]> {
    const seen = new Map<string, TicketSummary>();
    for (const signatureId of facts.signatureIds) {
      try {
        const { linked } = await this.#deps.tickets.signatureTickets(signatureId, 0);
        for (const ticket of linked) seen.set(ticket.ticketId, ticket);
      } catch (error) {
        if (!(error instanceof LoupeError && error.code === "not_found")) throw error;
      }
    }
    return [...seen.values()];
  }

  async #linkedAt(ticketId: string, signatureIds: readonly string[]): Promise<number | null> {
    const { history } = await this.#deps.tickets.ticket(ticketId);
    const link = history.find((h) =>
      h.type === "TicketSignatureLinked" && signatureIds.includes(String(h.data.signatureId))
    );
    return link?.at ?? null;
  }

  /** Impact changes worth a Jira comment (a new top-tier customer, twice the customers). */
  async reportImpactChanges(): Promise<number> {
    let reported = 0;
    for (const [issueId, state] of this.#issues) {
      if (state.jiraKey === null || state.status === "fixed") continue;
      const facts = this.#deps.issues.facts(issueId);
      if (facts === undefined) continue;
      const now = facts.customers.map((c) => ({ customer: c.customer, tier: c.tier }));
      const change = impactChange({ customers: state.reported }, { customers: now });
      if (change === null) continue;
      const reason = impactChangeText(change);
      const at = this.#deps.clock.now();
      // One part per customer, each naming only its own: forgetting one
      // customer leaves what was reported about the others readable.
      await this.#appendIssue(
        ...now.map((customer): IssueSyncEvent => {
          const part = changeAbout(change, customer.customer);
          return {
            type: "IssueImpactReported",
            data: {
              issueId,
              at,
              customers: [customer],
              reason: part === null ? "" : impactChangeText(part),
              change: part,
            },
          };
        }),
      );
      // Keyed by the report's time, not by a count of events: a count shrinks
      // when a forgotten customer's parts can no longer be read, and a later
      // report would reuse an earlier one's marker and be taken as done.
      await this.#send(
        "jira",
        `issue:${issueId}`,
        `jira-impact:${issueId}:at-${at}`,
        customersOf(facts),
        {
          kind: "note",
          target: state.jiraKey,
          marker: `impact-${issueId}-at-${at}`,
          body: `Loupe: impact changed. ${reason}.\n${impactText(facts)}`,
          tags: [],
        },
      );
      reported++;
    }
    return reported;
  }

  // --- issue sync state ----------------------------------------------------

  #facts(issueId: string): IssueFacts {
    const facts = this.#deps.issues.facts(issueId);
    if (facts === undefined) throw new LoupeError("not_found", `Cannot find issue ${issueId}`);
    return facts;
  }

  #anyFixed(): boolean {
    for (const state of this.#issues.values()) if (state.status === "fixed") return true;
    return false;
  }

  #issueState(issueId: string): IssueSyncState {
    let state = this.#issues.get(issueId);
    if (state === undefined) {
      state = {
        jiraKey: null,
        status: "open",
        fixVersions: [],
        fixedAt: null,
        reported: [],
        reportedAt: null,
        events: [],
      };
      this.#issues.set(issueId, state);
    }
    return state;
  }

  async #appendIssue(...events: IssueSyncEvent[]): Promise<void> {
    await this.#deps.store.append(ISSUE_SYNC_STREAM, events, { expectedVersion: "any" });
    for (const event of events) this.#evolve(event);
  }

  #evolve(event: IssueSyncEvent): void {
    const state = this.#issueState(event.data.issueId);
    state.events.push(event);
    switch (event.type) {
      case "JiraIssueLinked":
        state.jiraKey = event.data.key;
        this.#issueOfJiraKey.set(event.data.key, event.data.issueId);
        // What engineering was first told: the baseline for material changes.
        state.reported = this.#deps.issues.facts(event.data.issueId)?.customers.map((c) => ({
          customer: c.customer,
          tier: c.tier,
        })) ?? state.reported;
        return;
      case "IssueFixed":
        state.status = "fixed";
        state.fixVersions = event.data.fixVersions;
        state.fixedAt = event.data.at;
        return;
      case "IssueReopened":
        state.status = "open";
        return;
      case "IssueImpactReported":
        // The parts of one report share its time: the latest report is what engineering knows.
        if (event.data.at !== state.reportedAt) state.reported = [];
        state.reportedAt = event.data.at;
        state.reported = [...state.reported, ...event.data.customers];
        return;
    }
  }

  #issueUrl(issueId: string): string {
    return `${this.#deps.config.publicUrl.replace(/\/+$/, "")}/v1/issues/${
      encodeURIComponent(issueId)
    }`;
  }
}

export function deliveryView(delivery: Delivery): DeliveryView {
  return {
    deliveryId: delivery.deliveryId,
    system: delivery.system,
    kind: delivery.action.kind,
    target: "target" in delivery.action ? delivery.action.target : null,
    origin: delivery.origin,
    status: delivery.status,
    attempts: delivery.attempts,
    throttled: delivery.throttled,
    queuedAt: delivery.queuedAt,
    nextAttemptAt: delivery.status === "pending" ? delivery.nextAttemptAt : null,
    deliveredAt: delivery.deliveredAt,
    lastError: delivery.lastError,
    remoteId: delivery.remoteId,
  };
}

/** The customers an issue's facts name: a text built from them names them all. */
function customersOf(facts: IssueFacts): string[] {
  return facts.customers.map((c) => c.customer);
}

function iso(at: number | null): string {
  return at === null ? "unknown" : new Date(at).toISOString();
}

function impactText(facts: IssueFacts): string {
  const tiers = new Map<string, number>();
  for (const c of facts.customers) {
    tiers.set(c.tier ?? "no tier", (tiers.get(c.tier ?? "no tier") ?? 0) + 1);
  }
  const versions = [...new Set(facts.customers.flatMap((c) => c.versions))].sort(compareVersions);
  const environments = [...new Set(facts.customers.flatMap((c) => c.environments))].sort();
  return [
    `Customers hit: ${facts.customers.length} (${
      [...tiers].map(([t, n]) => `${n} ${t}`).join(", ") || "none"
    })`,
    `Environments: ${environments.join(", ") || "none known"}`,
    `Versions: ${versions.join(", ") || "none known"}`,
    `First seen: ${iso(facts.firstSeen)}; last seen: ${iso(facts.lastSeen)}`,
    `Trend: ${facts.trend ?? "unknown"}`,
  ].join("\n");
}

function linkNote(
  issueId: string,
  signatureId: string,
  facts: IssueFacts | undefined,
  url: string,
): string {
  if (facts === undefined) {
    return `Loupe linked this ticket to signature ${signatureId}.\nDetails: ${url}`;
  }
  return [
    `Loupe linked this ticket to issue ${issueId}: ${facts.title}`,
    impactText(facts),
    `Knowledge-base article: ${facts.knowledgeBaseArticle ?? "none yet"}`,
    `Predicted resolution: ${facts.predictedResolution ?? "not known"}`,
    `Details: ${url}`,
  ].join("\n");
}

function jiraDescription(facts: IssueFacts, url: string, by: string | null): string {
  return [
    `Detected by Loupe${by === null ? "" : `, filed by ${by}`}.`,
    "",
    "h3. Impact",
    impactText(facts),
    "",
    "h3. Example lines (redacted)",
    ...facts.exampleLines.map((line) => `{noformat}${redactLine(line)}{noformat}`),
    "",
    `Loupe: ${url}`,
  ].join("\n");
}
