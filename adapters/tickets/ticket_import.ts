/**
 * Ticket histories from outside, as Loupe imports them: the simulator's
 * `tickets.json` (with its conversations and resolutions) and CSV exports
 * (one row per ticket or per change). Every step keeps its own time.
 *
 * @module
 */
import { z } from "zod";
import type { TicketSeverity, TicketStatus } from "../../domain/tickets/mod.ts";
import { LoupeError } from "../../ports/errors.ts";
import { Pacer } from "../../ports/pacing.ts";
import type { ImportedStep, ImportedTicket } from "../../ports/ticket_import.ts";
import {
  columnIndex,
  type HistoryOptions,
  type ParsedHistory,
  parseTicketHistoryCsv,
  parseTicketHistoryCsvPaced,
} from "./history_csv.ts";

const isoTime = z.string().transform((value, ctx) => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not an ISO 8601 time` });
    return z.NEVER;
  }
  return ms;
});

const simulatorTicket = z.object({
  id: z.string().min(1).max(200),
  customer: z.string().min(1).max(200),
  environment: z.string().min(1).max(200),
  subject: z.string().min(1).max(2_000),
  description: z.string().min(1).max(100_000),
  severity: z.enum(["critical", "high", "medium", "low"]),
  reporter: z.string().min(1).max(500),
  opened_at: isoTime,
  window: z.object({ from: isoTime, to: isoTime }).nullable().optional(),
  status: z.enum(["new", "open", "pending", "escalated", "solved", "closed"]),
  assignee: z.string().nullable().optional(),
  escalated: z.boolean().optional(),
  communications: z.array(z.object({
    at: isoTime,
    author: z.string().min(1),
    visibility: z.enum(["public", "internal"]),
    body: z.string().min(1),
  })).default([]),
  resolution: z.object({
    root_cause: z.string().min(1),
    solution: z.string().min(1),
    prevention: z.string().nullable().optional(),
    resolver: z.string().min(1),
    resolved_at: isoTime,
  }).nullable().optional(),
});

/** The simulator's `tickets.json`, or a bare array of its tickets: the import's JSON body. */
export const simulatorFile = z.union([
  z.object({ tickets: z.array(simulatorTicket) }).transform((f) => f.tickets),
  z.array(simulatorTicket),
]);

/** Reads the simulator's `tickets.json` (or a bare array of its tickets). */
export function parseSimulatorTickets(body: unknown): ImportedTicket[] {
  const parsed = simulatorFile.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LoupeError(
      "validation_failed",
      `Cannot import tickets: ${issue.path.join(".")}: ${issue.message}`,
      {
        issues: parsed.error.issues.slice(0, 20).map((i) => ({
          path: i.path.join("."),
          message: i.message,
        })),
      },
    );
  }
  return parsed.data.map(simulatorHistory);
}

/**
 * {@linkcode parseSimulatorTickets} for a large file on the thread that also
 * answers requests: the tickets are checked one at a time, pacing between
 * them, so a 50,000-ticket file never holds /healthz up. Same result, same
 * refusals, each with the path of the ticket it is about.
 */
export async function parseSimulatorTicketsPaced(
  body: unknown,
  pacer: Pacer = new Pacer(),
): Promise<ImportedTicket[]> {
  const wrapped = body !== null && typeof body === "object" && !Array.isArray(body);
  const list = wrapped ? (body as { tickets?: unknown }).tickets : body;
  if (!Array.isArray(list)) {
    throw new LoupeError(
      "validation_failed",
      'Cannot import tickets: send an array of tickets or {"tickets": [...]}',
      { issues: [{ path: wrapped ? "tickets" : "", message: "expected an array" }] },
    );
  }
  const tickets: ImportedTicket[] = [];
  for (let index = 0; index < list.length; index++) {
    const parsed = simulatorTicket.safeParse(list[index]);
    if (!parsed.success) {
      const at = (path: readonly PropertyKey[]) =>
        [...(wrapped ? ["tickets"] : []), index, ...path].map(String).join(".");
      const issue = parsed.error.issues[0]!;
      throw new LoupeError(
        "validation_failed",
        `Cannot import tickets: ${at(issue.path)}: ${issue.message}`,
        {
          issues: parsed.error.issues.slice(0, 20).map((i) => ({
            path: at(i.path),
            message: i.message,
          })),
        },
      );
    }
    tickets.push(simulatorHistory(parsed.data));
    await pacer.pace();
  }
  return tickets;
}

type SimulatorTicket = z.infer<typeof simulatorTicket>;

function simulatorHistory(t: SimulatorTicket): ImportedTicket {
  const steps: ImportedStep[] = [];
  const supportAt: number[] = [];
  for (const [i, c] of t.communications.entries()) {
    // The first message is the description the ticket was opened with.
    if (i === 0 && c.at === t.opened_at && c.body === t.description) continue;
    steps.push({
      kind: "comment",
      at: c.at,
      author: c.author,
      body: c.body,
      visibility: c.visibility,
    });
    if (c.author !== t.reporter) supportAt.push(c.at);
  }
  const firstAnswer = supportAt[0];
  const responder = t.communications.find((c) => c.author !== t.reporter)?.author;
  if (firstAnswer !== undefined && responder !== undefined) {
    steps.push({ kind: "assign", at: firstAnswer, assignee: responder });
    steps.push({ kind: "status", at: firstAnswer, status: "open" });
  }
  if (t.escalated === true) {
    const at = t.communications.find((c) => /escalat/i.test(c.body))?.at ?? firstAnswer ??
      t.opened_at;
    steps.push({ kind: "status", at, status: "escalated" });
  }
  if (t.resolution) {
    const r = t.resolution;
    if (r.resolver !== responder) {
      steps.push({ kind: "assign", at: r.resolved_at, assignee: r.resolver });
    }
    steps.push({
      kind: "resolve",
      at: r.resolved_at,
      rootCause: r.root_cause,
      solution: r.solution,
      prevention: r.prevention && r.prevention.trim() !== "" ? r.prevention : null,
      resolver: r.resolver,
    });
    // The export says it was closed, not when: closed as of its last recorded moment.
    if (t.status === "closed") {
      const last = Math.max(r.resolved_at, ...t.communications.map((c) => c.at));
      steps.push({ kind: "status", at: last, status: "closed" });
    }
  } else if (t.status === "pending" || t.status === "new") {
    const last = t.communications.at(-1)?.at ?? t.opened_at;
    if (t.status === "pending") steps.push({ kind: "status", at: last, status: "pending" });
  }
  return {
    system: "simulator",
    externalId: t.id,
    customer: t.customer,
    environment: t.environment,
    subject: t.subject,
    description: t.description,
    severity: t.severity,
    reporter: t.reporter,
    openedAt: t.opened_at,
    window: t.window ?? null,
    steps,
  };
}

const CUSTOMER_COLUMNS = [
  "customer",
  "company",
  "account",
  "organization",
  "caller_id",
  "requester",
];
const ENVIRONMENT_COLUMNS = ["environment", "env", "cmdb_ci", "location"];
const SUBJECT_COLUMNS = ["subject", "summary", "title", "short_description"];
const SEVERITY_COLUMNS = ["severity", "priority", "impact", "sr_latest_impact"];

/** Ticket parts a CSV import can take from a column it names. */
export const TICKET_COLUMN_PARTS = [
  "customer",
  "environment",
  "subject",
  "description",
  "severity",
  "reporter",
] as const;
export type TicketColumnPart = (typeof TICKET_COLUMN_PARTS)[number];
/** Which column holds which part, by header name: the rest are recognised by their usual names. */
export type TicketColumnMapping = Partial<Record<TicketColumnPart, string>>;

const RECOGNISED: Readonly<Record<TicketColumnPart, readonly string[]>> = {
  customer: CUSTOMER_COLUMNS,
  environment: ENVIRONMENT_COLUMNS,
  subject: SUBJECT_COLUMNS,
  description: ["description", "details", "body"],
  severity: SEVERITY_COLUMNS,
  reporter: ["reporter", "requester", "caller_id", "opened_by", "reported_by"],
};

export interface CsvTicketOptions extends HistoryOptions {
  readonly mapping?: TicketColumnMapping;
}

/**
 * A CSV export as importable tickets: the event log's status changes become
 * status steps at their times, its first resolved row the resolution. A
 * column the mapping names must exist, or nothing is imported.
 */
export function parseCsvTickets(text: string, options: CsvTicketOptions = {}): ImportedTicket[] {
  return ticketsOfHistory(parseTicketHistoryCsv(text, options), options);
}

/** {@linkcode parseCsvTickets} for the running service: the export is read in slices, pacing between them. */
export async function parseCsvTicketsPaced(
  text: string | readonly string[],
  options: CsvTicketOptions,
  pacer: Pacer,
): Promise<ImportedTicket[]> {
  return ticketsOfHistory(await parseTicketHistoryCsvPaced(text, options, pacer), options);
}

function ticketsOfHistory(history: ParsedHistory, options: CsvTicketOptions): ImportedTicket[] {
  const at = mappedColumns(history.header, options.mapping ?? {});
  return history.tickets.map((t) => {
    const field = (part: TicketColumnPart) => {
      const c = at[part];
      const value = c === undefined ? "" : (t.firstRow[c] ?? "").trim();
      return value === "" ? undefined : value;
    };
    const steps: ImportedStep[] = [];
    let resolvedSeen = false;
    for (const change of t.changes) {
      const status = statusOf(change.status);
      if (status === undefined) continue;
      if (status === "solved") {
        if (resolvedSeen || t.resolvedAt === null) continue;
        resolvedSeen = true;
        steps.push(importedResolution(t.resolvedAt));
      } else steps.push({ kind: "status", at: change.at, status });
    }
    if (!resolvedSeen && t.resolvedAt !== null) steps.push(importedResolution(t.resolvedAt));
    const subject = field("subject") ?? (t.text.split("\n")[0] || `Ticket ${t.id}`);
    const customer = field("customer") ?? "unknown";
    return {
      system: "csv",
      externalId: t.id,
      customer,
      environment: field("environment") ?? "unknown",
      subject: subject.slice(0, 2_000),
      description: field("description") ?? (t.text || subject),
      severity: severityOf(field("severity")),
      reporter: field("reporter") ?? customer,
      openedAt: t.openedAt,
      window: null,
      steps,
    };
  });
}

/** Column index per part: the named column (which must exist), else the first recognised one. */
function mappedColumns(
  header: readonly string[],
  mapping: TicketColumnMapping,
): Partial<Record<TicketColumnPart, number>> {
  const unknownPart = Object.keys(mapping).find((k) =>
    !(TICKET_COLUMN_PARTS as readonly string[]).includes(k)
  );
  if (unknownPart !== undefined) {
    throw new LoupeError(
      "validation_failed",
      `Cannot import tickets: "${unknownPart}" is not a ticket part a column can map to (${
        TICKET_COLUMN_PARTS.join(", ")
      })`,
      { part: unknownPart, parts: [...TICKET_COLUMN_PARTS] },
    );
  }
  const normalized = header.map((h) =>
    h.replace(/^\uFEFF/, "").trim().toLowerCase().replace(/[^a-z0-9]+/g, "_")
  );
  const out: Partial<Record<TicketColumnPart, number>> = {};
  for (const part of TICKET_COLUMN_PARTS) {
    const named = mapping[part];
    if (named !== undefined) {
      const c = columnIndex(header, named);
      if (c < 0) {
        throw new LoupeError(
          "validation_failed",
          `Cannot import tickets: no column named "${named}" for the ${part}; the header has ${
            header.map((h) => `"${h}"`).join(", ")
          }`,
          { part, column: named, header: [...header] },
        );
      }
      out[part] = c;
      continue;
    }
    const c = RECOGNISED[part].map((n) => normalized.indexOf(n)).find((i) => i >= 0);
    if (c !== undefined) out[part] = c;
  }
  return out;
}

function importedResolution(at: number): ImportedStep {
  return {
    kind: "resolve",
    at,
    rootCause: "Not recorded in the export",
    solution: "Not recorded in the export",
    prevention: null,
    resolver: "imported",
  };
}

function statusOf(text: string): TicketStatus | undefined {
  const s = text.trim().toLowerCase();
  if (/^(resolved|solved|completed|done)/.test(s)) return "solved";
  if (/^closed/.test(s)) return "closed";
  if (/escalat/.test(s)) return "escalated";
  if (/pending|await|wait|hold|queued/.test(s)) return "pending";
  if (/^(open|re-?open|active|accepted|in progress|assigned|work)/.test(s)) return "open";
  return undefined;
}

function severityOf(text: string | undefined): TicketSeverity {
  const s = (text ?? "").toLowerCase();
  if (/^1\b|critical|urgent|major|highest/.test(s)) return "critical";
  if (/^2\b|high/.test(s)) return "high";
  if (/^4\b|^5\b|low|minor|lowest/.test(s)) return "low";
  return "medium";
}
