/**
 * Who read which customer's data: every read is buffered and stored as one
 * `CustomerDataRead` event per flush (about a second, or every
 * {@linkcode AUDIT_BATCH} reads), not one commit per GET; a projection keeps
 * them by time, by customer and by token for `GET /v1/audit`.
 */
import type { AuditEntry, AuditLog, AuditPage, AuditQuery } from "../../ports/access.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { EventStore } from "../../ports/event_store.ts";
import type { CustomerDataRead } from "../../domain/access/events.ts";
import type { Key, ProjectionReader, ProjectionWriter } from "../../ports/projection_store.ts";
import type { Projection } from "../projections/projection.ts";

export const AUDIT_STREAM = "access-audit";
/** Reads buffered before a flush is forced. */
export const AUDIT_BATCH = 500;
/** Longest a read waits in the buffer. */
export const AUDIT_FLUSH_MS = 1_000;

const ALL = "audit";
const BY_CUSTOMER = "audit_by_customer";
const BY_TOKEN = "audit_by_token";

export const auditProjection: Projection = {
  name: "access-audit@1",
  tables: [ALL, BY_CUSTOMER, BY_TOKEN],
  apply(events, tx: ProjectionWriter): void {
    for (const event of events) {
      if (event.type !== "CustomerDataRead") continue;
      const { entries } = event.data;
      entries.forEach((entry, index) => {
        tx.put(ALL, [event.position, index], entry);
        tx.put(BY_CUSTOMER, [entry.customer, event.position, index], entry);
        tx.put(BY_TOKEN, [entry.tokenId, event.position, index], entry);
      });
    }
  },
};

export interface AuditDeps {
  readonly store: EventStore;
  readonly projections: ProjectionReader;
  /** Resolves once the projections caught up with the log. */
  readonly settled: () => Promise<void>;
  readonly onError?: (error: unknown) => void;
}

export class AuditRecorder implements AuditLog {
  readonly #deps: AuditDeps;
  #buffer: AuditEntry[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(deps: AuditDeps) {
    this.#deps = deps;
  }

  record(entry: AuditEntry): void {
    this.#buffer.push(entry);
    if (this.#buffer.length >= AUDIT_BATCH) void this.#flushLogged();
    else this.#timer ??= setTimeout(() => void this.#flushLogged(), AUDIT_FLUSH_MS);
  }

  /** Stores what is buffered; resolves when it and every earlier flush are durable. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const entries = this.#buffer;
    this.#buffer = [];
    const previous = this.#flushing;
    this.#flushing = (async () => {
      await previous.catch(() => {});
      if (entries.length === 0) return;
      try {
        await this.#deps.store.append(AUDIT_STREAM, [{
          type: "CustomerDataRead",
          data: { entries } satisfies CustomerDataRead["data"],
        }], { expectedVersion: "any" });
      } catch (error) {
        // Kept for the next flush rather than lost: the audit trail must be whole.
        this.#buffer.unshift(...entries);
        throw error;
      }
    })();
    return this.#flushing;
  }

  async query(query: AuditQuery): Promise<AuditPage> {
    await this.flush();
    await this.#deps.settled();
    const { table, prefix } = query.customer !== undefined
      ? { table: BY_CUSTOMER, prefix: [query.customer] as Key }
      : query.tokenId !== undefined
      ? { table: BY_TOKEN, prefix: [query.tokenId] as Key }
      : { table: ALL, prefix: [] as Key };
    const after = query.cursor === undefined ? undefined : cursorKey(query.cursor);
    const items: AuditEntry[] = [];
    let last: Key | undefined;
    let more = false;
    for (
      const { key, value } of this.#deps.projections.range<AuditEntry>(table, {
        ...(prefix.length > 0 ? { prefix } : {}),
        ...(after === undefined ? {} : { end: [...prefix, ...after] }),
        reverse: true,
      })
    ) {
      if (query.tokenId !== undefined && value.tokenId !== query.tokenId) continue;
      if (query.from !== undefined && value.at < query.from) continue;
      if (query.to !== undefined && value.at >= query.to) continue;
      if (items.length === query.limit) {
        more = true;
        break;
      }
      items.push(value);
      last = key.slice(prefix.length);
    }
    return { items, nextCursor: more && last !== undefined ? last.join(".") : null };
  }

  /** Flushes what is left; call on shutdown. */
  async stop(): Promise<void> {
    await this.flush();
  }

  async #flushLogged(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      (this.#deps.onError ?? ((e) => console.error("Cannot store the audit trail:", e)))(error);
    }
  }
}

function cursorKey(cursor: string): Key {
  const match = /^(\d{1,15})\.(\d{1,9})$/.exec(cursor);
  if (match === null) {
    throw new LoupeError(
      "validation_failed",
      "Invalid cursor: pass next_cursor from the last page",
    );
  }
  return [Number(match[1]), Number(match[2])];
}
