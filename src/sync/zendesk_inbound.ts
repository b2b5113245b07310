/**
 * Zendesk -> Loupe: a webhook or the export names a ticket; Loupe reads it
 * from the API and brings its own copy up to date, with the times Zendesk
 * recorded (opened, each comment, status changes).
 */
import {
  type CustomerMatch,
  DEFAULT_ZENDESK_STATUS_MAP,
  environmentOf,
  matchCustomer,
  severityOfPriority,
  statusCommands,
} from "../../domain/ticketing/mod.ts";
import {
  decide,
  evolve,
  isTicketEvent,
  type Ticket,
  type TicketCommand,
  type TicketEvent,
  type TicketState,
  type TicketStatus,
  ticketStream,
} from "../../domain/tickets/mod.ts";
import type { Customer } from "../../domain/customers/mod.ts";
import { type Redactor, redactTicketCommand } from "../../domain/redaction/mod.ts";
import type { Clock } from "../../ports/clock.ts";
import { ConcurrencyError, type EventStore, loupeEvents } from "../../ports/event_store.ts";
import { isLoupeNote, type RemoteTicket, type TicketSource } from "../../ports/ticketing.ts";
import type { ZendeskCursorSaved, ZendeskTicketSynced } from "../../domain/ticketing/events.ts";
import { ZENDESK_CURSOR_STREAM, zendeskTicketId, zendeskTicketStream } from "./streams.ts";

/** Customer and environment given to a ticket Loupe cannot place. */
export const UNKNOWN = "unknown";
/** Export pages read in one catch-up at most: the rest waits for the next round. */
const EXPORT_PAGES = 200;
const RACE_RETRIES = 3;

export interface ZendeskInboundConfig {
  /** Zendesk status -> Loupe status, the defaults changed by the status map file. */
  readonly statusMap: Readonly<Record<string, TicketStatus>>;
  /** The custom field that holds the environment, if any. */
  readonly environmentField: string | null;
  readonly environmentTagPrefix: string;
  /** Where the first sync starts: history since then comes in with its real times. */
  readonly historySince: number;
}

export const DEFAULT_INBOUND_CONFIG: ZendeskInboundConfig = {
  statusMap: DEFAULT_ZENDESK_STATUS_MAP,
  environmentField: null,
  environmentTagPrefix: "env_",
  historySince: 0,
};

export interface ZendeskInboundDeps {
  readonly store: EventStore;
  readonly source: TicketSource;
  readonly customers: () => readonly Customer[];
  readonly clock: Clock;
  readonly config: ZendeskInboundConfig;
  /** Resolves when projections include everything appended so far. */
  readonly settled: () => Promise<void>;
  /** When given, ticket texts from Zendesk are redacted before they are stored, as Loupe's own are. */
  readonly redactor?: Redactor;
  /** Told of each ticket the catch-up synced (the webhook path tells its own caller). */
  readonly afterSync?: (outcome: SyncOutcome) => Promise<void>;
}

export interface SyncOutcome {
  readonly ticketId: string;
  /** Events written to the Loupe ticket: 0 when it was up to date already (a duplicate webhook). */
  readonly changes: number;
}

export class ZendeskInbound {
  readonly #deps: ZendeskInboundDeps;
  /** One sync per remote ticket at a time: a webhook and the export may name the same one. */
  readonly #running = new Map<string, Promise<unknown>>();

  constructor(deps: ZendeskInboundDeps) {
    this.#deps = deps;
  }

  /** Reads the ticket from Zendesk and applies what Loupe does not have yet. */
  syncTicket(remoteId: string): Promise<SyncOutcome> {
    const previous = this.#running.get(remoteId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.#sync(remoteId));
    this.#running.set(remoteId, next);
    void next.finally(() => {
      if (this.#running.get(remoteId) === next) this.#running.delete(remoteId);
    }).catch(() => {});
    return next;
  }

  /**
   * Walks the incremental export from the saved cursor (or, the first time,
   * from `historySince`) to its end, syncing each ticket, saving the cursor
   * after each page.
   */
  async catchUp(): Promise<{ tickets: number; pages: number }> {
    const { store, source, clock } = this.#deps;
    const saved = await store.readStream(ZENDESK_CURSOR_STREAM);
    const last = saved.at(-1) as unknown as ZendeskCursorSaved | undefined;
    let from: { cursor: string } | { startTime: number } = last === undefined
      ? { startTime: this.#deps.config.historySince }
      : { cursor: last.data.cursor };
    let tickets = 0;
    let pages = 0;
    for (; pages < EXPORT_PAGES; pages++) {
      const page = await source.changes(from);
      for (const id of page.ticketIds) {
        const outcome = await this.syncTicket(id);
        await this.#deps.afterSync?.(outcome);
      }
      tickets += page.ticketIds.length;
      if (page.cursor !== null && ("startTime" in from || page.cursor !== from.cursor)) {
        const event: ZendeskCursorSaved = {
          type: "ZendeskCursorSaved",
          data: { cursor: page.cursor, at: clock.now(), tickets: page.ticketIds.length },
        };
        await store.append(ZENDESK_CURSOR_STREAM, [event], { expectedVersion: "any" });
        from = { cursor: page.cursor };
      }
      if (page.endOfStream || page.cursor === null) break;
    }
    return { tickets, pages };
  }

  async #sync(remoteId: string): Promise<SyncOutcome> {
    const remote = await this.#deps.source.ticket(remoteId);
    for (let attempt = 0;; attempt++) {
      try {
        return await this.#apply(remote);
      } catch (error) {
        if (error instanceof ConcurrencyError && attempt < RACE_RETRIES) continue;
        throw error;
      }
    }
  }

  async #apply(remote: RemoteTicket): Promise<SyncOutcome> {
    const { store, config } = this.#deps;
    const ticketId = zendeskTicketId(remote.id);
    const stored = await store.readStream(ticketStream(ticketId));
    // A forgotten customer's ticket comes back from Zendesk as a new one.
    let state = stored.some((event) => event.unreadable !== undefined)
      ? null
      : loupeEvents(stored).filter(isTicketEvent).reduce<TicketState>(evolve, null);
    const version = stored.length;
    const events: TicketEvent[] = [];
    const match = matchCustomer(this.#deps.customers(), remote.organization, remote.requesterEmail);
    const redactor = this.#deps.redactor?.forCustomer(state?.customer ?? match.customer ?? null);
    const run = (given: TicketCommand, at: number) => {
      const command = redactor === undefined ? given : redactTicketCommand(given, redactor);
      for (const event of decide(command, state, { at, by: "zendesk" })) {
        state = evolve(state, event);
        events.push(event);
      }
    };
    const environment = environmentOf(
      remote.customFields,
      remote.tags,
      config.environmentField,
      config.environmentTagPrefix,
    );
    if (state === null) {
      run({
        type: "OpenTicket",
        ticketId,
        customer: match.customer ?? UNKNOWN,
        environment: environment ?? UNKNOWN,
        subject: nonEmpty(remote.subject, `Zendesk ticket ${remote.id}`),
        description: nonEmpty(remote.description, remote.subject || `Zendesk ticket ${remote.id}`),
        severity: severityOfPriority(remote.priority),
        reporter: remote.requesterEmail ?? "zendesk",
        externalRef: { system: "zendesk", id: remote.id },
        window: null,
        openedAt: remote.createdAt,
      }, remote.createdAt);
    }
    const known = new Set(state!.comments.map((c) => c.commentId));
    // Comments and status changes replayed in the order Zendesk recorded them.
    const steps: { at: number; apply: () => void }[] = [];
    const comments = [...remote.comments].sort((a, b) => a.createdAt - b.createdAt);
    comments.forEach((comment, index) => {
      const commentId = `zendesk-${comment.id}`;
      // The first comment is the description; Loupe's own notes are echoes.
      if (known.has(commentId) || index === 0 || isLoupeNote(comment.body)) return;
      steps.push({
        at: comment.createdAt,
        apply: () =>
          run({
            type: "CommentOnTicket",
            commentId,
            author: comment.authorEmail ?? "zendesk",
            body: nonEmpty(comment.body, "(empty comment)"),
            visibility: comment.public ? "public" : "internal",
          }, Math.max(comment.createdAt, state!.updatedAt)),
      });
    });
    const statusSyncedUntil = stored.reduce((latest, event) => {
      const data = event.data as { at?: number; by?: string | null };
      return (event.type === "TicketStatusChanged" || event.type === "TicketResolved") &&
          data.by === "zendesk"
        ? Math.max(latest, data.at ?? 0)
        : latest;
    }, -Infinity);
    const toStatus = (status: string, at: number) => () => {
      const target = config.statusMap[status];
      if (target === undefined) return;
      for (const command of statusCommands(state!.status, target, "zendesk")) {
        run(command, Math.max(at, state!.updatedAt));
      }
    };
    for (const change of remote.statusChanges) {
      if (change.at > statusSyncedUntil) {
        steps.push({ at: change.at, apply: toStatus(change.status, change.at) });
      }
    }
    steps.sort((a, b) => a.at - b.at).forEach((step) => step.apply());
    // The status now wins over any history the audits did not tell.
    toStatus(remote.status, remote.updatedAt)();
    if (events.length > 0) {
      await store.append(ticketStream(ticketId), events, { expectedVersion: version });
    }
    await this.#record(remote, ticketId, match, environment);
    if (events.length > 0) await this.#deps.settled();
    return { ticketId, changes: events.length };
  }

  /** The mapping and its flags, written when something about them changed. */
  async #record(
    remote: RemoteTicket,
    ticketId: string,
    match: CustomerMatch,
    environment: string | null,
  ): Promise<void> {
    const stream = zendeskTicketStream(remote.id);
    const previous = (await this.#deps.store.readStream(stream)).at(-1) as unknown as
      | ZendeskTicketSynced
      | undefined;
    const data: ZendeskTicketSynced["data"] = {
      remoteId: remote.id,
      ticketId,
      remoteStatus: remote.status,
      remoteUpdatedAt: remote.updatedAt,
      customer: match.customer,
      customerMatchedBy: match.by,
      customerClue: match.clue,
      environment,
      origin: "zendesk",
      at: this.#deps.clock.now(),
    };
    // Unreadable (its customer forgotten): written again, as new.
    const p = previous?.data ?? null;
    if (
      p !== null && p.remoteStatus === data.remoteStatus &&
      p.remoteUpdatedAt === data.remoteUpdatedAt && p.customer === data.customer &&
      p.environment === data.environment
    ) return;
    const event: ZendeskTicketSynced = { type: "ZendeskTicketSynced", data };
    await this.#deps.store.append(stream, [event], { expectedVersion: "any" });
  }
}

/** What Loupe knows of a Zendesk-backed ticket, for its `sync` section. */
export async function zendeskSyncOf(
  store: EventStore,
  ticket: Pick<Ticket, "externalRef">,
): Promise<ZendeskTicketSynced["data"] | null> {
  if (ticket.externalRef?.system !== "zendesk") return null;
  const last = (await store.readStream(zendeskTicketStream(ticket.externalRef.id))).at(-1);
  return last === undefined ? null : (last as unknown as ZendeskTicketSynced).data;
}

function nonEmpty(value: string, fallback: string): string {
  return value.trim() === "" ? fallback : value;
}
