/**
 * Ticket analytics over HTTP: predictions, resolution patterns, staffing,
 * escalations, and importing ticket history with its real times.
 */
import { Pacer } from "../../ports/pacing.ts";
import { Hono } from "hono";
import { z } from "zod";
import {
  type AnalyticsApi,
  type PredictionUpdate,
  RESOLUTION_GROUPINGS,
  type TicketPrediction,
} from "../../ports/analytics.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { ImportedTicket } from "../../ports/ticket_import.ts";
import {
  parseCsvTicketsPaced,
  parseSimulatorTicketsPaced,
  simulatorFile,
} from "../tickets/ticket_import.ts";
import { isoTimeOrNull as iso } from "../iso_time.ts";
import { parseJsonTextPaced } from "../json_text.ts";
import { timeParam } from "../params.ts";
import type { RouteDoc } from "./openapi.ts";
import { actorOf, limitParam, readTextPartsPaced } from "./request.ts";
import { DAY_MS } from "../../domain/time.ts";

export interface AnalyticsRouteDeps {
  readonly maxBodyBytes: number;
}

const resolutionQuery = z.object({ by: z.enum(RESOLUTION_GROUPINGS).default("issue") }).strict();

const predictionQuery = z.object({
  at: timeParam.optional().describe("the moment to predict from (default now)"),
}).strict();

const staffingQuery = z.object({
  from: timeParam.optional(),
  to: timeParam.optional(),
  agent_hours_per_ticket: z.coerce.number().positive().max(100).optional().describe(
    "default: measured from the agents' activity on recent resolved tickets",
  ),
  first_reply_target_hours: z.coerce.number().positive().max(720).default(1),
  target_share: z.coerce.number().gt(0).lt(1).default(0.9),
}).strict();

const escalationQuery = z.object({
  limit: limitParam(1000, 50),
}).strict();

const csvImportQuery = z.object({
  id: z.string().min(1).optional(),
  opened: z.string().min(1).optional(),
  resolved: z.string().min(1).optional(),
  status: z.string().min(1).optional(),
  resolved_status: z.string().min(1).optional(),
  features: z.string().min(1).optional(),
  text: z.string().min(1).optional(),
  day_first: z.enum(["true", "false"]).optional(),
  customer: z.string().min(1).optional().describe("the column holding the customer"),
  environment: z.string().min(1).optional().describe("the column holding the environment"),
  subject: z.string().min(1).optional(),
  description: z.string().min(1).optional(),
  severity: z.string().min(1).optional(),
  reporter: z.string().min(1).optional(),
  mapping: z.string().min(1).optional().describe(
    'the same as a JSON object, e.g. {"customer":"company","environment":"site"}',
  ),
}).strict();

const columnMapping = z.record(z.string(), z.string().min(1));

/** The parts named one by one and in `mapping`; a part named both ways must agree. */
function mappingOf(q: z.infer<typeof csvImportQuery>): Record<string, string> {
  let fromObject: Record<string, string> = {};
  if (q.mapping !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(q.mapping);
    } catch (error) {
      throw new LoupeError(
        "validation_failed",
        `Cannot import tickets: mapping is not JSON: ${(error as Error).message}`,
        { parameter: "mapping" },
      );
    }
    const checked = columnMapping.safeParse(parsed);
    if (!checked.success) {
      throw new LoupeError(
        "validation_failed",
        "Cannot import tickets: mapping must be an object of ticket part to column name",
        { parameter: "mapping" },
      );
    }
    fromObject = checked.data;
  }
  const single: Record<string, string | undefined> = {
    customer: q.customer,
    environment: q.environment,
    subject: q.subject,
    description: q.description,
    severity: q.severity,
    reporter: q.reporter,
  };
  const out = { ...fromObject };
  for (const [part, column] of Object.entries(single)) {
    if (column === undefined) continue;
    if (out[part] !== undefined && out[part] !== column) {
      throw new LoupeError(
        "validation_failed",
        `Cannot import tickets: the ${part} is mapped to "${out[part]}" and to "${column}"`,
        { part },
      );
    }
    out[part] = column;
  }
  return out;
}

/** A prediction as the API shows it: hours and the times they mean. */
export function predictionJson(p: TicketPrediction): Record<string, unknown> {
  return {
    ticket_id: p.ticketId,
    as_of: iso(p.asOf),
    median_hours: round(p.medianHours),
    interval_80: interval(p),
    at_open: { median_hours: round(p.atOpen.medianHours), interval_80: interval(p.atOpen) },
    expected_by: iso(p.expectedBy),
    range: { from: iso(p.range.from), to: iso(p.range.to) },
    elapsed_hours: round(p.elapsedHours),
    complexity: p.complexity,
    factors: p.factors.map((f) => ({
      factor: f.feature,
      value: f.value,
      effect_hours: f.effectHours,
    })),
    complexity_factors: p.complexityFactors,
    engineering_probability: p.engineeringProbability,
    engineering: {
      probability: p.engineering.probability,
      method: p.engineering.method,
      factors: p.engineering.factors.map((f) => ({ input: f.input, log_odds: f.logOdds })),
    },
    agent_hours: p.agentHours === null
      ? null
      : { hours: p.agentHours.hours, basis: p.agentHours.basis },
    range_group: p.rangeGroup,
    model: { trained_on: p.model.trainedOn, calibrated_on: p.model.calibratedOn },
  };
}

function updateJson(u: PredictionUpdate): Record<string, unknown> {
  return {
    at: iso(u.at),
    event: u.event,
    change: u.change,
    median_hours: round(u.medianHours),
    interval_80: interval(u),
    engineering_probability: u.engineeringProbability,
  };
}

const intervalSchema = z.object({
  low_hours: z.number(),
  high_hours: z.number().nullable().describe(
    "null: no end can be promised, since the tickets it was calibrated on (those whose issue's " +
      "earlier tickets mostly wait, or all) too often never resolved; the range is at least low_hours",
  ),
});

function round(hours: number): number {
  return Math.round(hours * 100) / 100;
}

/** An 80% range; with no high end (no end can be promised), `high_hours` is null. */
function interval(p: { lowHours: number; highHours: number }): Record<string, number | null> {
  return {
    low_hours: round(p.lowHours),
    high_hours: Number.isFinite(p.highHours) ? round(p.highHours) : null,
  };
}

export function analyticsRoutes(api: AnalyticsApi, deps: AnalyticsRouteDeps): Hono {
  const http = new Hono();

  http.get("/v1/tickets/:id/prediction", async (c) => {
    const query = predictionQuery.parse(c.req.query());
    const history = await api.predictionHistory(c.req.param("id"), query.at);
    return c.json({
      ...predictionJson(history.prediction),
      updates: history.updates.map(updateJson),
    });
  });

  http.get("/v1/analytics/resolution", (c) => {
    const query = resolutionQuery.parse(c.req.query());
    const patterns = api.resolution(query.by);
    return c.json({
      by: patterns.by,
      groups: patterns.groups.map((g) => ({
        key: g.key,
        tickets: g.tickets,
        resolved: g.resolved,
        median_hours: g.medianHours,
        p80_hours: g.p80Hours,
        trend: {
          last_30d_median_hours: g.last30dMedianHours,
          previous_30d_median_hours: g.previous30dMedianHours,
        },
        reopen_rate: g.reopenRate,
        escalation_rate: g.escalationRate,
        agent_hours: g.agentHours,
        agent_hours_measured: g.agentHoursMeasured,
      })),
    });
  });

  http.get("/v1/analytics/staffing", (c) => {
    const query = staffingQuery.parse(c.req.query());
    const from = query.from ?? Math.ceil(Date.now() / DAY_MS) * DAY_MS;
    const to = query.to ?? from + 7 * DAY_MS;
    const forecast = api.staffing(from, to, {
      agentHoursPerTicket: query.agent_hours_per_ticket,
      firstReplyTargetHours: query.first_reply_target_hours,
      targetShare: query.target_share,
    });
    return c.json({
      as_of: iso(forecast.asOf),
      from: iso(from),
      to: iso(to),
      shifts: forecast.shifts.map((s) => ({
        day: iso(s.day)?.slice(0, 10),
        shift: s.shift,
        from: iso(s.from),
        to: iso(s.to),
        expected_tickets: s.expectedTickets,
        from_history: s.fromHistory,
        from_emerging_issues: s.fromEmergingIssues,
        weeks_of_history: s.weeksOfHistory,
        workload_agent_hours: s.workloadAgentHours,
        agents_needed: s.agentsNeeded,
        service_level: s.serviceLevel,
      })),
      emerging_issues: forecast.emergingIssues.map((e) => ({
        issue: e.issue,
        customers_hit: e.customersHit,
        customers_filed: e.customersFiled,
        customers_pending: e.customersPending,
        expected_tickets: e.expectedTickets,
      })),
      assumptions: {
        model: "Erlang C (M/M/c): Poisson arrivals, exponential handling, no abandonment",
        agent_hours_per_ticket: forecast.assumptions.agentHoursPerTicket,
        agent_hours: {
          source: forecast.agentHours.source,
          tickets_measured: forecast.agentHours.tickets,
          basis: forecast.agentHours.basis,
        },
        first_reply_target_hours: forecast.assumptions.firstReplyTargetHours,
        target_share: forecast.assumptions.targetShare,
        seasonality: "the same weekday and shift over up to 8 recent weeks",
        emerging_issues:
          "customers an issue with tickets hit in the last 3 days (its signatures' logs) who have not filed yet × the share of customers hit 3-28 days before who filed, spread over the next 3 days",
      },
    });
  });

  http.get("/v1/analytics/escalations", (c) => {
    const query = escalationQuery.parse(c.req.query());
    return c.json({
      items: api.escalations(query.limit).map((e) => ({
        ticket_id: e.ticketId,
        customer: e.customer,
        severity: e.severity,
        status: e.status,
        issue: e.issue,
        breach_probability: e.breachProbability,
        engineering_probability: e.engineeringProbability,
        score: e.score,
        reasons: e.reasons,
        suggested_action: e.action,
      })),
    });
  });

  // The simulator's tickets.json as application/json, or a ticketing tool's CSV export.
  http.post("/v1/tickets/import", async (c) => {
    const mediaType = (c.req.header("content-type") ?? "application/json").split(";")[0]!.trim()
      .toLowerCase();
    if (mediaType !== "application/json" && mediaType !== "text/csv") {
      throw new LoupeError(
        "unsupported_media_type",
        `Cannot import tickets sent as ${mediaType}: send application/json or text/csv`,
      );
    }
    // Exports run to tens of MB: decoded and parsed in slices, so reads go on meanwhile.
    const pacer = new Pacer();
    const parts = await readTextPartsPaced(c.req.raw, deps.maxBodyBytes, pacer);
    let tickets: ImportedTicket[];
    if (mediaType === "application/json") {
      tickets = await parseSimulatorTicketsPaced(await parseJsonTextPaced(parts, pacer), pacer);
    } else {
      const q = csvImportQuery.parse(c.req.query());
      const list = (v: string | undefined) => v?.split(",").map((s) => s.trim()).filter(Boolean);
      tickets = await parseCsvTicketsPaced(parts, {
        columns: {
          id: q.id,
          opened: q.opened,
          resolved: q.resolved,
          status: q.status,
          features: list(q.features),
          text: list(q.text),
        },
        resolvedStatuses: list(q.resolved_status),
        dayFirst: q.day_first === "true",
        mapping: mappingOf(q),
      }, pacer);
    }
    const receipt = await api.importTickets(tickets, actorOf(c) ?? null);
    return c.json({
      received: tickets.length,
      imported: receipt.imported,
      already_imported: receipt.alreadyImported,
      skipped_steps: receipt.skippedSteps,
      ticket_ids: receipt.ticketIds,
    });
  });

  return http;
}

const isoOrNull = z.string().nullable().describe("ISO 8601, UTC");
const hoursOrNull = z.number().nullable().describe(
  "hours, tickets still open counted as censored (Kaplan-Meier); null while too few have resolved to tell",
);

/** What `/openapi.json` says about the routes above. */
export const analyticsRouteDocs: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/v1/tickets/:id/prediction",
    summary: "When the ticket will probably be resolved: median, 80% interval and why",
    description: "From the ticket's state at `at` (default now): its fields, links and the " +
      "reporter's comments by then, given the time it has already been open; `updates` lists " +
      "every change up to then with the prediction right after it. 503 while the history has " +
      "too few resolved tickets to train on.",
    tag: "analytics",
    query: predictionQuery,
    responses: {
      200: {
        description: "The prediction",
        schema: z.object({
          ticket_id: z.string(),
          as_of: isoOrNull,
          median_hours: z.number().describe("given it is still open at as_of"),
          interval_80: intervalSchema,
          at_open: z.object({
            median_hours: z.number(),
            interval_80: intervalSchema,
          }),
          expected_by: isoOrNull,
          range: z.object({ from: isoOrNull, to: isoOrNull }),
          elapsed_hours: z.number(),
          complexity: z.number().describe("0-100: share of past tickets that took less"),
          factors: z.array(z.object({
            factor: z.string(),
            value: z.string(),
            effect_hours: z.number(),
          })),
          complexity_factors: z.array(z.object({ factor: z.string(), value: z.string() })),
          engineering_probability: z.number(),
          engineering: z.object({
            probability: z.number(),
            method: z.enum(["model", "share", "escalated"]).describe(
              "model: calibrated logistic regression; share: the issue's escalated share " +
                "(too little history); escalated: it already was",
            ),
            factors: z.array(z.object({ input: z.string(), log_odds: z.number() })),
          }),
          agent_hours: z.object({ hours: z.number(), basis: z.string() }).nullable(),
          range_group: z.string().describe(
            "what the range is calibrated on, as known at as_of: no issue; issue; issue, " +
              "earlier tickets waiting; issue, fix rolling out (a release stopped the issue's " +
              "errors elsewhere, this environment is not on it yet); issue, fix here",
          ),
          model: z.object({ trained_on: z.number().int(), calibrated_on: z.number().int() }),
          updates: z.array(z.object({
            at: isoOrNull,
            event: z.string(),
            change: z.string(),
            median_hours: z.number(),
            interval_80: intervalSchema,
            engineering_probability: z.number(),
          })).optional().describe("on GET /v1/tickets/:id/prediction only"),
        }).meta({ id: "TicketPrediction" }),
      },
    },
    errors: [401, 403, 404, 503],
  },
  {
    method: "get",
    path: "/v1/analytics/resolution",
    summary: "Resolution times per issue, severity, tier, customer, assignee or environment",
    tag: "analytics",
    query: resolutionQuery,
    responses: {
      200: {
        description: "One group per value",
        schema: z.object({
          by: z.enum(RESOLUTION_GROUPINGS),
          groups: z.array(z.object({
            key: z.string(),
            tickets: z.number().int(),
            resolved: z.number().int(),
            median_hours: hoursOrNull,
            p80_hours: hoursOrNull,
            trend: z.object({
              last_30d_median_hours: hoursOrNull,
              previous_30d_median_hours: hoursOrNull,
            }),
            reopen_rate: z.number(),
            escalation_rate: z.number(),
            agent_hours: z.number().nullable().describe(
              "mean agent hours measured from agents' comment sessions on its resolved tickets",
            ),
            agent_hours_measured: z.number().int().describe("tickets those hours were measured on"),
          })),
        }),
      },
    },
    errors: [400, 401, 403],
  },
  {
    method: "get",
    path: "/v1/analytics/staffing",
    summary: "Agents needed per shift (Erlang C), from weekly patterns and emerging issues",
    description: "From tomorrow (UTC) for 7 days by default; at most 92 days.",
    tag: "analytics",
    query: staffingQuery,
    responses: {
      200: {
        description: "The forecast per shift and the assumptions behind it",
        schema: z.object({
          as_of: isoOrNull,
          from: isoOrNull,
          to: isoOrNull,
          shifts: z.array(z.object({
            day: z.string().optional().describe("YYYY-MM-DD"),
            shift: z.enum(["night", "day", "evening"]),
            from: isoOrNull,
            to: isoOrNull,
            expected_tickets: z.number(),
            from_history: z.number(),
            from_emerging_issues: z.number(),
            weeks_of_history: z.number().int(),
            workload_agent_hours: z.number(),
            agents_needed: z.number().int(),
            service_level: z.number(),
          })),
          emerging_issues: z.array(z.object({
            issue: z.string(),
            customers_hit: z.number().int(),
            customers_filed: z.number().int(),
            customers_pending: z.number().int(),
            expected_tickets: z.number(),
          })),
          assumptions: z.object({
            model: z.string(),
            agent_hours_per_ticket: z.number(),
            agent_hours: z.object({
              source: z.enum(["measured", "assumed", "given"]),
              tickets_measured: z.number().int(),
              basis: z.string(),
            }),
            first_reply_target_hours: z.number(),
            target_share: z.number(),
            seasonality: z.string(),
            emerging_issues: z.string(),
          }),
        }),
      },
    },
    errors: [400, 401, 403],
  },
  {
    method: "get",
    path: "/v1/analytics/escalations",
    summary: "Open tickets most likely to breach their SLA or need engineering, with reasons",
    tag: "analytics",
    query: escalationQuery,
    responses: {
      200: {
        description: "Riskiest first",
        schema: z.object({
          items: z.array(z.object({
            ticket_id: z.string(),
            customer: z.string(),
            severity: z.string(),
            status: z.string(),
            issue: z.string().nullable(),
            breach_probability: z.number(),
            engineering_probability: z.number(),
            score: z.number(),
            reasons: z.array(z.string()),
            suggested_action: z.string(),
          })),
        }),
      },
    },
    errors: [400, 401, 403],
  },
  {
    method: "post",
    path: "/v1/tickets/import",
    summary: "Import ticket history with its real times: the simulator's JSON or a CSV export",
    description: "The query parameters name CSV columns and apply to text/csv bodies only " +
      "(`features`, `text` and `resolved_status` are comma-separated lists; `customer`, " +
      "`environment`, `subject`, `description`, `severity` and `reporter`, or `mapping` as one " +
      "JSON object, say which column holds that part, and a column not in the header is a 400). " +
      "Header " +
      "X-Loupe-User names who imported. Tickets imported before are counted, not duplicated.",
    tag: "analytics",
    query: csvImportQuery,
    body: {
      "application/json": simulatorFile,
      "text/csv": "a ticketing tool's export: one row per ticket or per change, with a header",
    },
    responses: {
      200: {
        description: "What was imported",
        schema: z.object({
          received: z.number().int(),
          imported: z.number().int(),
          already_imported: z.number().int(),
          skipped_steps: z.number().int().describe("changes the ticket rules refused"),
          ticket_ids: z.array(z.string()),
        }),
      },
    },
    errors: [400, 401, 403, 413, 415],
  },
];
