/**
 * Ticket exports as CSV, from ticketing tools: one row per ticket (opened and
 * resolved columns) or one row per change (an event log: the rows that share
 * an id are one ticket's history in file order). Common column names are
 * recognised and any can be named. What a ticket was at open comes from its
 * first row; it is resolved at the first row whose status is a resolved one,
 * else at its resolved column.
 *
 * @module
 */
// @ts-types="@types/papaparse"
import Papa from "papaparse";
import type { TicketRecord } from "../../domain/analytics/features.ts";
import { LoupeError } from "../../ports/errors.ts";
import { type Pacer, runPaced } from "../../ports/pacing.ts";
import { csvSlices } from "../csv_slices.ts";
import { parseTimeValue, utcTime } from "../../domain/time.ts";

/** Which column plays which part; names as in the header. */
export interface HistoryColumns {
  readonly id?: string;
  readonly opened?: string;
  readonly resolved?: string;
  readonly status?: string;
  /** The time of each row of an event log. */
  readonly changedAt?: string;
  readonly features?: readonly string[];
  readonly text?: readonly string[];
}

export interface HistoryOptions {
  readonly columns?: HistoryColumns;
  /** Status values (any case) that mean resolved. */
  readonly resolvedStatuses?: readonly string[];
  readonly dayFirst?: boolean;
}

export const DEFAULT_RESOLVED_STATUSES = ["resolved", "solved", "closed", "completed", "done"];

/** One change of an event log: when and to which status. */
export interface StatusChange {
  readonly at: number;
  readonly status: string;
}

export interface TicketHistory extends TicketRecord {
  readonly changes: readonly StatusChange[];
  /** The ticket's first row as the file has it, for columns no part above names. */
  readonly firstRow: readonly string[];
}

export interface ParsedHistory {
  readonly tickets: TicketHistory[];
  /** The header row as written. */
  readonly header: readonly string[];
  /** The columns actually used, by part. */
  readonly columns: Required<Pick<HistoryColumns, "id" | "features" | "text">> & HistoryColumns;
  readonly rows: number;
  /** What says a ticket needed engineering, when the file tells: a support-level column or status. */
  readonly escalationFrom: string | undefined;
  /** Tickets left out, with why (no readable open time, resolved before opened). */
  readonly skipped: { readonly id: string; readonly reason: string }[];
}

const ID_NAMES = [
  "number",
  "id",
  "key",
  "ticket_id",
  "ticket",
  "incident_id",
  "incident",
  "case_id",
  "case_number",
  "sr_number",
  "issue_key",
  "request_id",
];
const OPENED_NAMES = [
  "opened_at",
  "created_at",
  "created",
  "opened",
  "open_time",
  "open_date",
  "creation_date",
  "created_date",
  "submitted_at",
  "reported_at",
];
const RESOLVED_NAMES = [
  "resolved_at",
  "solved_at",
  "resolutiondate",
  "resolution_date",
  "resolved",
  "resolved_date",
  "solved",
];
const STATUS_NAMES = ["status", "state", "incident_state", "ticket_status"];
/** The support line a row is at (L1, L2, 3rd line...): a rise means the ticket was escalated. */
const LEVEL_NAMES = [
  "support_level",
  "st_level",
  "escalation_level",
  "support_tier",
  "support_line",
  "level",
];
const CHANGED_NAMES = [
  "sys_updated_at",
  "updated_at",
  "updated",
  "change_date_time",
  "changed_at",
  "change_time",
  "event_time",
  "timestamp",
  "datetime",
  "date_time",
  "time",
  "date",
];
/** Recognised at-open fields, the usual grouping first (it leads the group baseline). */
const FEATURE_NAMES = [
  "assignment_group",
  "group",
  "team",
  "queue",
  "category",
  "subcategory",
  "u_symptom",
  "priority",
  "impact",
  "urgency",
  "severity",
  "type",
  "issue_type",
  "product",
  "component",
  "service",
  "cmdb_ci",
  "contact_type",
  "channel",
  "location",
  "tier",
];
const TEXT_NAMES = ["subject", "summary", "title", "short_description", "description"];
/** Columns that tell how a ticket ended, never what was known at open. */
const OUTCOME_LIKE =
  /resol|solv|clos|sla|reopen|reassign|mod_count|updated|caused_by|problem|rfc|knowledge|active|duration|^(end|finish)/;
const MISSING = new Set(["", "?", "null", "nan", "n/a", "na", "none", "-"]);

/**
 * Where `name` is in `header`: as written, else compared without case and
 * punctuation (`Assignment group` finds `assignment_group`); -1 when absent.
 */
export function columnIndex(header: readonly string[], name: string): number {
  const at = header.indexOf(name);
  return at >= 0 ? at : header.map(normalize).indexOf(normalize(name));
}

function normalize(name: string): string {
  return name.replace(/^\uFEFF/, "").trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(
    /^_|_$/g,
    "",
  );
}

/**
 * Reads a ticket export. Throws a `LoupeError` naming a column that is
 * missing or a value that cannot be read.
 */
export function parseTicketHistoryCsv(text: string, options: HistoryOptions = {}): ParsedHistory {
  const steps = historySteps(text, options, Infinity);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * {@linkcode parseTicketHistoryCsv} for an export sent to the running
 * service: parsed a slice of rows at a time, pacing in between, so an 11 MB
 * export does not hold the thread that answers other requests for a second.
 */
export function parseTicketHistoryCsvPaced(
  text: string | readonly string[],
  options: HistoryOptions,
  pacer: Pacer,
): Promise<ParsedHistory> {
  return runPaced(historySteps(text, options, PACED_SLICE_CHARACTERS), pacer);
}

/** Characters of CSV parsed between two looks at the clock on the paced path. */
const PACED_SLICE_CHARACTERS = 64 * 1024;
/** Rows or tickets handled between two looks at the clock. */
const ROWS_PER_STEP = 256;

function* historySteps(
  text: string | readonly string[],
  options: HistoryOptions,
  sliceCharacters: number,
): Generator<void, ParsedHistory, void> {
  const rows: string[][] = [];
  // Guessed once, on the first slice: another slice might guess otherwise.
  let delimiter: string | undefined;
  for (const slice of csvSlices(text, "ticket CSV", sliceCharacters)) {
    // papaparse: a 43 MB ServiceNow-style export read in 4.1 s where csv-parse took 9.7 s.
    const parsed = Papa.parse<string[]>(slice, {
      skipEmptyLines: true,
      ...(delimiter === undefined ? {} : { delimiter }),
    });
    delimiter ??= parsed.meta.delimiter;
    const broken = parsed.errors.find((e) => e.type === "Quotes" || e.type === "Delimiter");
    if (broken !== undefined) {
      const row = broken.row === undefined ? undefined : rows.length + broken.row;
      throw new LoupeError(
        "bad_request",
        `Cannot parse ticket CSV: ${broken.message}${row === undefined ? "" : ` (row ${row + 1})`}`,
        { row },
      );
    }
    for (const row of parsed.data) rows.push(row);
    yield;
  }
  const header = rows.shift();
  if (header === undefined) {
    throw new LoupeError("bad_request", "Cannot parse ticket CSV: the file is empty", {});
  }
  const normalized = header.map(normalize);
  const given = options.columns ?? {};
  const find = (explicit: string | undefined, part: string, names: readonly string[]) => {
    if (explicit !== undefined) {
      const at = header.indexOf(explicit);
      const loose = at >= 0 ? at : normalized.indexOf(normalize(explicit));
      if (loose < 0) {
        throw new LoupeError(
          "validation_failed",
          `Cannot read ticket CSV: no ${part} column named "${explicit}"`,
          { column: explicit, header },
        );
      }
      return loose;
    }
    for (const name of names) {
      const at = normalized.indexOf(name);
      if (at >= 0) return at;
    }
    return -1;
  };
  const idAt = find(given.id, "id", ID_NAMES);
  if (idAt < 0) {
    throw new LoupeError(
      "validation_failed",
      `Cannot read ticket CSV: no id column (one of ${ID_NAMES.join(", ")}); name it with --id`,
      { header },
    );
  }
  const openedAt = find(given.opened, "opened", OPENED_NAMES);
  const resolvedAt = find(given.resolved, "resolved", RESOLVED_NAMES);
  const statusAt = find(given.status, "status", STATUS_NAMES);
  let changedAt = find(given.changedAt, "change time", CHANGED_NAMES);
  if (changedAt < 0 || changedAt === resolvedAt) changedAt = openedAt;
  if (openedAt < 0 && changedAt < 0) {
    throw new LoupeError(
      "validation_failed",
      `Cannot read ticket CSV: no opened column (one of ${
        OPENED_NAMES.join(", ")
      }); name it with --opened`,
      { header },
    );
  }
  const levelAt = find(undefined, "support level", LEVEL_NAMES);
  const special = new Set([idAt, openedAt, resolvedAt, statusAt, changedAt]);
  const columnIndex = (name: string) => find(name, "feature", []);
  const textColumns = given.text !== undefined
    ? given.text.map(columnIndex)
    : TEXT_NAMES.map((n) => normalized.indexOf(n)).filter((i) => i >= 0);
  const featureColumns = given.features !== undefined
    ? given.features.map(columnIndex)
    : defaultFeatures(normalized, rows, new Set([...special, ...textColumns]));

  const resolvedSet = new Set(
    (options.resolvedStatuses ?? DEFAULT_RESOLVED_STATUSES).map((s) => s.trim().toLowerCase()),
  );
  const readTime = (value: string | undefined) => parseTicketTime(value, options.dayFirst ?? false);

  const byId = new Map<string, string[][]>();
  let done = 0;
  for (const row of rows) {
    if (++done % ROWS_PER_STEP === 0) yield;
    const id = (row[idAt] ?? "").trim();
    if (id === "") continue;
    const list = byId.get(id);
    if (list) list.push(row);
    else byId.set(id, [row]);
  }
  const tickets: TicketHistory[] = [];
  let anyEscalated = false;
  const skipped: { id: string; reason: string }[] = [];
  for (const [id, history] of byId) {
    if (++done % ROWS_PER_STEP === 0) yield;
    const first = history[0]!;
    const opened = (openedAt >= 0 ? readTime(first[openedAt]) : undefined) ??
      (changedAt >= 0 ? readTime(first[changedAt]) : undefined);
    if (opened === undefined) {
      skipped.push({ id, reason: "no readable open time on its first row" });
      continue;
    }
    const changes: StatusChange[] = [];
    let resolved: number | null = null;
    if (statusAt >= 0) {
      for (const row of history) {
        const at = changedAt >= 0 ? readTime(row[changedAt]) : undefined;
        const status = (row[statusAt] ?? "").trim();
        if (at !== undefined) changes.push({ at, status });
        if (resolved === null && resolvedSet.has(status.toLowerCase())) {
          const when = at ?? (resolvedAt >= 0 ? readTime(row[resolvedAt]) : undefined);
          if (when !== undefined) resolved = when;
        }
      }
    }
    if (resolved === null && resolvedAt >= 0) {
      for (const row of history) {
        const when = readTime(row[resolvedAt]);
        if (when !== undefined) {
          resolved = when;
          break;
        }
      }
    }
    if (resolved !== null && resolved < opened) {
      skipped.push({ id, reason: "resolved before it was opened" });
      continue;
    }
    const escalated = escalatedIn(history, statusAt, levelAt);
    if (escalated) anyEscalated = true;
    const fields: Record<string, string> = {};
    for (const c of featureColumns) fields[header[c]!] = cleanValue(first[c]);
    const text = textColumns.map((c) => cleanValue(first[c])).filter((t) => t !== "").join("\n");
    tickets.push({
      id,
      openedAt: opened,
      resolvedAt: resolved,
      fields,
      text,
      changes,
      firstRow: first,
      escalated,
    });
  }
  // A status column that never says escalated cannot tell a ticket that was not from one
  // whose escalation went unrecorded: without a level column, no ticket is labelled.
  const labelled = levelAt >= 0 || anyEscalated;
  if (!labelled) { for (const t of tickets) delete (t as { escalated?: boolean }).escalated; }
  const name = (i: number) => (i >= 0 ? header[i] : undefined);
  return {
    escalationFrom: levelAt >= 0
      ? `a rise of ${header[levelAt]}`
      : anyEscalated
      ? `an escalated ${name(statusAt)}`
      : undefined,
    tickets,
    header,
    rows: rows.length,
    skipped,
    columns: {
      id: header[idAt]!,
      opened: name(openedAt),
      resolved: name(resolvedAt),
      status: name(statusAt),
      changedAt: name(changedAt),
      features: featureColumns.map((c) => header[c]!),
      text: textColumns.map((c) => header[c]!),
    },
  };
}

/**
 * Whether a ticket's history shows an escalation: a status saying so, or a
 * support level above the one it started at (`L1` to `L2`, `1st` to `2nd`).
 */
function escalatedIn(history: readonly string[][], statusAt: number, levelAt: number): boolean {
  if (statusAt >= 0 && history.some((row) => /escalat/i.test(row[statusAt] ?? ""))) return true;
  if (levelAt < 0) return false;
  const rank = (row: string[]) => Number(/\d+/.exec(row[levelAt] ?? "")?.[0] ?? NaN);
  const start = rank(history[0]!);
  return Number.isFinite(start) && history.some((row) => rank(row) > start);
}

function cleanValue(value: string | undefined): string {
  const v = (value ?? "").trim();
  return MISSING.has(v.toLowerCase()) ? "" : v;
}

/**
 * Without named features: the recognised at-open fields, else every column
 * that is neither a time, an outcome, nor nearly unique per row.
 */
function defaultFeatures(
  normalized: readonly string[],
  rows: readonly string[][],
  special: ReadonlySet<number>,
): number[] {
  const recognised = FEATURE_NAMES.map((n) => normalized.indexOf(n)).filter((i) =>
    i >= 0 && !special.has(i)
  );
  if (recognised.length >= 2) return recognised;
  const sample = rows.slice(0, 2000);
  const chosen = [...recognised];
  normalized.forEach((name, c) => {
    if (special.has(c) || chosen.includes(c) || OUTCOME_LIKE.test(name)) return;
    const values = sample.map((r) => r[c] ?? "");
    const times = values.filter((v) => v !== "" && parseTimeValue(v) !== undefined).length;
    if (times > values.length / 2) return;
    const distinct = new Set(values).size;
    if (distinct < 2 || distinct > Math.max(50, values.length / 2)) return;
    chosen.push(c);
  });
  return chosen;
}

const SLASHED = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A time in an export: ISO 8601, epoch seconds or milliseconds, or a slashed
 * date, day first (`29/2/2016 01:16`) when `dayFirst`, month first otherwise.
 *
 * @example
 * ```ts
 * import { parseTicketTime } from "./history_csv.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseTicketTime("29/2/2016 01:16", true), Date.UTC(2016, 1, 29, 1, 16));
 * assert.equal(parseTicketTime("1456708560", false), Date.UTC(2016, 1, 29, 1, 16));
 * assert.equal(parseTicketTime("?", true), undefined);
 * ```
 */
export function parseTicketTime(value: string | undefined, dayFirst: boolean): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (MISSING.has(text.toLowerCase())) return undefined;
  const slashed = SLASHED.exec(text);
  if (slashed) {
    const [, a, b, year, hour, minute, second] = slashed;
    const day = Number(dayFirst ? a : b);
    const month = Number(dayFirst ? b : a);
    return utcTime(
      Number(year),
      month - 1,
      day,
      Number(hour ?? 0),
      Number(minute ?? 0),
      Number(second ?? 0),
      0,
    );
  }
  return parseTimeValue(text);
}
