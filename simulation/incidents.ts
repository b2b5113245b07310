/**
 * Injected incidents: which issue, when, where, how strongly, and, drawn
 * from the same streams the log generator uses, exactly how many error lines
 * each site writes in each hour. The truth file is computed from those
 * counts, so it can never claim a customer the logs do not show.
 *
 * @module
 */
import type { Environment, Fleet, ServiceDeployment, Site } from "./fleet.ts";
import {
  INCIDENT_KINDS,
  type IncidentKind,
  ISSUES,
  type IssueSpec,
  type TrendShape,
} from "./incident_catalog.ts";
import { DAY, HOUR, type Release, releaseInterval, serviceSegments } from "./rollout.ts";
import { type Rng, Stream, streamFor } from "./rng.ts";
import { compileTemplate, type Template } from "./template.ts";
import { loadFactor, REGIONS } from "./catalog.ts";

export interface Incident {
  /** `inc-01`, in the order incidents were planned. */
  readonly id: string;
  readonly index: number;
  readonly kind: IncidentKind;
  readonly spec: IssueSpec;
  readonly template: Template;
  /** First instant error lines may appear. */
  readonly start: number;
  /** Last instant they may appear (exclusive); the simulation's end when it goes on. */
  readonly end: number;
  /** Whether the incident is still going when the simulation ends. */
  readonly ongoing: boolean;
  /** The release that introduced it (regressions) and the one that fixed it. */
  readonly introducedIn: Release | null;
  readonly fixedIn: Release | null;
  /** The region of an outage. */
  readonly region: string | null;
  /** What its occurrences look like, and when that shape is visible. */
  readonly shape: TrendShape;
  readonly shapeAt: number | null;
  /** Sites that can be hit (each also needs the affected version, when it has one). */
  readonly sites: readonly IncidentSite[];
  /** Error lines per request of the service at full strength. */
  readonly errorShare: number;
}

export interface IncidentSite {
  readonly site: Site;
  readonly service: ServiceDeployment;
}

export interface IncidentOptions {
  readonly seed: number;
  readonly start: number;
  readonly days: number;
  readonly eventsPerDay: number;
}

const WEEK = 7 * DAY;

/** Expected requests a site sends to a service in an hour starting at `at`. */
export function siteHourlyRequests(
  fleet: Fleet,
  eventsPerDay: number,
  site: Site,
  service: ServiceDeployment,
  at: number,
): number {
  return (eventsPerDay / 24) * (site.weight / fleet.totalWeight) * service.share *
    loadFactor(site.environment.region.utcOffset, at + HOUR / 2);
}

/** How many incidents of each kind a scenario of `days` days gets. */
function incidentCounts(days: number, customers: number): Record<IncidentKind, number> {
  return {
    "regression": days >= 3 ? Math.max(1, Math.min(3, Math.round(days / 15))) : 0,
    "fixed-by-release": days >= 3 ? Math.max(1, Math.min(3, Math.round(days / 15))) : 0,
    "outage": Math.max(1, Math.min(6, Math.round(days / 10))),
    "slow-burn": days >= 14 ? Math.max(1, Math.min(3, Math.round(days / 30))) : 0,
    "misconfiguration": Math.max(1, Math.min(8, Math.round(customers / 60))),
    "noise": 2,
  };
}

/** Chooses the issues, distinct specs, in a fixed kind order so counts do not shift each other. */
export function planIncidents(fleet: Fleet, options: IncidentOptions): Incident[] {
  const counts = incidentCounts(options.days, fleet.customers.length);
  const used = new Set<string>();
  const incidents: Incident[] = [];
  for (const [kindIndex, kind] of INCIDENT_KINDS.entries()) {
    const r = streamFor(options.seed, Stream.incidents, kindIndex);
    const specs = r.shuffled(ISSUES.filter((spec) => spec.kinds.includes(kind)));
    let made = 0;
    for (const spec of specs) {
      if (made >= counts[kind]) break;
      if (used.has(spec.key)) continue;
      const incident = planOne(fleet, options, kind, spec, incidents.length, r);
      if (incident === undefined) continue;
      used.add(spec.key);
      incidents.push(incident);
      made++;
    }
  }
  return incidents;
}

function servingSites(fleet: Fleet, spec: IssueSpec): IncidentSite[] {
  const out: IncidentSite[] = [];
  for (const environment of fleet.environments) {
    const service = environment.services.find((s) => s.def.name === spec.service);
    if (service === undefined) continue;
    for (const site of service.sites) {
      if (spec.feature === null || site.customer.features.includes(spec.feature)) {
        out.push({ site, service });
      }
    }
  }
  return out;
}

function planOne(
  fleet: Fleet,
  options: IncidentOptions,
  kind: IncidentKind,
  spec: IssueSpec,
  index: number,
  r: Rng,
): Incident | undefined {
  const simStart = options.start;
  const simEnd = options.start + options.days * DAY;
  const interval = releaseInterval(options.days);
  const candidates = servingSites(fleet, spec);
  if (candidates.length === 0) return undefined;
  const minors = fleet.releases.filter((release) => release.kind === "minor");
  const base = {
    id: `inc-${String(index + 1).padStart(2, "0")}`,
    index,
    kind,
    spec,
    template: compileTemplate(spec.text),
  };
  switch (kind) {
    case "regression": {
      // A minor released in the simulation, late enough to be spreading and early enough to be seen.
      const inSim = minors.filter((m) => m.at > simStart && m.at < simEnd - interval * 0.5);
      if (inSim.length === 0) return undefined;
      const introducedIn = inSim[inSim.length - 1 - r.int(Math.min(2, inSim.length))]!;
      const shapeAt = introducedIn.at + interval * 0.75;
      return {
        ...base,
        start: introducedIn.at,
        end: simEnd,
        ongoing: true,
        introducedIn,
        fixedIn: null,
        region: null,
        shape: "emerging",
        shapeAt: shapeAt < simEnd ? shapeAt : null,
        sites: candidates,
        errorShare: r.uniform(0.03, 0.08),
      };
    }
    case "fixed-by-release": {
      // Introduced by a minor before or early in the simulation, fixed by a later patch in it.
      const patches = fleet.releases.filter((release) =>
        release.kind === "patch" && release.at > simStart + WEEK / 2 &&
        release.at < simEnd - interval
      );
      if (patches.length === 0) return undefined;
      const fixedIn = patches[r.int(patches.length)]!;
      // Introduced a few releases before the fix: inside the simulation when
      // there is room, so its start is in the data rather than before it.
      const earlier = minors.filter((m) => m.at < fixedIn.at - 1.5 * interval);
      const inData = earlier.filter((m) => m.at >= simStart + DAY);
      const pool = inData.length > 0 ? inData : earlier;
      const introducedIn = pool.length > 0 ? pool[r.int(pool.length)]! : minors[0]!;
      const shapeAt = fixedIn.at + interval * 0.9;
      return {
        ...base,
        start: Math.max(simStart, introducedIn.at),
        end: simEnd,
        ongoing: false,
        introducedIn,
        fixedIn,
        region: null,
        shape: "resolving",
        shapeAt: shapeAt < simEnd ? shapeAt : null,
        sites: candidates,
        errorShare: r.uniform(0.03, 0.08),
      };
    }
    case "outage": {
      const regions = [...new Set(candidates.map((c) => c.site.environment.region.id))].sort();
      const region = regions[r.int(regions.length)]!;
      // Outages start in working hours somewhere in the middle of the simulation.
      const earliest = simStart + Math.min(WEEK + DAY, (simEnd - simStart) / 2);
      const drawn = r.uniform(earliest, simEnd - 6 * HOUR);
      // The drawn instant's local day, at the same fraction of its working hours (9:00–17:00).
      const offset = REGIONS.find((g) => g.id === region)!.utcOffset * HOUR;
      const localDay = Math.floor((drawn + offset) / DAY) * DAY - offset;
      let start = localDay + 9 * HOUR + ((drawn - localDay) / DAY) * 8 * HOUR;
      if (start > simEnd - 6 * HOUR) start -= DAY;
      if (start < earliest) start += DAY;
      start = Math.floor(start / 60_000) * 60_000;
      const duration = Math.round(r.uniform(1, 5) * HOUR / 60_000) * 60_000;
      return {
        ...base,
        start,
        end: Math.min(simEnd, start + duration),
        ongoing: false,
        introducedIn: null,
        fixedIn: null,
        region,
        shape: "spike",
        shapeAt: Math.min(simEnd, start + duration),
        sites: candidates.filter((c) => c.site.environment.region.id === region),
        errorShare: r.uniform(0.2, 0.5),
      };
    }
    case "slow-burn": {
      const share = r.uniform(0.15, 0.35);
      const sites = candidates.filter(() => r.chance(share));
      if (sites.length === 0) sites.push(candidates[r.int(candidates.length)]!);
      return {
        ...base,
        start: simStart,
        end: simEnd,
        ongoing: true,
        introducedIn: null,
        fixedIn: null,
        region: null,
        shape: "emerging",
        shapeAt: options.days >= 21 ? simEnd : null,
        sites,
        // Grows from this share by `SLOW_BURN_WEEKLY_GROWTH` a week.
        errorShare: r.uniform(0.002, 0.004),
      };
    }
    case "misconfiguration": {
      // One customer's own setting: every site of that customer running the service.
      const customers = [...new Set(candidates.map((c) => c.site.customer.index))];
      const chosen = customers[r.int(customers.length)]!;
      const sites = candidates.filter((c) => c.site.customer.index === chosen);
      const start = simStart + Math.round(r.uniform(0, 0.4) * (simEnd - simStart));
      const duration = r.uniform(9, 20) * DAY;
      const end = Math.min(simEnd, start + duration);
      return {
        ...base,
        start,
        end,
        ongoing: start + duration >= simEnd,
        introducedIn: null,
        fixedIn: null,
        region: null,
        shape: "stable",
        shapeAt: start + 8 * DAY < end ? start + 8 * DAY : null,
        sites,
        errorShare: r.uniform(0.05, 0.2),
      };
    }
    case "noise": {
      return {
        ...base,
        start: simStart,
        end: simEnd,
        ongoing: true,
        introducedIn: null,
        fixedIn: null,
        region: null,
        shape: "stable",
        shapeAt: options.days >= 8 ? simEnd : null,
        sites: candidates,
        errorShare: r.uniform(0.0005, 0.002),
      };
    }
  }
}

const SLOW_BURN_WEEKLY_GROWTH = 1.6;

/** How strong the incident is at an instant, before the version condition: 0..1 and more for slow burns. */
function strength(incident: Incident, at: number): number {
  if (at < incident.start || at >= incident.end) return 0;
  if (incident.kind === "slow-burn") {
    return Math.pow(SLOW_BURN_WEEKLY_GROWTH, (at - incident.start) / WEEK);
  }
  if (incident.kind === "outage") {
    // Ramps up over the first quarter, holds, recovers over the last quarter.
    const length = incident.end - incident.start;
    const x = (at - incident.start) / length;
    return x < 0.25 ? 0.3 + 2.8 * x : x > 0.75 ? 0.3 + 2.8 * (1 - x) : 1;
  }
  return 1;
}

/** Whether a release is in the affected range of a versioned incident. */
export function versionAffected(incident: Incident, release: Release): boolean {
  if (incident.introducedIn !== null && release.index < incident.introducedIn.index) return false;
  if (incident.fixedIn !== null && release.index >= incident.fixedIn.index) return false;
  return true;
}

/** The stretches of an hour in which the site writes the incident's lines. */
export interface ActiveStretch {
  readonly from: number;
  readonly to: number;
  readonly version: string;
}

/**
 * The incident's error lines of one site in one hour: how many, in which
 * stretches. Drawn from the incident's own stream, so the truth planner and
 * the log generator get the same answer.
 */
export function incidentHour(
  fleet: Fleet,
  options: IncidentOptions,
  incident: Incident,
  target: IncidentSite,
  hourStart: number,
): { count: number; stretches: ActiveStretch[]; rng: Rng } | undefined {
  const hourEnd = hourStart + HOUR;
  if (hourEnd <= incident.start || hourStart >= incident.end) return undefined;
  const from = Math.max(hourStart, incident.start);
  const to = Math.min(hourEnd, incident.end);
  const stretches: ActiveStretch[] = [];
  let covered = 0;
  for (
    const segment of serviceSegments(
      target.site.environment.rollout,
      target.service.index,
      from,
      to,
    )
  ) {
    if (!versionAffected(incident, segment.release)) continue;
    stretches.push({ from: segment.from, to: segment.to, version: segment.release.version });
    covered += segment.to - segment.from;
  }
  if (covered === 0) return undefined;
  const mean =
    siteHourlyRequests(fleet, options.eventsPerDay, target.site, target.service, hourStart) *
    incident.errorShare * strength(incident, from + (to - from) / 2) * (covered / HOUR);
  const rng = streamFor(
    options.seed,
    Stream.incidentTimes,
    incident.index,
    target.site.index,
    Math.floor((hourStart - options.start) / HOUR),
  );
  const count = rng.poisson(mean);
  return count === 0 ? undefined : { count, stretches, rng };
}

/** What one customer saw of an incident. */
export interface CustomerHit {
  readonly customer: string;
  firstSeen: number;
  /** The environment key of the first line: where the customer notices it. */
  firstEnvironment: string;
  lastSeen: number;
  count: number;
  readonly environments: Set<string>;
  readonly versions: Set<string>;
  /** Lines per hour (by the hour's start), for deciding when a customer notices. */
  readonly hourly: Map<number, number>;
}

/**
 * Walks every hour an incident can touch and totals what each customer saw.
 * Costs one Poisson draw per site and hour of the incident, a small fraction
 * of generating the logs.
 */
export function incidentHits(
  fleet: Fleet,
  options: IncidentOptions,
  incident: Incident,
): Map<string, CustomerHit> {
  const hits = new Map<string, CustomerHit>();
  const firstHour = Math.floor((incident.start - options.start) / HOUR);
  const lastHour = Math.ceil((incident.end - options.start) / HOUR);
  for (const target of incident.sites) {
    for (let h = Math.max(0, firstHour); h < lastHour; h++) {
      const hourStart = options.start + h * HOUR;
      const hour = incidentHour(fleet, options, incident, target, hourStart);
      if (hour === undefined) continue;
      const id = target.site.customer.id;
      let hit = hits.get(id);
      if (hit === undefined) {
        hit = {
          customer: id,
          firstSeen: Infinity,
          firstEnvironment: target.site.environment.key,
          lastSeen: -Infinity,
          count: 0,
          environments: new Set(),
          versions: new Set(),
          hourly: new Map(),
        };
        hits.set(id, hit);
      }
      const times = lineTimes(hour.count, hour.stretches, hour.rng);
      if (times[0]!.at < hit.firstSeen) {
        hit.firstSeen = times[0]!.at;
        hit.firstEnvironment = target.site.environment.key;
      }
      hit.lastSeen = Math.max(hit.lastSeen, times[times.length - 1]!.at);
      hit.count += hour.count;
      hit.environments.add(target.site.environment.key);
      for (const t of times) hit.versions.add(t.version);
      hit.hourly.set(hourStart, (hit.hourly.get(hourStart) ?? 0) + hour.count);
    }
  }
  return hits;
}

/**
 * The instants of an hour's incident lines, sorted, each with the version
 * running then. Consumes the hour's stream first thing, so whatever is drawn
 * after (the values in the lines) is the same for the planner and the generator.
 */
export function lineTimes(
  count: number,
  stretches: readonly ActiveStretch[],
  rng: Rng,
): { at: number; version: string }[] {
  let total = 0;
  for (const s of stretches) total += s.to - s.from;
  const out: { at: number; version: string }[] = [];
  for (let i = 0; i < count; i++) {
    let x = rng.float() * total;
    for (const s of stretches) {
      const length = s.to - s.from;
      if (x < length) {
        out.push({ at: Math.floor(s.from + x), version: s.version });
        break;
      }
      x -= length;
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** The environment keys an incident can touch, for the generator's lookup. */
export function incidentsByServiceFile(
  incidents: readonly Incident[],
): Map<string, { incident: Incident; target: IncidentSite }[]> {
  const out = new Map<string, { incident: Incident; target: IncidentSite }[]>();
  for (const incident of incidents) {
    for (const target of incident.sites) {
      const key = fileKey(target.site.environment, target.service);
      const list = out.get(key) ?? [];
      list.push({ incident, target });
      out.set(key, list);
    }
  }
  return out;
}

/** `<owner>/<environment>/<service file>`: where a service's lines go. */
export function fileKey(environment: Environment, service: ServiceDeployment): string {
  return `${environment.key}/${service.file}`;
}
