/**
 * A whole support scenario from a seed: the fleet, its releases and
 * rollouts, the incidents with the customers they really hit, the tickets,
 * the articles and the truth; then, hour by hour, the logs and metrics.
 * Everything but the logs is planned up front (it is small); the logs are
 * produced an hour at a time so a year never sits in memory.
 *
 * @module
 */
import { type Dependency, DEPENDENCY_MS, SERVICES } from "./catalog.ts";
import { buildFleet, type Environment, type Fleet } from "./fleet.ts";
import { ISSUES } from "./incident_catalog.ts";
import {
  type CustomerHit,
  fileKey,
  type Incident,
  incidentHits,
  incidentsByServiceFile,
  planIncidents,
} from "./incidents.ts";
import { type HourOfService, type LogOptions, serviceHour } from "./logs.ts";
import { DAY, HOUR, planReleases } from "./rollout.ts";
import { Stream, streamFor } from "./rng.ts";
import {
  type Article,
  fillIncidentText,
  planArticles,
  planTickets,
  type SimTicket,
} from "./tickets.ts";

export interface SimulationOptions {
  readonly seed: number;
  readonly customers: number;
  readonly days: number;
  readonly eventsPerDay: number;
  /** Epoch ms of the first hour (UTC midnight recommended). */
  readonly start: number;
  readonly corruptionRate: number;
  readonly multiTenantShare: number;
  readonly tenantsPerCluster: number;
}

export const DEFAULT_OPTIONS: SimulationOptions = {
  seed: 7,
  customers: 500,
  days: 30,
  eventsPerDay: 1_000_000,
  start: Date.UTC(2026, 9, 1),
  corruptionRate: 0.0005,
  multiTenantShare: 0.3,
  tenantsPerCluster: 40,
};

export interface Scenario {
  readonly options: SimulationOptions;
  readonly end: number;
  readonly fleet: Fleet;
  readonly incidents: readonly Incident[];
  readonly hits: ReadonlyMap<string, ReadonlyMap<string, CustomerHit>>;
  readonly tickets: readonly SimTicket[];
  readonly articles: readonly Article[];
}

export function planScenario(options: SimulationOptions): Scenario {
  if (!(options.customers >= 1) || !(options.days >= 1) || !(options.eventsPerDay >= 1)) {
    throw new RangeError(
      "Cannot plan a scenario: customers, days and events per day must be at least 1",
    );
  }
  const releases = planReleases(
    options.start,
    options.days,
    streamFor(options.seed, Stream.fleet, 1),
  );
  const fleet = buildFleet({ ...options, releases });
  const incidents = planIncidents(fleet, options);
  const hits = new Map(
    incidents.map((incident) => [incident.id, incidentHits(fleet, options, incident)]),
  );
  const end = options.start + options.days * DAY;
  const tickets = planTickets(fleet, options.seed, options.start, end, incidents, hits);
  const articles = planArticles(incidents, ISSUES);
  return { options, end, fleet, incidents, hits, tickets, articles };
}

export interface MetricsSnapshot {
  readonly environment: string;
  readonly customer: string | null;
  readonly at: number;
  readonly requests: number;
  readonly error_rate: number;
  readonly response_ms: Readonly<Partial<Record<Dependency, number>>>;
  readonly connection_timeouts: number;
  readonly memory_pct: number;
  readonly cpu_pct: number;
}

export interface SimulatedHour {
  readonly hourStart: number;
  readonly files: readonly HourOfService[];
  /** One snapshot per environment, taken at the end of the hour. */
  readonly metrics: readonly MetricsSnapshot[];
}

/** The scenario's hours, in order; each holds every file's lines for that hour. */
export function* simulateHours(scenario: Scenario): Generator<SimulatedHour> {
  const { options, fleet, incidents } = scenario;
  const byFile = incidentsByServiceFile(incidents);
  const logOptions: LogOptions = options;
  for (let h = 0; h < options.days * 24; h++) {
    const hourStart = options.start + h * HOUR;
    const files: HourOfService[] = [];
    const metrics: MetricsSnapshot[] = [];
    for (const environment of fleet.environments) {
      let requests = 0;
      let errors = 0;
      for (const service of environment.services) {
        const hour = serviceHour(
          fleet,
          logOptions,
          environment,
          service,
          hourStart,
          byFile.get(fileKey(environment, service)) ?? [],
        );
        files.push(hour);
        requests += hour.requests;
        errors += hour.errors;
      }
      metrics.push(environmentMetrics(scenario, environment, hourStart, requests, errors));
    }
    yield { hourStart, files, metrics };
  }
}

/** What the incidents active on an environment do to its gauges at the end of an hour. */
function environmentMetrics(
  scenario: Scenario,
  environment: Environment,
  hourStart: number,
  requests: number,
  errors: number,
): MetricsSnapshot {
  const { options, incidents } = scenario;
  const at = hourStart + HOUR;
  const r = streamFor(
    options.seed,
    Stream.metrics,
    environment.index,
    Math.floor((hourStart - options.start) / HOUR),
  );
  const dependencies = new Set<Dependency>();
  for (const service of environment.services) {
    for (const d of service.def.dependencies) dependencies.add(d);
  }
  const latencyFactor = new Map<Dependency, number>();
  let timeouts = 0;
  let memory = 52 + 10 * r.float();
  for (const incident of incidents) {
    const active = incident.start < at && incident.end > hourStart &&
      incident.sites.some((s) => s.site.environment === environment);
    if (!active) continue;
    const effect = incident.spec.effect;
    if (effect.kind === "latency") {
      const grown = incident.kind === "slow-burn"
        ? 1 + (effect.factor - 1) * Math.min(1, (at - incident.start) / (options.days * DAY))
        : effect.factor;
      latencyFactor.set(
        effect.dependency,
        Math.max(latencyFactor.get(effect.dependency) ?? 1, grown),
      );
    } else if (effect.kind === "timeouts") {
      timeouts += 1 + r.poisson(Math.max(1, errors * 0.2));
    } else if (effect.kind === "memory") {
      memory += 38 * Math.min(1, (at - incident.start) / (options.days * DAY) + 0.3);
    }
  }
  const responseMs: Partial<Record<Dependency, number>> = {};
  for (const dependency of [...dependencies].sort()) {
    const typical = DEPENDENCY_MS[dependency] * r.lognormal(1, 0.15);
    responseMs[dependency] = round2(typical * (latencyFactor.get(dependency) ?? 1));
  }
  return {
    environment: environment.key,
    customer: environment.customer?.id ?? null,
    at,
    requests,
    error_rate: requests === 0 ? 0 : round4(errors / requests),
    response_ms: responseMs,
    connection_timeouts: timeouts,
    memory_pct: round2(Math.min(99.5, memory)),
    cpu_pct: round2(Math.min(99, 18 + 40 * Math.min(1, requests / 2000) + 8 * r.float())),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The customers as a CRM exports them, one row each. */
export function customerRows(fleet: Fleet): Record<string, string | number>[] {
  return fleet.customers.map((customer) => ({
    customer_id: customer.id,
    name: customer.name,
    tier: customer.tier,
    contract_value: customer.contractValue,
    region: customer.region.id,
    deployment_model: customer.deployment,
    environments: fleet.environments
      .filter((e) => e.sites.some((s) => s.customer.id === customer.id))
      .map((e) => e.key)
      .join(";"),
    tenant_id: customer.deployment === "multi-tenant" ? customer.id : "",
    primary_contact: customer.contacts[0]!.name,
    primary_email: customer.contacts[0]!.email,
  }));
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What really happened, for checking Loupe's answers. */
export function truthOf(scenario: Scenario): Record<string, unknown> {
  const { options, fleet, incidents, hits, tickets, articles } = scenario;
  const ticketsByIncident = new Map<string, string[]>();
  for (const t of tickets) {
    if (t.incident === null) continue;
    const list = ticketsByIncident.get(t.incident) ?? [];
    list.push(t.id);
    ticketsByIncident.set(t.incident, list);
  }
  const articleByIncident = new Map(
    articles.filter((a) => a.incident !== null).map((a) => [a.incident!, a.id]),
  );
  return {
    generator: "loupe simulate",
    options: { ...options, start: iso(options.start) },
    start: iso(options.start),
    end: iso(scenario.end),
    releases: fleet.releases.map((r) => ({ version: r.version, at: iso(r.at), kind: r.kind })),
    services: SERVICES.map((s) => s.name),
    incidents: incidents.map((incident) => {
      const customerHits = [...(hits.get(incident.id)?.values() ?? [])].sort((a, b) =>
        a.customer < b.customer ? -1 : 1
      );
      return {
        id: incident.id,
        kind: incident.kind,
        issue: incident.spec.key,
        service: incident.spec.service,
        level: incident.spec.level,
        symptom: incident.spec.symptom,
        root_signature: incident.template.signature,
        root_text: incident.spec.text,
        // Engineering's statement of the cause; an article, if any, words it for customers.
        root_cause: fillIncidentText(incident.spec.rootCause, incident),
        introduced_in: incident.introducedIn?.version ?? null,
        fixed_in: incident.fixedIn?.version ?? null,
        region: incident.region,
        start: iso(incident.start),
        end: incident.ongoing ? null : iso(incident.end),
        trend: {
          shape: incident.shape,
          as_of: incident.shapeAt === null ? null : iso(incident.shapeAt),
        },
        lines: customerHits.reduce((sum, h) => sum + h.count, 0),
        affected_customers: customerHits.map((h) => ({
          customer: h.customer,
          first_seen: iso(h.firstSeen),
          last_seen: iso(h.lastSeen),
          count: h.count,
          environments: [...h.environments].sort(),
          versions: [...h.versions].sort(),
        })),
        impact: impactOf(fleet, incident, customerHits),
        tickets: ticketsByIncident.get(incident.id) ?? [],
        article: articleByIncident.get(incident.id) ?? null,
      };
    }),
    ticket_incidents: Object.fromEntries(
      tickets.filter((t) => t.incident !== null).map((t) => [t.id, t.incident]),
    ),
    article_incidents: Object.fromEntries(
      articles.filter((a) => a.incident !== null).map((a) => [a.id, a.incident]),
    ),
    ticket_articles: Object.fromEntries(
      tickets.flatMap((t) => {
        const article = t.incident === null ? undefined : articleByIncident.get(t.incident);
        return article === undefined ? [] : [[t.id, article]];
      }),
    ),
  };
}

/**
 * The truth's own impact figure: contract value of the customers hit, times
 * severity, times how long it lasted (days, capped at 30). Noise counts for
 * nothing. Loupe's ranking is checked for order against it, not for value.
 */
function impactOf(fleet: Fleet, incident: Incident, hits: readonly CustomerHit[]): number {
  if (incident.kind === "noise") return 0;
  const value = new Map(fleet.customers.map((c) => [c.id, c.contractValue]));
  let weight = 0;
  let days = 0;
  for (const hit of hits) {
    weight += value.get(hit.customer) ?? 0;
    days = Math.max(days, (hit.lastSeen - hit.firstSeen) / DAY);
  }
  const severity = incident.spec.level === "FATAL" ? 3 : incident.spec.level === "ERROR" ? 2 : 1;
  return Math.round(weight * severity * Math.max(0.1, Math.min(30, days)) / 1000);
}
