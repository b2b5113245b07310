/**
 * What was known about a ticket when it was opened, turned into binned model
 * inputs. Every feature of a ticket is computed from its own at-open fields
 * and from facts dated strictly before its open time (tickets opened earlier,
 * resolutions that had already happened), so a prediction never sees the
 * future. Pure: times are epoch milliseconds passed in.
 *
 * @module
 */
import { countBelow } from "../sorted.ts";
import type { BinnedFeature } from "./gbm.ts";
import { DAY_MS, HOUR_MS } from "../time.ts";

/** A ticket as history knows it: at-open fields and, once resolved, when. */
export interface TicketRecord {
  readonly id: string;
  readonly openedAt: number;
  /** null while open, or when the export never says it was resolved. */
  readonly resolvedAt: number | null;
  /** Categorical fields as they were at open (category, priority, group...). */
  readonly fields: Readonly<Record<string, string>>;
  /** Free text at open (subject, description), joined. */
  readonly text: string;
  /** Numeric facts known at open (log-side signals such as customers hit); NaN when unknown. */
  readonly numbers?: Readonly<Record<string, number>>;
  /** Whether it needed engineering (escalated beyond support); absent when the source cannot tell. */
  readonly escalated?: boolean;
}

/** Context at a ticket's open time, from the other tickets' history. */
export interface OpenContext {
  readonly hourOfDay: number;
  /** 0 = Monday ... 6 = Sunday (UTC). */
  readonly dayOfWeek: number;
  readonly openedLast24h: number;
  /** Tickets opened before this one and not yet resolved at its open time. */
  readonly backlog: number;
}

/**
 * The context of each of `tickets` at its own open time. Only opens before
 * that time and resolutions at or before it count.
 *
 * @example
 * ```ts
 * import { openContexts } from "./features.ts";
 * import assert from "node:assert/strict";
 * const t = (id: string, openedAt: number, resolvedAt: number | null) =>
 *   ({ id, openedAt, resolvedAt, fields: {}, text: "" });
 * const [, second] = openContexts([t("a", 0, null), t("b", 1000, null)]);
 * assert.equal(second!.backlog, 1);
 * ```
 */
export function openContexts(tickets: readonly TicketRecord[]): OpenContext[] {
  const opens = tickets.map((t) => t.openedAt).sort((a, b) => a - b);
  const resolutions = tickets
    .filter((t) => t.resolvedAt !== null)
    .map((t) => t.resolvedAt!)
    .sort((a, b) => a - b);
  return tickets.map((ticket) => {
    const t = ticket.openedAt;
    const openedBefore = countBelow(opens, t);
    const resolvedBy = countBelow(resolutions, t + 1);
    const dayIndex = Math.floor(t / DAY_MS);
    return {
      hourOfDay: Math.floor((t - dayIndex * DAY_MS) / HOUR_MS),
      // 1970-01-01 was a Thursday.
      dayOfWeek: (((dayIndex + 3) % 7) + 7) % 7,
      openedLast24h: openedBefore - countBelow(opens, t - DAY_MS),
      backlog: Math.max(0, openedBefore - resolvedBy),
    };
  });
}

const MAX_NUMERIC_BINS = 32;
const MIN_CATEGORY_COUNT = 3;
const MAX_CATEGORIES = 1000;
const TEXT_TOKENS = 30;
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

type Column =
  | {
    readonly name: string;
    readonly kind: "categorical";
    readonly read: (t: TicketRecord, c: OpenContext) => string;
    readonly codes: ReadonlyMap<string, number>;
    readonly labels: readonly string[];
  }
  | {
    readonly name: string;
    readonly kind: "numeric";
    readonly read: (t: TicketRecord, c: OpenContext) => number;
    /** Upper edges: a value goes to the first bin whose edge is >= it; bin 0 is unknown. */
    readonly edges: readonly number[];
  };

/** Which inputs to build, and from which training tickets the bins are learned. */
export interface FeatureSpec {
  readonly fields: readonly string[];
  readonly numbers: readonly string[];
  readonly useText: boolean;
  /** Fields that say who is served (a customer's tier), not what the problem is. */
  readonly serviceFields?: readonly string[];
}

/** The open-context columns: when a ticket came in and how busy the desk was. */
export const CONTEXT_COLUMNS: ReadonlySet<string> = new Set([
  "weekday",
  "hour_of_day",
  "opened_last_24h",
  "backlog_at_open",
]);

/** Binning learned on training tickets and applied to any ticket. */
export interface FeatureSpace {
  readonly columns: readonly Column[];
}

/** Learns bins from the training tickets (with their contexts). */
export function learnFeatureSpace(
  spec: FeatureSpec,
  training: readonly TicketRecord[],
  contexts: readonly OpenContext[],
): FeatureSpace {
  const columns: Column[] = [];
  for (const field of spec.fields) {
    columns.push(categorical(field, (t) => t.fields[field] ?? "", training, contexts));
  }
  columns.push(
    categorical("weekday", (_t, c) => WEEKDAYS[c.dayOfWeek]!, training, contexts),
    numeric("hour_of_day", (_t, c) => c.hourOfDay, training, contexts),
    numeric("opened_last_24h", (_t, c) => c.openedLast24h, training, contexts),
    numeric("backlog_at_open", (_t, c) => c.backlog, training, contexts),
  );
  for (const name of spec.numbers) {
    columns.push(numeric(name, (t) => t.numbers?.[name] ?? NaN, training, contexts));
  }
  if (spec.useText) {
    for (const token of frequentTokens(training)) {
      columns.push({
        name: `text:${token}`,
        kind: "numeric",
        read: (t) => (tokensOf(t.text).has(token) ? 1 : 0),
        edges: [0, 1],
      });
    }
  }
  return { columns };
}

function categorical(
  name: string,
  read: (t: TicketRecord, c: OpenContext) => string,
  training: readonly TicketRecord[],
  contexts: readonly OpenContext[],
): Column {
  const counts = new Map<string, number>();
  training.forEach((t, i) => {
    const v = read(t, contexts[i]!);
    counts.set(v, (counts.get(v) ?? 0) + 1);
  });
  const kept = [...counts.entries()]
    .filter(([v, n]) => v !== "" && n >= MIN_CATEGORY_COUNT)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_CATEGORIES);
  // Code 0 collects the empty, the rare and the never seen.
  const codes = new Map(kept.map(([v], i) => [v, i + 1]));
  return { name, kind: "categorical", read, codes, labels: ["(other)", ...kept.map(([v]) => v)] };
}

function numeric(
  name: string,
  read: (t: TicketRecord, c: OpenContext) => number,
  training: readonly TicketRecord[],
  contexts: readonly OpenContext[],
): Column {
  const values = training.map((t, i) => read(t, contexts[i]!)).filter(Number.isFinite).sort((
    a,
    b,
  ) => a - b);
  const edges: number[] = [];
  for (let k = 1; k <= MAX_NUMERIC_BINS; k++) {
    const v =
      values[Math.min(values.length - 1, Math.floor((k * values.length) / MAX_NUMERIC_BINS))];
    if (v !== undefined && (edges.length === 0 || v > edges[edges.length - 1]!)) edges.push(v);
  }
  return { name, kind: "numeric", read, edges };
}

function tokensOf(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z][a-z0-9_]{2,}/g) ?? []);
}

function frequentTokens(training: readonly TicketRecord[]): string[] {
  const df = new Map<string, number>();
  for (const t of training) for (const tok of tokensOf(t.text)) df.set(tok, (df.get(tok) ?? 0) + 1);
  // Tokens on nearly every ticket or on a handful say nothing.
  const min = Math.max(MIN_CATEGORY_COUNT, training.length * 0.01);
  return [...df.entries()]
    .filter(([, n]) => n >= min && n <= training.length * 0.5)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TEXT_TOKENS)
    .map(([tok]) => tok);
}

/** The bin of one column for one ticket. */
export function binOf(column: Column, ticket: TicketRecord, context: OpenContext): number {
  if (column.kind === "categorical") return column.codes.get(column.read(ticket, context)) ?? 0;
  const v = column.read(ticket, context);
  if (!Number.isFinite(v)) return 0;
  const edges = column.edges;
  return Math.min(countBelow(edges, v), Math.max(0, edges.length - 1)) + 1;
}

export function binCount(column: Column): number {
  return column.kind === "categorical" ? column.labels.length : column.edges.length + 1;
}

/** The binned matrix of `tickets` (column-major, as the GBM wants it). */
export function binTickets(
  space: FeatureSpace,
  tickets: readonly TicketRecord[],
  contexts: readonly OpenContext[],
): BinnedFeature[] {
  return space.columns.map((column) => {
    const bins = new Uint16Array(tickets.length);
    tickets.forEach((t, i) => (bins[i] = binOf(column, t, contexts[i]!)));
    return { name: column.name, kind: column.kind, binCount: binCount(column), bins };
  });
}

/** One ticket's bins, in column order. */
export function binRow(
  space: FeatureSpace,
  ticket: TicketRecord,
  context: OpenContext,
): Uint16Array {
  return Uint16Array.from(space.columns, (column) => binOf(column, ticket, context));
}

/** A readable value of a column for a ticket: its category, or its number. */
export function describeValue(column: Column, ticket: TicketRecord, context: OpenContext): string {
  if (column.kind === "categorical") {
    const v = column.read(ticket, context);
    return v === "" ? "(none)" : v;
  }
  const v = column.read(ticket, context);
  return Number.isFinite(v) ? String(Math.round(v * 100) / 100) : "(unknown)";
}
