/**
 * The whole application, built by the same `compose` as `serve`, on
 * in-memory stores with a clock the test moves, and a way to ingest lines
 * and wait for the views: for the tests of tickets, correlation and the
 * knowledge base.
 */
import type { Hono } from "hono";
import { readRuleFile } from "../../adapters/rules/rule_set.ts";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { ticketingConfig } from "../../adapters/ticketing/config.ts";
import type { ParsedLog } from "../../domain/log_record.ts";
import { parseSeverity } from "../../domain/severity.ts";
import type { IngestReceipt, IngestRequest } from "../../ports/application.ts";
import type { EventStore } from "../../ports/event_store.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import { compose } from "../app/compose.ts";
import type { KbService } from "../kb/mod.ts";
import type { Loupe } from "../app/loupe.ts";
import type { TicketService } from "./mod.ts";

export const T0 = Date.UTC(2026, 2, 1, 0, 0, 0);
export const HOUR = 3_600_000;

export const DEFAULT_RULES = await readRuleFile(
  new URL("../../fixtures/rules/default_rules.json", import.meta.url),
);

export interface Harness {
  readonly loupe: Loupe;
  readonly tickets: TicketService;
  readonly kb: KbService;
  readonly store: EventStore;
  readonly projections: ProjectionStore;
  readonly http: Hono;
  /** Moves the clock. */
  at(time: number): void;
  ingest(lines: readonly Line[], context?: IngestRequest["context"]): Promise<IngestReceipt>;
  settled(): Promise<void>;
}

export interface Line {
  readonly message: string;
  readonly at: number;
  readonly level?: string;
  readonly customer?: string;
  readonly environment?: string;
  readonly service?: string;
}

export async function ticketHarness(
  store: EventStore = new MemoryEventStore({ clock: { now: () => T0 } }),
  projections: ProjectionStore = new MemoryProjectionStore(),
  { maxBodyBytes = 1 << 20 }: { readonly maxBodyBytes?: number } = {},
): Promise<Harness> {
  let now = T0 + 48 * HOUR;
  const clock = { now: () => now };
  let id = 0;
  const newId = () => `01TEST${String(++id).padStart(8, "0")}`;
  const { loupe, tickets, kb, http } = await compose({
    store,
    projectionStore: projections,
    clock,
    newId,
    http: { maxBodyBytes, maxLineBytes: 1 << 16 },
    ticketing: ticketingConfig({}),
    version: "test",
  });
  const settled = () => loupe.settled();
  return {
    loupe,
    tickets,
    kb,
    store,
    projections,
    http,
    at: (time) => {
      now = time;
    },
    async ingest(lines, context = {}) {
      const receipt = await loupe.ingest({
        source: "test",
        format: "jsonl",
        context,
        quarantined: [],
        records: lines.map((line, index) => {
          const parsed: ParsedLog = {
            message: line.message,
            timestamp: line.at,
            attributes: {},
            ...(line.customer === undefined ? {} : { customer: line.customer }),
            ...(line.environment === undefined ? {} : { environment: line.environment }),
            ...(line.service === undefined ? {} : { service: line.service }),
            ...(line.level === undefined ? {} : { severity: parseSeverity(line.level)! }),
          };
          return { parsed, line: index + 1 };
        }),
      });
      await settled();
      return receipt;
    },
    settled,
  };
}

/** `count` lines spread evenly over [from, to). */
export function spread(
  count: number,
  from: number,
  to: number,
  line: (i: number) => Omit<Line, "at">,
): Line[] {
  return Array.from({ length: count }, (_, i) => ({
    ...line(i),
    at: from + Math.floor((i * (to - from)) / count),
  }));
}
