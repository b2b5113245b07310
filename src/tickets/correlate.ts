import {
  type FleetSpread,
  rankByTextOnly,
  rankSignatures,
  restartBurst,
  type SignatureFacts,
  SPREAD_DAYS,
  type TicketFacts,
  upgradesOf,
} from "../../domain/correlation/mod.ts";
import type { Ticket, TimeWindow } from "../../domain/tickets/mod.ts";
import type { ProjectionReader } from "../../ports/projection_store.ts";
import type { Candidate } from "../../ports/tickets.ts";
import { ENVIRONMENT_TABLES, type EnvTally } from "../projections/environment_logs.ts";
import { hourCounts } from "../projections/hour_rows.ts";
import { type CatalogEntry, type CustomerTally, TABLES } from "../projections/signatures.ts";
import {
  type AttributedOrigin,
  type Attribution,
  type CustomerFirst,
  originKey,
} from "../customers/attribution.ts";
import { ISSUE_GROUP_TABLES, issueOfSignature } from "../projections/issue_groups.ts";
import { DAY_MS, HOUR_MS } from "../../domain/time.ts";
import { countAtOrBelow } from "../../domain/sorted.ts";

/** How far back the usual rate of a signature is measured. */
export const BASELINE_MS = 7 * DAY_MS;

/**
 * The period correlation searches: the window the customer gave, or the day
 * before the ticket was opened and up to a day after (or until it closed).
 */
export function correlationWindow(ticket: Ticket, now: number): TimeWindow {
  if (ticket.window !== null) {
    // When a customer noticed a problem is not when it began ("for a few days
    // now"): a stated window of a few hours still looks back a day from its end,
    // as a ticket without one does from its opening.
    return { from: Math.min(ticket.window.from, ticket.window.to - DAY_MS), to: ticket.window.to };
  }
  const end = Math.min(ticket.closedAt ?? now, ticket.openedAt + DAY_MS);
  return { from: ticket.openedAt - DAY_MS, to: Math.max(end, ticket.openedAt) + 1 };
}

/**
 * The origins whose logs are the ticket's: the customer's in the environment
 * it names, or all of the customer's when logs never named that one (a
 * ticket says "production" where the logs say "prod").
 */
export function ticketOrigins(attribution: Attribution, ticket: Ticket): AttributedOrigin[] {
  const named = attribution.originsOf(ticket.customer, ticket.environment);
  return named.length > 0 ? named : attribution.originsOf(ticket.customer);
}

/**
 * What the log side knows of every issue the ticket's environment logged in
 * the window, each under its busiest signature there.
 */
export function candidateFacts(
  reader: ProjectionReader,
  attribution: Attribution,
  ticket: Ticket,
  window: TimeWindow,
): SignatureFacts[] {
  const fromHour = Math.floor(window.from / HOUR_MS) * HOUR_MS;
  const toHour = Math.ceil(window.to / HOUR_MS) * HOUR_MS;
  const inWindow = new Map<string, { count: number; hours: Map<number, number> }>();
  const before = new Map<string, number>();
  let dataSince: number | null = null;
  let beforeHours = 0;
  const origins = ticketOrigins(attribution, ticket);
  /** Per signature, the first time any of the ticket's origins logged it. */
  const firstSeenHere = new Map<string, number>();
  const logged = origins.map((origin) => {
    const prefix = originKey(origin);
    dataSince = dataSince === null ? origin.firstSeen : Math.min(dataSince, origin.firstSeen);
    const signatures = [...reader.range<CustomerTally>(TABLES.originSignatures, { prefix })]
      .map(({ key, value }) => ({ signatureId: String(key[3]), ...value }));
    for (const { signatureId, firstSeen } of signatures) {
      firstSeenHere.set(
        signatureId,
        Math.min(firstSeen, firstSeenHere.get(signatureId) ?? firstSeen),
      );
    }
    return { origin, prefix, signatures };
  });
  /** Records of one signature at one origin, by hour, in [from, to). */
  const hourlyCounts = (
    signatureId: string,
    prefix: readonly string[],
    from: number,
    to: number,
  ) => hourCounts(reader, TABLES.hourly, [signatureId, ...prefix], from, to);
  for (const { prefix, signatures } of logged) {
    for (const { signatureId, firstSeen, lastSeen } of signatures) {
      if (lastSeen < fromHour || firstSeen >= toHour) continue;
      for (const [hour, value] of hourlyCounts(signatureId, prefix, fromHour, toHour)) {
        const entry = inWindow.get(signatureId) ?? { count: 0, hours: new Map() };
        entry.count += value;
        entry.hours.set(hour, (entry.hours.get(hour) ?? 0) + value);
        inWindow.set(signatureId, entry);
      }
    }
  }
  for (const { origin, prefix, signatures } of logged) {
    const knownFrom = Math.floor(origin.firstSeen / HOUR_MS) * HOUR_MS;
    const baselineFrom = Math.max(fromHour - BASELINE_MS, knownFrom);
    beforeHours = Math.max(beforeHours, Math.max(0, (fromHour - baselineFrom) / HOUR_MS));
    if (baselineFrom >= fromHour) continue;
    for (const { signatureId, firstSeen, lastSeen } of signatures) {
      if (!inWindow.has(signatureId) || lastSeen < baselineFrom || firstSeen >= fromHour) continue;
      for (const [, value] of hourlyCounts(signatureId, prefix, baselineFrom, fromHour)) {
        before.set(signatureId, (before.get(signatureId) ?? 0) + value);
      }
    }
  }
  const upgrades = origins.flatMap((origin) =>
    upgradesOf(
      [...reader.range<EnvTally>(ENVIRONMENT_TABLES.versions, { prefix: originKey(origin) })]
        .map(({ key, value }) => [String(key[3]), value.firstSeen] as const),
    )
  );
  const totalCustomers = attribution.customerCount();
  const spread = fleetSpread(attribution, ticket.openedAt);
  // One fact per issue: the lines of all its signatures together, so a
  // problem the miner split into fragments is weighed whole.
  const groups = new Map<string, string[]>();
  for (const signatureId of inWindow.keys()) {
    const issueId = reader.get(ISSUE_GROUP_TABLES.signatures, [signatureId]) === undefined
      ? signatureId
      : issueOfSignature(reader, signatureId);
    const members = groups.get(issueId);
    if (members === undefined) groups.set(issueId, [signatureId]);
    else members.push(signatureId);
  }
  const facts: SignatureFacts[] = [];
  for (const members of groups.values()) {
    const entries = members
      .map((id) => ({ id, entry: reader.get<CatalogEntry>(TABLES.signatures, [id]) }))
      .filter((m): m is { id: string; entry: CatalogEntry } => m.entry !== undefined);
    if (entries.length === 0) continue;
    const hours = new Map<number, number>();
    let count = 0;
    let countBefore = 0;
    let envFirstSeen: number | null = null;
    let representative = entries[0]!;
    for (const member of entries) {
      const own = inWindow.get(member.id)!;
      count += own.count;
      for (const [hour, n] of own.hours) hours.set(hour, (hours.get(hour) ?? 0) + n);
      countBefore += before.get(member.id) ?? 0;
      const first = firstSeenHere.get(member.id);
      if (first !== undefined) envFirstSeen = Math.min(envFirstSeen ?? first, first);
      const best = inWindow.get(representative.id)!.count;
      if (own.count > best || (own.count === best && member.id < representative.id)) {
        representative = member;
      }
    }
    facts.push({
      signatureId: representative.id,
      template: representative.entry.template,
      severityNumber: Math.max(...entries.map((m) => m.entry.severityNumber)),
      customersAffected: Math.max(...entries.map((m) => attribution.affectedCount(m.id))),
      totalCustomers,
      envFirstSeen,
      envDataSince: dataSince,
      countInWindow: count,
      peakHourInWindow: Math.max(...hours.values()),
      countBefore,
      beforeHours,
      restart: restartBurst(hours, upgrades),
      fleet: spread(entries.map((m) => m.id)),
    });
  }
  return facts;
}

/**
 * How far an issue (its signatures) had spread over the fleet at `at`: its
 * customers then, and those whose first line came in the
 * {@linkcode SPREAD_DAYS} days before, after a quiet day of their own logs.
 */
function fleetSpread(
  attribution: Attribution,
  at: number,
): (signatureIds: readonly string[]) => FleetSpread {
  const since = at - SPREAD_DAYS * DAY_MS;
  return (signatureIds) => {
    if (signatureIds.length === 1) {
      // One signature (most issues): two binary searches over its sorted first times.
      const { times, afterQuietTimes } = attribution.customerFirsts(signatureIds[0]!);
      return {
        customers: countAtOrBelow(times, at),
        newCustomers: countAtOrBelow(afterQuietTimes, at) -
          countAtOrBelow(afterQuietTimes, since - 1),
      };
    }
    const firsts = new Map<string, CustomerFirst>();
    for (const signatureId of signatureIds) {
      for (const [customer, first] of attribution.customerFirsts(signatureId).byCustomer) {
        if (first.at > at) continue;
        const known = firsts.get(customer);
        if (known === undefined || first.at < known.at) firsts.set(customer, first);
      }
    }
    let newCustomers = 0;
    for (const first of firsts.values()) {
      if (first.afterQuiet && first.at >= since) newCustomers++;
    }
    return { customers: firsts.size, newCustomers };
  };
}

export function ticketFacts(ticket: Ticket, window: TimeWindow): TicketFacts {
  return {
    subject: ticket.subject,
    description: ticket.description,
    customer: ticket.customer,
    environment: ticket.environment,
    severity: ticket.severity,
    openedAt: ticket.openedAt,
    window,
  };
}

/** Every candidate of a ticket, ranked, with the facts behind each score. */
export function rankCandidates(
  reader: ProjectionReader,
  attribution: Attribution,
  ticket: Ticket,
  window: TimeWindow,
): Candidate[] {
  const facts = candidateFacts(reader, attribution, ticket, window);
  const byId = new Map(facts.map((f) => [f.signatureId, f]));
  // One candidate per issue: its best-scoring signature speaks for it, so a
  // problem the miner split into fragments takes one place, not several.
  const issues = new Set<string>();
  const ranked = rankSignatures(ticketFacts(ticket, window), facts).flatMap((scored) => {
    const issueId = reader.get(ISSUE_GROUP_TABLES.signatures, [scored.signatureId]) === undefined
      ? null
      : issueOfSignature(reader, scored.signatureId);
    if (issueId !== null) {
      if (issues.has(issueId)) return [];
      issues.add(issueId);
    }
    return [{ scored, issueId }];
  });
  return ranked.map(({ scored, issueId }, index) => {
    const f = byId.get(scored.signatureId)!;
    return {
      ...scored,
      issueId,
      severityNumber: f.severityNumber,
      rank: index + 1,
      linked: ticket.signatures.includes(scored.signatureId),
      stats: {
        countInWindow: f.countInWindow,
        peakHourInWindow: f.peakHourInWindow,
        countBefore: f.countBefore,
        beforeHours: f.beforeHours,
        envFirstSeen: f.envFirstSeen,
        customersAffected: f.customersAffected,
        totalCustomers: f.totalCustomers,
      },
    };
  });
}

/** The text-only baseline over the same candidates, for measuring what the other features add. */
export function rankCandidatesByText(
  reader: ProjectionReader,
  attribution: Attribution,
  ticket: Ticket,
  window: TimeWindow,
): { signatureId: string; score: number }[] {
  return rankByTextOnly(
    ticketFacts(ticket, window),
    candidateFacts(reader, attribution, ticket, window),
  );
}
