/**
 * The log lines of one service of one environment in one hour: background
 * traffic, restarts during upgrades (a gap, shutdown and startup lines, a
 * burst of warm-up warnings), the lines of the incidents that hit it, and
 * the odd corrupted line. Each hour of each service draws from its own
 * streams, so any hour can be generated alone and the output never depends
 * on the order hours are generated in.
 *
 * @module
 */
import { COMPILED_BACKGROUND, LIFECYCLE } from "./background.ts";
import type { Environment, Fleet, ServiceDeployment, Site } from "./fleet.ts";
import {
  fileKey,
  type Incident,
  incidentHour,
  type IncidentOptions,
  type IncidentSite,
  lineTimes,
} from "./incidents.ts";
import { loadFactor, SERVICES } from "./catalog.ts";
import { type LineEvent, renderLine } from "./render.ts";
import { HOUR, type Segment, serviceSegments } from "./rollout.ts";
import { type Rng, Stream, streamFor } from "./rng.ts";
import { compileTemplate, publicIp, renderTemplate, type Template } from "./template.ts";

export interface HourOfService {
  /** `<owner>/<environment>/<service>.<ext>`. */
  readonly file: string;
  readonly lines: readonly string[];
  /** Lines at ERROR or above, incident lines included, for the metrics. */
  readonly errors: number;
  readonly requests: number;
  /** Incident lines written, by incident id. */
  readonly incidentLines: ReadonlyMap<string, number>;
}

/** What the generator needs besides the fleet. */
export interface LogOptions extends IncidentOptions {
  /** Share of background lines written broken (cut short, binary junk, glued). */
  readonly corruptionRate: number;
}

interface Pending {
  readonly at: number;
  /** Tie-breaker that keeps equal instants in the order they were made. */
  readonly seq: number;
  readonly text: string;
}

const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  "okhttp/4.12.0",
  "python-requests/2.32.3",
  "kube-probe/1.30",
];

const ACCESS_STATUS = [200, 200, 200, 200, 200, 200, 200, 200, 304, 304, 201, 204, 404, 401, 302];

/** Cumulative weights of a service's background templates, built once. */
const cumulativeCache = new Map<string, Float64Array>();
function cumulativeTemplateWeights(service: string): Float64Array {
  let cumulative = cumulativeCache.get(service);
  if (cumulative === undefined) {
    const templates = COMPILED_BACKGROUND[service] ?? [];
    cumulative = new Float64Array(templates.length);
    let sum = 0;
    for (const [i, t] of templates.entries()) cumulative[i] = sum += t.spec.weight;
    cumulativeCache.set(service, cumulative);
  }
  return cumulative;
}

function pickCumulative(cumulative: Float64Array, r: Rng): number {
  const x = r.float() * cumulative[cumulative.length - 1]!;
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid]! > x) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** An instant in the up-time of an hour, with the release running then. */
function instantIn(
  segments: readonly Segment[],
  uptime: number,
  r: Rng,
): { at: number; version: string } {
  let x = r.float() * uptime;
  for (const s of segments) {
    const length = s.to - s.from;
    if (x < length) return { at: Math.floor(s.from + x), version: s.release.version };
    x -= length;
  }
  const last = segments[segments.length - 1]!;
  return { at: last.to - 1, version: last.release.version };
}

const LIFECYCLE_TEMPLATES = {
  shutdown: LIFECYCLE.shutdown.map((spec) => ({ spec, template: compileTemplate(spec.text) })),
  startup: LIFECYCLE.startup.map((spec) => ({ spec, template: compileTemplate(spec.text) })),
  warmup: LIFECYCLE.warmup.map((spec) => ({ spec, template: compileTemplate(spec.text) })),
};

/**
 * One hour of one service's log. Lines come sorted by time, rendered in the
 * service's format.
 */
export function serviceHour(
  fleet: Fleet,
  options: LogOptions,
  environment: Environment,
  service: ServiceDeployment,
  hourStart: number,
  incidents: readonly { incident: Incident; target: IncidentSite }[],
): HourOfService {
  const hourIndex = Math.floor((hourStart - options.start) / HOUR);
  const hourEnd = hourStart + HOUR;
  const pending: Pending[] = [];
  let seq = 0;
  let errors = 0;
  const push = (event: LineEvent) => {
    if (event.level === "ERROR" || event.level === "FATAL") errors++;
    pending.push({ at: event.at, seq: seq++, text: renderLine(service.format, event) });
  };
  const base = {
    service: service.def.name,
    host: service.host,
    pid: service.pid,
    pkg: service.def.pkg,
  };

  const segments = serviceSegments(environment.rollout, service.index, hourStart, hourEnd);
  let uptime = 0;
  for (const s of segments) uptime += s.to - s.from;
  const r = streamFor(options.seed, Stream.traffic, environment.index, service.index, hourIndex);
  const requests = uptime === 0 || service.sites.length === 0 ? 0 : r.poisson(
    (options.eventsPerDay / 24) * (environment.weight / fleet.totalWeight) * service.share *
      loadFactor(environment.region.utcOffset, hourStart + HOUR / 2) * (uptime / HOUR),
  );
  const corruption = streamFor(
    options.seed,
    Stream.corruption,
    environment.index,
    service.index,
    hourIndex,
  );
  const corrupted = new Set<number>();
  for (let i = 0; i < requests; i++) {
    if (corruption.chance(options.corruptionRate)) corrupted.add(seq + i);
  }

  const templates = COMPILED_BACKGROUND[service.def.name] ?? [];
  const cumulative = service.def.name === "gateway"
    ? undefined
    : cumulativeTemplateWeights(service.def.name);
  for (let i = 0; i < requests; i++) {
    const { at, version } = instantIn(segments, uptime, r);
    const site = pickSite(service, r);
    if (cumulative === undefined || templates.length === 0) {
      push(accessEvent(base, at, version, site, r));
      continue;
    }
    const chosen = templates[pickCumulative(cumulative, r)]!;
    const rendered = renderTemplate(chosen.template, r, site.customer);
    push({
      ...base,
      at,
      level: chosen.spec.level,
      logger: chosen.spec.logger,
      version,
      tenant: site.tenant,
      message: rendered.message,
      fields: fieldsOf(chosen.template, rendered.values),
    });
  }

  // The gateway's access log has no lines for its own restarts, only the gap.
  if (cumulative !== undefined) {
    pushLifecycle(environment, service, hourStart, hourEnd, options, hourIndex, base, push);
  }

  const incidentLines = new Map<string, number>();
  for (const { incident, target } of incidents) {
    const hour = incidentHour(fleet, options, incident, target, hourStart);
    if (hour === undefined) continue;
    incidentLines.set(incident.id, hour.count);
    for (const { at, version } of lineTimes(hour.count, hour.stretches, hour.rng)) {
      const rendered = renderTemplate(incident.template, hour.rng, target.site.customer);
      const event: LineEvent = {
        ...base,
        at,
        level: incident.spec.level,
        logger: loggerOf(incident),
        version,
        tenant: target.site.tenant,
        message: rendered.message,
        fields: fieldsOf(incident.template, rendered.values),
      };
      push(
        incident.spec.exception === undefined
          ? event
          : { ...event, exception: incident.spec.exception },
      );
    }
  }

  pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
  const lines: string[] = new Array(pending.length);
  for (const [i, p] of pending.entries()) {
    lines[i] = corrupted.has(p.seq) ? corrupt(p.text, corruption) : p.text;
  }
  return { file: fileKey(environment, service), lines, errors, requests, incidentLines };
}

function pickSite(service: ServiceDeployment, r: Rng): Site {
  if (service.sites.length === 1) return service.sites[0]!;
  return service.sites[pickCumulative(service.cumulativeWeights, r)]!;
}

function fieldsOf(
  template: Template,
  values: readonly (string | number)[],
): (readonly [string, string | number])[] {
  const out: (readonly [string, string | number])[] = [];
  for (let i = 0; i < values.length; i++) out.push([template.names[i]!, values[i]!]);
  return out;
}

/** The class that logs an incident: the first of our own frames when there is a stack. */
function loggerOf(incident: Incident): string {
  const frame = incident.spec.exception?.frames.find((f) => f.startsWith("com.acme."));
  const match = frame?.match(/\.([A-Z]\w+)\.\w+\(/);
  const service = incident.spec.service;
  return match?.[1] ?? `${service[0]!.toUpperCase()}${service.slice(1)}Service`;
}

function accessEvent(
  base: Pick<LineEvent, "service" | "host" | "pid" | "pkg">,
  at: number,
  version: string,
  site: Site,
  r: Rng,
): LineEvent {
  // The gateway fronts every service: routes are drawn from all of them.
  const route = pickRoute(r);
  const status = ACCESS_STATUS[r.int(ACCESS_STATUS.length)]!;
  const path = route.path
    .replace("{id}", () => r.next().toString(36))
    .replace("{hex}", () => r.next().toString(16).padStart(8, "0"));
  const query = route.path.startsWith("/api/v2/search")
    ? `?q=${r.pick(["shoes", "usb-c", "mug", "tent"])}`
    : "";
  return {
    ...base,
    at,
    level: status >= 500 ? "ERROR" : status >= 400 ? "WARN" : "INFO",
    version,
    tenant: site.tenant,
    message: `${route.method} ${path}${query}`,
    fields: [],
    request: {
      ip: publicIp(r),
      method: route.method,
      path: path + query,
      status,
      bytes: status === 304 || status === 204 ? 0 : Math.round(r.lognormal(4_000, 1.2)),
      durationMs: Math.max(1, Math.round(r.lognormal(40, 0.9))),
      userAgent: r.pick(USER_AGENTS),
      ...(r.chance(0.3) ? { referer: `https://${site.customer.domain}/` } : {}),
    },
  };
}

// The gateway fronts every service: its routes are drawn from all of them.
const ROUTES = SERVICES.flatMap((def) => def.routes);
const ROUTE_WEIGHTS = (() => {
  const weights = new Float64Array(ROUTES.length);
  let sum = 0;
  for (const [i, route] of ROUTES.entries()) weights[i] = sum += route.w;
  return weights;
})();

function pickRoute(r: Rng): { method: string; path: string } {
  return ROUTES[pickCumulative(ROUTE_WEIGHTS, r)]!;
}

/**
 * Restart lines of the upgrades that touch this hour: shutdown lines just
 * before the service goes down, startup lines when it comes back, then a
 * burst of warm-up warnings for a minute and a half.
 */
function pushLifecycle(
  environment: Environment,
  service: ServiceDeployment,
  hourStart: number,
  hourEnd: number,
  options: LogOptions,
  hourIndex: number,
  base: Pick<LineEvent, "service" | "host" | "pid" | "pkg">,
  push: (event: LineEvent) => void,
): void {
  const upgrades = environment.rollout.upgrades;
  for (const [u, upgrade] of upgrades.entries()) {
    const { down, up } = upgrade.restarts[service.index]!;
    if (up + WARMUP_MS < hourStart || down - SHUTDOWN_MS >= hourEnd) continue;
    const r = streamFor(
      options.seed,
      Stream.lifecycle,
      environment.index,
      service.index,
      u,
      hourIndex,
    );
    const context = environment.sites[0]!.customer;
    const line = (
      chosen: { spec: { level: LineEvent["level"]; logger: string }; template: Template },
      at: number,
      version: string,
    ) => {
      if (at < hourStart || at >= hourEnd) return;
      const rendered = renderTemplate(chosen.template, r, context);
      push({
        ...base,
        at,
        level: chosen.spec.level,
        logger: chosen.spec.logger,
        version,
        tenant: null,
        message: rendered.message
          .replaceAll("@version@", version)
          .replaceAll("@service@", service.def.name),
        fields: fieldsOf(chosen.template, rendered.values),
      });
    };
    LIFECYCLE_TEMPLATES.shutdown.forEach((chosen, i) =>
      line(chosen, down - SHUTDOWN_MS + i * 700, upgrade.from.version)
    );
    LIFECYCLE_TEMPLATES.startup.forEach((chosen, i) =>
      line(chosen, up + i * 400, upgrade.to.version)
    );
    const burst = r.poisson(WARMUP_LINES);
    for (let i = 0; i < burst; i++) {
      const chosen = LIFECYCLE_TEMPLATES.warmup[r.int(LIFECYCLE_TEMPLATES.warmup.length)]!;
      line(chosen, up + 2_000 + Math.floor(r.float() * (WARMUP_MS - 2_000)), upgrade.to.version);
    }
  }
}

const SHUTDOWN_MS = 3_000;
const WARMUP_MS = 90_000;
const WARMUP_LINES = 12;

/** A line broken the ways real logs break: cut short, junk bytes, or glued to the next write. */
function corrupt(text: string, r: Rng): string {
  const firstLine = text.split("\n", 1)[0]!;
  switch (r.int(3)) {
    case 0:
      return firstLine.slice(0, Math.max(1, Math.floor(firstLine.length * r.uniform(0.1, 0.6))));
    case 1: {
      let junk = "";
      // Control characters and stray bytes, never a newline: one line of junk.
      for (let i = 0, n = 8 + r.int(40); i < n; i++) {
        const code = r.int(30);
        junk += String.fromCharCode(code < 9 ? code : code + 5);
      }
      return junk;
    }
    default:
      return firstLine.slice(0, Math.floor(firstLine.length / 2)) + firstLine;
  }
}
