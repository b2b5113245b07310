/**
 * Ticket analytics over the tickets projection: a calibrated time-to-resolve
 * prediction per ticket with its factors, resolution patterns, a staffing
 * forecast with Erlang C, and the open tickets most likely to breach. The
 * model is retrained when the tickets projection moves, not per request.
 */
import {
  type OpenContext,
  openContexts,
  type TicketRecord,
} from "../../domain/analytics/features.ts";
import {
  complexityScore,
  DEFAULT_MODEL_OPTIONS,
  explainTicket,
  intervalGroup,
  type Prediction,
  predictTicket,
  quantileOf,
  type ResolutionModel,
  trainResolutionModel,
} from "../../domain/analytics/model.ts";
import {
  type CustomerHitFact,
  emergingInWindow,
  emergingIssues,
  forecastShifts,
  type ShiftForecast,
} from "../../domain/analytics/staffing.ts";
import {
  type EngineeringModel,
  engineeringProbability,
  trainEngineeringModel,
} from "../../domain/analytics/engineering.ts";
import {
  type AgentHoursEstimate,
  agentHoursPerTicket,
  handleHours,
  MIN_MEASURED_TICKETS,
} from "../../domain/analytics/handle_time.ts";
import { predictStillOpen } from "../../domain/analytics/conditional.ts";
import { ticketSteps } from "../../domain/analytics/ticket_changes.ts";
import { agentsNeeded, serviceLevel } from "../../domain/analytics/erlang.ts";
import {
  ENGINEERING_FIELDS,
  ENGINEERING_NUMBERS,
  firstResolvedAt,
  issueOf,
  resolutionTimes,
  resolvedQuantile,
  TICKET_FIELDS,
  TICKET_NUMBERS,
  ticketRecorder,
  ticketRecords,
} from "../../domain/analytics/ticket_features.ts";
import {
  isOpenStatus,
  type Ticket,
  type TicketEvent,
  ticketStream,
} from "../../domain/tickets/mod.ts";
import type { Clock } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import type { Attribution } from "../customers/attribution.ts";
import {
  type AgentHoursNeed,
  type AnalyticsApi,
  type EmergingIssue,
  type EngineeringNeed,
  type EscalationCandidate,
  type PredictionHistory,
  RESOLUTION_SLA_HOURS,
  type ResolutionGrouping,
  type ResolutionPatterns,
  type StaffingAssumptions,
  type StaffingForecast,
  type TicketPrediction,
} from "../../ports/analytics.ts";
import { decodedData, type EventStore } from "../../ports/event_store.ts";
import type { TicketRecord as ModelRecord } from "../../domain/analytics/features.ts";
import { type OriginTally, TABLES as SIGNATURE_TABLES } from "../projections/signatures.ts";
import type { Redactor } from "../../domain/redaction/mod.ts";
import type { ImportedTicket, TicketImportReceipt } from "../../ports/ticket_import.ts";
import { importTickets } from "./ticket_import.ts";
import { TICKET_TABLES } from "../projections/tickets.ts";
import { type IssueIndex, issueIndex, issueIndexVersion } from "../projections/issue_groups.ts";
import { DAY_MS, HOUR_MS } from "../../domain/time.ts";
import { type FixState, fixStateAt, type OriginLog } from "../../domain/analytics/fix_state.ts";
import { ENVIRONMENT_TABLES, type EnvTally } from "../projections/environment_logs.ts";

/** Fewer resolved tickets than this, and no model is trained: an interval would be a guess. */
export const MIN_HISTORY = 40;
const MIN_CALIBRATION = 20;
/** Agent hours per ticket when history shows too little agent activity to measure them. */
export const ASSUMED_AGENT_HOURS = 1.5;

interface Fitted {
  readonly at: number;
  readonly tickets: readonly Ticket[];
  readonly records: readonly TicketRecord[];
  readonly contexts: readonly OpenContext[];
  readonly index: ReadonlyMap<string, number>;
  readonly model: ResolutionModel | null;
  readonly trainedOn: number;
  readonly escalationShare: ReadonlyMap<string, number>;
  /** A ticket's record in any state, against this history (its text with the reporter's comments). */
  readonly recordOf: (ticket: Ticket) => ModelRecord;
  /** Its issue's fix state in the logs at a moment. */
  readonly fixStateOf: (issue: string, ticket: Ticket, at: number) => FixState | undefined;
  readonly engineering: EngineeringModel | null;
  /** Agent hours of resolved tickets, measured from their agents' activity, per issue and all. */
  readonly handle: { readonly byIssue: ReadonlyMap<string, number[]>; readonly all: number[] };
}

export class AnalyticsService implements AnalyticsApi {
  readonly #projections: ProjectionStore;
  readonly #attribution: Attribution;
  readonly #clock: Clock;
  #fitted: Fitted | undefined;
  #issues: { readonly version: string; readonly index: IssueIndex } | undefined;

  readonly #store: EventStore;
  readonly #settled: () => Promise<void>;
  readonly #redactor: Redactor | undefined;

  /** Drops what it keeps between queries: the views were rebuilt (data erased). */
  forgetCaches(): void {
    this.#fitted = undefined;
    this.#issues = undefined;
  }

  constructor(deps: {
    store: EventStore;
    projections: ProjectionStore;
    attribution: Attribution;
    clock: Clock;
    settled: () => Promise<void>;
    /** When given, imported tickets' texts are redacted before they are stored. */
    redactor?: Redactor;
  }) {
    this.#store = deps.store;
    this.#projections = deps.projections;
    this.#attribution = deps.attribution;
    this.#clock = deps.clock;
    this.#settled = deps.settled;
    this.#redactor = deps.redactor;
  }

  /** Imports tickets with their real times; a ticket imported before is kept once. */
  importTickets(
    tickets: readonly ImportedTicket[],
    by: string | null,
  ): Promise<TicketImportReceipt> {
    return importTickets(this.#store, tickets, this.#settled, by, this.#redactor);
  }

  /** The issue behind a ticket, from the issue layer's grouping of its first linked signature. */
  #issueOf(ticket: Ticket): string | null {
    return issueOf(ticket, (signatureId) => this.#issueOfSignature(signatureId));
  }

  #issueOfSignature(signatureId: string): string {
    return this.#issueIndex().issueOf.get(signatureId) ?? signatureId;
  }

  /**
   * The fix state of a ticket's issue at a moment, from the logs: each
   * origin's versions and the issue's lines there per version (see
   * `fixStateAt`). Read once per issue and origin per refit; every answer is
   * as of the moment asked, so history read now tells nothing dated later.
   */
  #fixStates(): (issue: string, ticket: Ticket, at: number) => FixState | undefined {
    const members = this.#issueIndex().members;
    const versionsOf = new Map<string, OriginLog["versions"]>();
    const originVersions = (key: readonly string[]) => {
      const id = key.join("\u0000");
      let versions = versionsOf.get(id);
      if (versions === undefined) {
        versions = [...this.#projections.range<EnvTally>(ENVIRONMENT_TABLES.versions, {
          prefix: [...key],
        })].flatMap(({ key: k, value }) => {
          const version = String(k[3]);
          return version === "" ? [] : [{ version, firstSeen: value.firstSeen }];
        });
        versionsOf.set(id, versions);
      }
      return versions;
    };
    const originsOf = new Map<string, OriginLog[]>();
    const issueOrigins = (issue: string) => {
      let origins = originsOf.get(issue);
      if (origins !== undefined) return origins;
      const lines = new Map<string, Map<string, { firstSeen: number; lastSeen: number }>>();
      const keys = new Map<string, readonly string[]>();
      for (const signatureId of members.get(issue) ?? [issue]) {
        for (
          const { key, value } of this.#projections.range<OriginTally>(SIGNATURE_TABLES.byOrigin, {
            prefix: [signatureId],
          })
        ) {
          const origin = key.slice(1).map(String);
          const id = origin.join("\u0000");
          keys.set(id, origin);
          const byVersion = lines.get(id) ?? new Map();
          lines.set(id, byVersion);
          for (const [version, _count, firstSeen, lastSeen] of value.versions) {
            if (version === "") continue;
            const seen = byVersion.get(version);
            byVersion.set(version, {
              firstSeen: Math.min(seen?.firstSeen ?? Infinity, firstSeen),
              lastSeen: Math.max(seen?.lastSeen ?? -Infinity, lastSeen),
            });
          }
        }
      }
      origins = [...lines].map(([id, byVersion]) => ({
        versions: originVersions(keys.get(id)!),
        lines: [...byVersion].map(([version, l]) => ({ version, ...l })),
      }));
      originsOf.set(issue, origins);
      return origins;
    };
    return (issue, ticket, at) => {
      const origins = issueOrigins(issue);
      if (origins.length === 0) return undefined;
      const own = this.#attribution.originsOf(ticket.customer, ticket.environment)[0];
      const environment = own === undefined
        ? undefined
        : originVersions([own.owner, own.tenant, own.environment]);
      return fixStateAt(origins, environment, at);
    };
  }

  #issueIndex(): IssueIndex {
    const version = issueIndexVersion(this.#projections);
    if (this.#issues?.version !== version) {
      this.#issues = { version, index: issueIndex(this.#projections) };
    }
    return this.#issues.index;
  }

  /** The tickets and the model as of the tickets projection's checkpoint. */
  #current(): Fitted {
    const at = this.#projections.checkpoint("tickets");
    if (this.#fitted?.at === at) return this.#fitted;
    const tickets = [...this.#projections.range<Ticket>(TICKET_TABLES.tickets)]
      .map((e) => e.value)
      .sort((a, b) => a.openedAt - b.openedAt || (a.ticketId < b.ticketId ? -1 : 1));
    const directory = this.#attribution.directory();
    const tierOf = (c: string) => directory.customer(c)?.tier ?? "unknown";
    const issueOfSignature = (signatureId: string) => this.#issueOfSignature(signatureId);
    const fixStateOf = this.#fixStates();
    const records = ticketRecords(tickets, tierOf, issueOfSignature, fixStateOf);
    const recordOf = ticketRecorder(tickets, tierOf, issueOfSignature, fixStateOf);
    const contexts = openContexts(records);
    const resolved = records
      .map((r, i) => ({ r, c: contexts[i]! }))
      .filter(({ r }) => r.resolvedAt !== null && r.resolvedAt >= r.openedAt);
    // New comments, links and open tickets change features, not the training set: the model is
    // refitted only when another ticket has been resolved.
    const unchanged = this.#fitted?.trainedOn === resolved.length;
    let model: ResolutionModel | null = unchanged ? this.#fitted!.model : null;
    let engineering: EngineeringModel | null = unchanged ? this.#fitted!.engineering : null;
    if (!unchanged && resolved.length >= MIN_HISTORY) {
      engineering = fitEngineering(resolved);
    }
    if (model === null && resolved.length >= MIN_HISTORY) {
      // The backtest's 7:1 proportion of training to calibration, with enough calibration
      // tickets for each end's 90% conformal quantile to be finite.
      const cut = Math.min(Math.floor(resolved.length * 0.875), resolved.length - MIN_CALIBRATION);
      // The tickets still open now are calibrated on as censored (longer than they have been
      // open so far), those of the training period in its held-out newest slice: leaving them
      // out would calibrate on the quick ones only, and the interval's high end would fall short.
      const from = resolved[cut]!.r.openedAt;
      const open = records.map((r, i) => ({ r, c: contexts[i]! }))
        .filter(({ r }) => r.resolvedAt === null);
      const train = [...resolved.slice(0, cut), ...open.filter(({ r }) => r.openedAt < from)]
        .sort((a, b) => a.r.openedAt - b.r.openedAt);
      const calibration = [...resolved.slice(cut), ...open.filter(({ r }) => r.openedAt >= from)]
        .sort((a, b) => a.r.openedAt - b.r.openedAt);
      const asOf = records.reduce((m, r) => Math.max(m, r.openedAt), this.#clock.now());
      model = trainResolutionModel(
        {
          fields: [...TICKET_FIELDS],
          numbers: [...TICKET_NUMBERS],
          useText: true,
          serviceFields: ["tier"],
        },
        train.map((x) => x.r),
        train.map((x) => x.c),
        calibration.map((x) => x.r),
        calibration.map((x) => x.c),
        DEFAULT_MODEL_OPTIONS,
        asOf,
      );
    }
    const escalated = new Map<string, [number, number]>();
    for (const t of tickets) {
      const issue = this.#issueOf(t) ?? "";
      const [e, n] = escalated.get(issue) ?? [0, 0];
      escalated.set(issue, [e + (t.escalations > 0 ? 1 : 0), n + 1]);
    }
    const handleByIssue = new Map<string, number[]>();
    const handleAll: number[] = [];
    for (const t of tickets) {
      if (firstResolvedAt(t) === null) continue;
      const hours = handleHours(t, Infinity);
      if (hours === null) continue;
      handleAll.push(hours);
      const issue = this.#issueOf(t);
      if (issue === null) continue;
      const list = handleByIssue.get(issue);
      if (list) list.push(hours);
      else handleByIssue.set(issue, [hours]);
    }
    this.#fitted = {
      at,
      tickets,
      records,
      contexts,
      recordOf,
      fixStateOf,
      engineering,
      handle: { byIssue: handleByIssue, all: handleAll },
      index: new Map(tickets.map((t, i) => [t.ticketId, i])),
      model,
      trainedOn: resolved.length,
      escalationShare: new Map(
        [...escalated].map(([issue, [e, n]]) => [issue, (e + 1) / (n + 2)]),
      ),
    };
    return this.#fitted;
  }

  prediction(ticketId: string): TicketPrediction {
    const fitted = this.#current();
    const i = fitted.index.get(ticketId);
    if (i === undefined) throw new LoupeError("not_found", `Cannot find ticket ${ticketId}`);
    return this.#predict(fitted, i);
  }

  async predictionHistory(ticketId: string, at?: number): Promise<PredictionHistory> {
    const fitted = this.#current();
    const i = fitted.index.get(ticketId);
    if (i === undefined) throw new LoupeError("not_found", `Cannot find ticket ${ticketId}`);
    const when = at ?? this.#clock.now();
    const events = (await this.#store.readStream(ticketStream(ticketId))).map((e) =>
      ({ type: e.type, data: decodedData(e.data) }) as unknown as TicketEvent
    );
    const steps = ticketSteps(events, when);
    if (steps.length === 0) {
      throw new LoupeError(
        "not_found",
        `Cannot predict ticket ${ticketId} at ${new Date(when).toISOString()}: it was not open yet`,
      );
    }
    const updates = steps.map((step) => {
      const p = this.#predictState(fitted, i, step.state, step.event.data.at);
      return {
        at: step.event.data.at,
        event: step.event.type,
        change: step.change,
        medianHours: p.medianHours,
        lowHours: p.lowHours,
        highHours: p.highHours,
        engineeringProbability: p.engineeringProbability,
      };
    });
    return { prediction: this.#predictState(fitted, i, steps.at(-1)!.state, when), updates };
  }

  #predict(fitted: Fitted, i: number): TicketPrediction {
    return this.#predictState(fitted, i, fitted.tickets[i]!, this.#clock.now());
  }

  /**
   * The prediction for ticket `i` as it stood in `ticket` (its state at
   * `at`): its fields, links and the reporter's comments by then, and, while
   * it is open, the time it has already been open.
   */
  #predictState(fitted: Fitted, i: number, ticket: Ticket, at: number): TicketPrediction {
    const model = fitted.model;
    if (model === null) {
      throw new LoupeError(
        "unavailable",
        `Cannot predict yet: ${fitted.trainedOn} resolved tickets in history, at least ${MIN_HISTORY} are needed`,
        { resolved_tickets: fitted.trainedOn, needed: MIN_HISTORY },
      );
    }
    const issue = this.#issueOf(ticket);
    const asOpened = fitted.recordOf(ticket);
    // A fix seen since the ticket opened changes what it waits on: the state is read as of now.
    const fix = issue === null ? undefined : fitted.fixStateOf(issue, ticket, at);
    const record = fix === undefined ? asOpened : {
      ...asOpened,
      numbers: { ...asOpened.numbers, issue_fix_seen: fix.fixSeen, environment_on_fix: fix.onFix },
    };
    const context = fitted.contexts[i]!;
    const p = predictTicket(model, record, context);
    const resolvedAt = firstResolvedAt(ticket);
    const open = resolvedAt === null || resolvedAt > at;
    const elapsedHours = Math.max(0, ((open ? at : resolvedAt) - ticket.openedAt) / HOUR_MS);
    const shown = open ? predictStillOpen(model, record, context, elapsedHours) : p;
    const complexityFactors: { factor: string; value: string }[] = [
      { factor: "severity", value: ticket.severity },
      { factor: "tier", value: record.fields.tier ?? "unknown" },
      { factor: "issue", value: issue ?? "no linked issue" },
    ];
    const n = record.numbers ?? {};
    if (issue !== null) {
      complexityFactors.push(
        {
          factor: "issue_history",
          value: Number.isFinite(n.issue_earlier_median_h)
            ? `its ${n.issue_earlier_tickets} earlier tickets took ${
              n.issue_earlier_median_h!.toFixed(1)
            } h (median)`
            : "new: no earlier ticket resolved",
        },
        {
          factor: "customers_hit",
          value: `${this.#attribution.affectedCount(issue)} customers in the logs, ${
            n.issue_customers_before ?? 0
          } had filed before`,
        },
      );
    }
    complexityFactors.push({
      factor: "context",
      value: `${context.backlog} tickets open, opened ${
        weekday(ticket.openedAt)
      } ${context.hourOfDay}:00 UTC`,
    });
    const engineering = this.#engineering(fitted, ticket, record, i, issue);
    complexityFactors.push({
      factor: "needs_engineering",
      value: `${Math.round(engineering.probability * 100)}% (${engineering.method})`,
    });
    return {
      ...p,
      complexity: complexityScore(p.complexity, engineering.probability),
      medianHours: shown.medianHours,
      lowHours: shown.lowHours,
      highHours: shown.highHours,
      atOpen: { medianHours: p.medianHours, lowHours: p.lowHours, highHours: p.highHours },
      asOf: at,
      ticketId: ticket.ticketId,
      openedAt: ticket.openedAt,
      elapsedHours,
      expectedBy: ticket.openedAt + Math.max(shown.medianHours, elapsedHours) * HOUR_MS,
      range: {
        from: ticket.openedAt + Math.max(shown.lowHours, elapsedHours) * HOUR_MS,
        to: ticket.openedAt + Math.max(shown.highHours, elapsedHours) * HOUR_MS,
      },
      factors: explainTicket(model, record, context),
      complexityFactors,
      engineeringProbability: engineering.probability,
      engineering,
      agentHours: agentHoursOf(fitted, issue),
      rangeGroup: intervalGroup(record),
      model: { trainedOn: fitted.trainedOn, calibratedOn: model.calibrationSize },
    };
  }

  #engineering(
    fitted: Fitted,
    ticket: Ticket,
    record: ModelRecord,
    i: number,
    issue: string | null,
  ): EngineeringNeed {
    if (ticket.escalations > 0) return { probability: 1, method: "escalated", factors: [] };
    if (fitted.engineering !== null) {
      const e = engineeringProbability(fitted.engineering, record, fitted.contexts[i]!);
      return { probability: round(e.probability, 3), method: "model", factors: e.factors };
    }
    return {
      probability: round(fitted.escalationShare.get(issue ?? "") ?? 0.5, 3),
      method: "share",
      factors: [],
    };
  }

  /**
   * Median, p80 and trend of the time to resolve per group, reopen and
   * escalation rates. Times count the tickets still open as censored
   * (Kaplan-Meier): over resolved tickets alone, the last 30 days' median is
   * that of the quick ones, the slow ones being still open (a scenario read
   * 17.5 h against 370 h for the 30 days before, all of it censoring).
   */
  resolution(by: ResolutionGrouping): ResolutionPatterns {
    const fitted = this.#current();
    const now = this.#clock.now();
    const groups = new Map<string, Ticket[]>();
    fitted.tickets.forEach((t, i) => {
      const key = groupKey(by, t, fitted.records[i]!);
      const list = groups.get(key);
      if (list) list.push(t);
      else groups.set(key, [t]);
    });
    const rows = [...groups].map(([key, tickets]) => {
      const resolved = tickets.filter((t) => firstResolvedAt(t) !== null);
      const hoursOf = (some: readonly Ticket[], q: number) => {
        const hours = resolvedQuantile(resolutionTimes(some, now), q);
        return Number.isFinite(hours) ? round(hours, 2) : null;
      };
      const recent = tickets.filter((t) => t.openedAt >= now - 30 * DAY_MS);
      const earlier = tickets.filter((t) =>
        t.openedAt < now - 30 * DAY_MS && t.openedAt >= now - 60 * DAY_MS
      );
      const handled = resolved.map((t) => handleHours(t, Infinity)).filter((h) => h !== null);
      return {
        key,
        tickets: tickets.length,
        resolved: resolved.length,
        agentHours: handled.length === 0
          ? null
          : round(handled.reduce((sum, h) => sum + h, 0) / handled.length, 2),
        agentHoursMeasured: handled.length,
        medianHours: hoursOf(tickets, 0.5),
        p80Hours: hoursOf(tickets, 0.8),
        last30dMedianHours: hoursOf(recent, 0.5),
        previous30dMedianHours: hoursOf(earlier, 0.5),
        reopenRate: round(
          resolved.filter((t) => t.resolutions.length > 1).length / Math.max(1, resolved.length),
          3,
        ),
        escalationRate: round(
          tickets.filter((t) => t.escalations > 0).length / tickets.length,
          3,
        ),
      };
    });
    rows.sort((a, b) => b.tickets - a.tickets || (a.key < b.key ? -1 : 1));
    return { by, groups: rows };
  }

  /**
   * Tickets per day and shift in [from, to): the weekly pattern of history,
   * plus what emerging issues will still bring, and the agents Erlang C says
   * each shift needs.
   */
  staffing(from: number, to: number, assumptions: StaffingAssumptions): StaffingForecast {
    if (to <= from || to - from > 92 * DAY_MS) {
      throw new LoupeError(
        "validation_failed",
        "Cannot forecast: `to` must be after `from` and at most 92 days later",
      );
    }
    const fitted = this.#current();
    const asOf = Math.max(this.#clock.now(), ...fitted.tickets.map((t) => t.openedAt));
    const agentHours: AgentHoursEstimate = assumptions.agentHoursPerTicket !== undefined
      ? {
        hoursPerTicket: assumptions.agentHoursPerTicket,
        source: "given",
        tickets: 0,
        basis: "given in the request (agent_hours_per_ticket)",
      }
      : agentHoursPerTicket(fitted.tickets, asOf, ASSUMED_AGENT_HOURS);
    const hoursPerTicket = agentHours.hoursPerTicket;
    const shifts = forecastShifts(fitted.tickets.map((t) => t.openedAt), asOf, from, to);
    const emerging = this.#emergingIssues(fitted, asOf);
    const emergingTotal = emerging.reduce((sum, e) => sum + e.expectedTickets, 0);
    const out = shifts.map((s: ShiftForecast) => {
      const expected = s.seasonal + emergingInWindow(emergingTotal, asOf, s.from, s.to);
      const hours = (s.to - s.from) / HOUR_MS;
      const arrivalsPerHour = expected / hours;
      const agents = expected === 0 ? 0 : agentsNeeded(
        arrivalsPerHour,
        hoursPerTicket,
        assumptions.firstReplyTargetHours,
        assumptions.targetShare,
      );
      return {
        day: s.day,
        shift: s.shift,
        from: s.from,
        to: s.to,
        expectedTickets: round(expected, 2),
        fromHistory: round(s.seasonal, 2),
        fromEmergingIssues: round(expected - s.seasonal, 2),
        weeksOfHistory: s.weeks,
        workloadAgentHours: round(expected * hoursPerTicket, 2),
        agentsNeeded: agents,
        serviceLevel: agents === 0 ? 1 : round(
          serviceLevel(
            agents,
            arrivalsPerHour,
            hoursPerTicket,
            assumptions.firstReplyTargetHours,
          ),
          3,
        ),
      };
    });
    return {
      asOf,
      shifts: out,
      emergingIssues: emerging,
      assumptions: { ...assumptions, agentHoursPerTicket: hoursPerTicket },
      agentHours,
    };
  }

  /**
   * Issues with tickets, and for each the customers its signatures' logs
   * show (first seen when) and when each first filed on it.
   */
  #emergingIssues(fitted: Fitted, asOf: number): EmergingIssue[] {
    const filedAt = new Map<string, Map<string, number>>();
    for (const t of fitted.tickets) {
      const issue = this.#issueOf(t);
      if (issue === null) continue;
      const byCustomer = filedAt.get(issue) ?? new Map<string, number>();
      byCustomer.set(t.customer, Math.min(byCustomer.get(t.customer) ?? Infinity, t.openedAt));
      filedAt.set(issue, byCustomer);
    }
    const members = this.#issueIndex().members;
    const directory = this.#attribution.directory();
    const hits: CustomerHitFact[] = [];
    for (const [issue, filers] of filedAt) {
      const firstSeen = new Map<string, number>();
      for (const signatureId of members.get(issue) ?? [issue]) {
        const origins = this.#projections.range<OriginTally>(SIGNATURE_TABLES.byOrigin, {
          prefix: [signatureId],
        });
        for (const { key, value } of origins) {
          const customer = directory.customerOf(String(key[1]), String(key[2]), String(key[3]));
          if (customer === null) continue;
          firstSeen.set(customer, Math.min(firstSeen.get(customer) ?? Infinity, value.firstSeen));
        }
      }
      for (const customer of new Set([...firstSeen.keys(), ...filers.keys()])) {
        const filed = filers.get(customer) ?? null;
        // A customer who filed noticed it by then, whatever the logs Loupe has show.
        hits.push({
          issue,
          customer,
          firstSeen: Math.min(firstSeen.get(customer) ?? Infinity, filed ?? Infinity),
          filedAt: filed,
        });
      }
    }
    return emergingIssues(hits, asOf).map((e) => ({
      ...e,
      expectedTickets: round(e.expectedTickets, 2),
    }));
  }

  /** Open tickets likely to breach their SLA or to need engineering, the likeliest first. */
  escalations(limit: number): EscalationCandidate[] {
    const fitted = this.#current();
    if (fitted.model === null) return [];
    const now = this.#clock.now();
    const fastest = this.#fastestGroups(fitted);
    const out: EscalationCandidate[] = [];
    fitted.tickets.forEach((t, i) => {
      if (!isOpenStatus(t.status)) return;
      const p = this.#predict(fitted, i);
      const sla = RESOLUTION_SLA_HOURS[t.severity] ?? 72;
      const elapsed = (now - t.openedAt) / HOUR_MS;
      // The prediction at open: breachProbability conditions on the time elapsed itself.
      const breach = breachProbability(p.atOpen, sla, elapsed);
      const engineering = p.engineeringProbability;
      const issue = this.#issueOf(t);
      const reasons: string[] = [];
      if (breach >= 0.5) {
        reasons.push(
          `likely to miss its ${sla} h ${t.severity} target: median ${
            p.medianHours.toFixed(1)
          } h, 80% range ${
            Number.isFinite(p.highHours)
              ? `${p.lowHours.toFixed(1)}-${p.highHours.toFixed(1)} h`
              : `at least ${p.lowHours.toFixed(1)} h, no end in sight`
          }, ${elapsed.toFixed(1)} h elapsed`,
        );
      }
      if (engineering >= 0.5 && p.engineering.method !== "escalated") {
        reasons.push(
          p.engineering.method === "model"
            ? `${Math.round(engineering * 100)}% likely to need engineering (${
              p.engineering.factors.map((f) => f.input).join(", ") || "its history"
            })`
            : `${Math.round(engineering * 100)}% of its issue's tickets were escalated`,
        );
      }
      let action: string;
      if (issue === null) action = "link to an issue: see its candidates";
      else if (engineering >= 0.5 && t.status !== "escalated") action = "escalate to engineering";
      else if (fastest.has(issue) && fastest.get(issue) !== t.assignee) {
        action = `assign to ${fastest.get(issue)}, who resolved this issue's tickets fastest`;
      } else action = "follow up with the customer";
      out.push({
        ticketId: t.ticketId,
        customer: t.customer,
        severity: t.severity,
        status: t.status,
        issue,
        breachProbability: round(breach, 3),
        engineeringProbability: engineering,
        score: round(Math.max(breach, engineering), 3),
        reasons: reasons.length > 0 ? reasons : ["within target so far"],
        action,
      });
    });
    return out.sort((a, b) => b.score - a.score || (a.ticketId < b.ticketId ? -1 : 1))
      .slice(0, limit);
  }

  #fastestGroups(fitted: Fitted): Map<string, string> {
    const times = new Map<string, Map<string, number[]>>();
    for (const t of fitted.tickets) {
      const issue = this.#issueOf(t);
      const resolvedAt = firstResolvedAt(t);
      const resolver = t.resolutions[0]?.resolver;
      if (issue === null || resolvedAt === null || resolver === undefined) continue;
      const byResolver = times.get(issue) ?? new Map<string, number[]>();
      byResolver.set(resolver, [...(byResolver.get(resolver) ?? []), resolvedAt - t.openedAt]);
      times.set(issue, byResolver);
    }
    const fastest = new Map<string, string>();
    for (const [issue, byResolver] of times) {
      const best = [...byResolver].sort((a, b) =>
        quantileOf(a[1], 0.5) - quantileOf(b[1], 0.5) || (a[0] < b[0] ? -1 : 1)
      )[0];
      if (best !== undefined) {
        fastest.set(issue, best[0]);
      }
    }
    return fastest;
  }
}

/**
 * Chance the ticket takes longer than `slaHours`, from its 80% range read as a
 * log-normal (z of the 90th percentile: 1.2816), given it is still open after
 * `elapsedHours`.
 */
export function breachProbability(
  p: Pick<Prediction, "medianHours" | "lowHours" | "highHours">,
  slaHours: number,
  elapsedHours: number,
): number {
  if (elapsedHours >= slaHours) return 1;
  const floor = 1 / 60;
  // With no high end the range's low side alone gives the spread (it is then the 20th
  // percentile, z 0.8416); the log-normal then still lets the ticket close.
  const sigma = Math.max(
    0.05,
    Number.isFinite(p.highHours)
      ? (Math.log(p.highHours + floor) - Math.log(p.lowHours + floor)) / (2 * 1.2816)
      : (Math.log(p.medianHours + floor) - Math.log(p.lowHours + floor)) / 0.8416,
  );
  const survival = (h: number) =>
    1 - normalCdf((Math.log(h + floor) - Math.log(p.medianHours + floor)) / sigma);
  const stillOpen = survival(elapsedHours);
  return stillOpen <= 0 ? 1 : Math.min(1, survival(slaHours) / stillOpen);
}

function normalCdf(z: number): number {
  // Abramowitz and Stegun 7.1.26, good to 1.5e-7.
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const erf = 1 -
    (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t +
        0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * The needs-engineering model on the resolved tickets, oldest first, in the
 * resolution model's 7:1 split of training to calibration; null while either
 * class is missing from training.
 */
function fitEngineering(
  resolved: readonly { readonly r: ModelRecord; readonly c: OpenContext }[],
): EngineeringModel | null {
  const examples = resolved.map(({ r, c }) => ({
    record: r,
    context: c,
    needed: r.escalated === true,
  }));
  const cut = Math.min(Math.floor(examples.length * 0.875), examples.length - MIN_CALIBRATION);
  const training = examples.slice(0, cut);
  const positives = training.filter((e) => e.needed).length;
  if (positives === 0 || positives === training.length) return null;
  return trainEngineeringModel(
    { fields: [...ENGINEERING_FIELDS], numbers: [...ENGINEERING_NUMBERS], useText: true },
    training,
    examples.slice(cut),
  );
}

/** Expected agent hours: the issue's measured tickets, else all measured tickets, else unknown. */
function agentHoursOf(fitted: Fitted, issue: string | null): AgentHoursNeed | null {
  const mean = (v: readonly number[]) => round(v.reduce((s, x) => s + x, 0) / v.length, 2);
  const ofIssue = issue === null ? undefined : fitted.handle.byIssue.get(issue);
  if (ofIssue !== undefined && ofIssue.length >= 3) {
    return {
      hours: mean(ofIssue),
      basis: `mean agent time of the issue's ${ofIssue.length} resolved tickets`,
    };
  }
  if (fitted.handle.all.length >= MIN_MEASURED_TICKETS) {
    return {
      hours: mean(fitted.handle.all),
      basis: `mean agent time of ${fitted.handle.all.length} resolved tickets`,
    };
  }
  return null;
}

function groupKey(by: ResolutionGrouping, t: Ticket, r: TicketRecord): string {
  switch (by) {
    case "issue":
      return r.fields.issue || "(no linked issue)";
    case "severity":
      return t.severity;
    case "tier":
      return r.fields.tier ?? "unknown";
    case "customer":
      return t.customer;
    case "assignee":
      return t.assignee ?? "(unassigned)";
    case "environment":
      return t.environment;
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function weekday(at: number): string {
  return ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"][
    ((Math.floor(at / DAY_MS) % 7) + 7) % 7
  ]!;
}

/** A ticket's prediction, or null while there is too little history to make one. */
export function predictionOrNull(api: AnalyticsApi, ticketId: string): TicketPrediction | null {
  try {
    return api.prediction(ticketId);
  } catch (error) {
    // No model yet, or a ticket the tickets view does not hold (its events were
    // skipped as unusable): the ticket still answers, without a prediction.
    if (
      error instanceof LoupeError && (error.code === "unavailable" || error.code === "not_found")
    ) return null;
    throw error;
  }
}
