/**
 * The fleet: customers, the shared clusters that host multi-tenant ones,
 * their environments, the services each environment runs (in which log
 * format) and each environment's rollout.
 *
 * A site is one customer in one environment: a single-tenant environment
 * has one, a shared cluster one per tenant. Traffic and incidents happen to
 * sites.
 *
 * @module
 */
import {
  type DeploymentModel,
  type Feature,
  FEATURE_ADOPTION,
  FEATURES,
  FORMAT_EXTENSION,
  type LogFormat,
  type Region,
  REGIONS,
  type ServiceDef,
  SERVICES,
  type Tier,
  TIERS,
} from "./catalog.ts";
import { COMPANY_FIRST, COMPANY_SECOND, FIRST_NAMES, LAST_NAMES } from "./names.ts";
import { DAY, planRollout, type Release, releaseInterval, type Rollout } from "./rollout.ts";
import { Stream, streamFor } from "./rng.ts";

export interface Contact {
  readonly name: string;
  readonly email: string;
}

export interface Customer {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly tier: Tier;
  /** Annual contract value, in EUR. */
  readonly contractValue: number;
  readonly region: Region;
  readonly deployment: DeploymentModel;
  /** The shared cluster hosting a multi-tenant customer. */
  readonly cluster: string | null;
  readonly features: readonly Feature[];
  /** E-mail domain of the customer's people and systems. */
  readonly domain: string;
  readonly contacts: readonly Contact[];
}

export interface Site {
  /** Position among all sites of the fleet. */
  readonly index: number;
  readonly customer: Customer;
  readonly environment: Environment;
  /** Relative traffic. */
  readonly weight: number;
  /** The tenant id records carry on a shared cluster; null on a single-tenant environment. */
  readonly tenant: string | null;
}

export interface ServiceDeployment {
  /** Position within the environment. */
  readonly index: number;
  readonly def: ServiceDef;
  readonly format: LogFormat;
  /** `<service>.<ext>`. */
  readonly file: string;
  /** Share of the environment's traffic (shares of an environment sum to 1). */
  readonly share: number;
  /** The sites whose traffic this service carries, and their cumulative weights. */
  readonly sites: readonly Site[];
  readonly cumulativeWeights: Float64Array;
  /** Host name in syslog lines, and the Java process id. */
  readonly host: string;
  readonly pid: number;
}

export interface Environment {
  readonly index: number;
  /** `<owner>/<name>`: the directory its logs are written to. */
  readonly key: string;
  /** The customer id, or the cluster id of a shared cluster. */
  readonly owner: string;
  readonly name: "prod" | "staging";
  /** The customer of a single-tenant environment; null for a shared cluster. */
  readonly customer: Customer | null;
  readonly cluster: string | null;
  readonly region: Region;
  readonly services: readonly ServiceDeployment[];
  readonly sites: readonly Site[];
  /** Relative traffic (the sum of its sites' weights). */
  readonly weight: number;
  readonly rollout: Rollout;
}

export interface Cluster {
  readonly id: string;
  readonly region: Region;
  readonly tenants: readonly Customer[];
}

export interface Fleet {
  readonly customers: readonly Customer[];
  readonly clusters: readonly Cluster[];
  readonly environments: readonly Environment[];
  readonly sites: readonly Site[];
  readonly releases: readonly Release[];
  readonly totalWeight: number;
}

export interface FleetOptions {
  readonly seed: number;
  readonly customers: number;
  readonly start: number;
  readonly days: number;
  /** Share of customers (never enterprise ones) hosted on shared clusters. */
  readonly multiTenantShare: number;
  readonly tenantsPerCluster: number;
  readonly releases: readonly Release[];
}

const TIER_WEIGHTS = [0.12, 0.33, 0.55];
const CONTRACT_MEDIAN: Record<Tier, number> = {
  enterprise: 220_000,
  business: 48_000,
  standard: 9_000,
};
const TRAFFIC_BY_TIER: Record<Tier, number> = { enterprise: 6, business: 2.2, standard: 1 };
const STAGING_CHANCE: Record<Tier, number> = { enterprise: 0.85, business: 0.5, standard: 0.15 };
const STAGING_TRAFFIC = 0.12;

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

interface DraftCustomer {
  index: number;
  id: string;
  name: string;
  tier: Tier;
  contractValue: number;
  region: Region;
  features: Feature[];
  domain: string;
  contacts: Contact[];
  traffic: number;
  deployment: DeploymentModel;
  cluster: string | null;
}

function draftCustomers(options: FleetOptions): DraftCustomer[] {
  const names = streamFor(options.seed, Stream.fleet, 0).shuffled(
    COMPANY_FIRST.flatMap((first) => COMPANY_SECOND.map((second) => `${first} ${second}`)),
  );
  const used = new Set<string>();
  const out: DraftCustomer[] = [];
  for (let index = 0; index < options.customers; index++) {
    const r = streamFor(options.seed, Stream.customer, index);
    const round = Math.floor(index / names.length);
    const base = names[index % names.length]! + (round === 0 ? "" : ` ${round + 1}`);
    let id = slug(base);
    for (let n = 2; used.has(id); n++) id = `${slug(base)}-${n}`;
    used.add(id);
    const tier: Tier = TIERS[r.weighted(TIER_WEIGHTS)]!;
    const region = REGIONS[r.weighted(REGIONS.map((g) => g.weight))]!;
    const features = FEATURES.filter((f) => r.chance(FEATURE_ADOPTION[f][tier]));
    if (features.length === 0) features.push("checkout");
    const domain = `${id}.example`;
    const contacts: Contact[] = [];
    const contactCount = tier === "enterprise" ? 4 : tier === "business" ? 3 : 2;
    for (let c = 0; c < contactCount; c++) {
      const first = r.pick(FIRST_NAMES);
      const last = r.pick(LAST_NAMES);
      contacts.push({
        name: `${first} ${last}`,
        email: `${first.toLowerCase()}.${last.toLowerCase()}@${domain}`,
      });
    }
    out.push({
      index,
      id,
      name: `${base} ${region.legal}`,
      tier,
      contractValue: Math.round(r.lognormal(CONTRACT_MEDIAN[tier], 0.45) / 100) * 100,
      region,
      features,
      domain,
      contacts,
      traffic: TRAFFIC_BY_TIER[tier] * r.lognormal(1, 0.5),
      deployment: "single-tenant",
      cluster: null,
    });
  }
  return out;
}

/**
 * Puts the smallest non-enterprise customers on shared clusters of at most
 * `tenantsPerCluster` tenants; a cluster lives in the region most of its
 * tenants are in, and its tenants are served from there.
 */
function assignClusters(drafts: DraftCustomer[], options: FleetOptions): Cluster[] {
  const candidates = drafts
    .filter((d) => d.tier !== "enterprise")
    .sort((a, b) => a.contractValue - b.contractValue || a.index - b.index);
  const count = Math.min(candidates.length, Math.round(drafts.length * options.multiTenantShare));
  if (count === 0) return [];
  const chosen = candidates.slice(0, count).sort((a, b) =>
    REGIONS.indexOf(a.region) - REGIONS.indexOf(b.region) || a.index - b.index
  );
  const clusterCount = Math.ceil(count / options.tenantsPerCluster);
  const clusters: { region: Region; tenants: DraftCustomer[] }[] = [];
  const perRegion = new Map<string, number>();
  for (let c = 0; c < clusterCount; c++) {
    const tenants = chosen.slice(
      Math.floor((c * count) / clusterCount),
      Math.floor(((c + 1) * count) / clusterCount),
    );
    const votes = new Map<Region, number>();
    for (const t of tenants) votes.set(t.region, (votes.get(t.region) ?? 0) + 1);
    let region = tenants[0]!.region;
    for (const [candidate, n] of votes) if (n > votes.get(region)!) region = candidate;
    clusters.push({ region, tenants });
  }
  return clusters.map(({ region, tenants }) => {
    const n = (perRegion.get(region.id) ?? 0) + 1;
    perRegion.set(region.id, n);
    const id = `mt-${region.id}-${n}`;
    for (const tenant of tenants) {
      tenant.deployment = "multi-tenant";
      tenant.cluster = id;
      tenant.region = region;
    }
    return { id, region, tenants: tenants as unknown as Customer[] };
  });
}

/**
 * Builds the fleet of a scenario. Everything is drawn from streams of the
 * seed, one per customer and per environment.
 *
 * @example
 * ```ts
 * import { buildFleet } from "./fleet.ts";
 * import { planReleases } from "./rollout.ts";
 * import { Rng } from "./rng.ts";
 * import assert from "node:assert/strict";
 * const releases = planReleases(0, 3, new Rng(1));
 * const fleet = buildFleet({
 *   seed: 1, customers: 6, start: 0, days: 3, multiTenantShare: 0.5, tenantsPerCluster: 40, releases,
 * });
 * assert.equal(fleet.customers.length, 6);
 * assert.equal(fleet.clusters.length, 1);
 * assert.equal(fleet.clusters[0]!.tenants.length, 3);
 * ```
 */
export function buildFleet(options: FleetOptions): Fleet {
  const drafts = draftCustomers(options);
  const clusters = assignClusters(drafts, options);
  const customers = drafts as unknown as Customer[];
  const end = options.start + options.days * DAY;
  const interval = releaseInterval(options.days);

  interface Plan {
    owner: string;
    name: "prod" | "staging";
    customer: DraftCustomer | null;
    cluster: Cluster | null;
    region: Region;
    members: { customer: DraftCustomer; weight: number }[];
  }
  const plans: Plan[] = [];
  for (const d of drafts) {
    if (d.deployment !== "single-tenant") continue;
    const r = streamFor(options.seed, Stream.customer, d.index, 1);
    plans.push({
      owner: d.id,
      name: "prod",
      customer: d,
      cluster: null,
      region: d.region,
      members: [{ customer: d, weight: d.traffic }],
    });
    if (r.chance(STAGING_CHANCE[d.tier])) {
      plans.push({
        owner: d.id,
        name: "staging",
        customer: d,
        cluster: null,
        region: d.region,
        members: [{ customer: d, weight: d.traffic * STAGING_TRAFFIC }],
      });
    }
  }
  for (const cluster of clusters) {
    plans.push({
      owner: cluster.id,
      name: "prod",
      customer: null,
      cluster,
      region: cluster.region,
      members: (cluster.tenants as unknown as DraftCustomer[]).map((t) => ({
        customer: t,
        weight: t.traffic,
      })),
    });
  }
  plans.sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : a.name < b.name ? -1 : 1));

  const environments: Environment[] = [];
  const sites: Site[] = [];
  for (const [index, plan] of plans.entries()) {
    const r = streamFor(options.seed, Stream.environment, index);
    const used = new Set<Feature>();
    for (const m of plan.members) for (const f of m.customer.features) used.add(f);
    const defs = SERVICES.filter((s) => s.feature === null || used.has(s.feature));
    const shareTotal = defs.reduce((sum, s) => sum + s.share, 0);
    const policy = rolloutPolicy(plan, interval, r);
    const rollout = planRollout({
      releases: options.releases,
      start: options.start,
      end,
      policy,
      utcOffset: plan.region.utcOffset,
      windowMinutes: r.int(90),
      services: defs.length,
      restartStream: (toIndex) => streamFor(options.seed, Stream.rollout, index, toIndex),
    });
    const environment = {
      index,
      key: `${plan.owner}/${plan.name}`,
      owner: plan.owner,
      name: plan.name,
      customer: plan.customer as unknown as Customer | null,
      cluster: plan.cluster?.id ?? null,
      region: plan.region,
      services: [] as ServiceDeployment[],
      sites: [] as Site[],
      weight: 0,
      rollout,
    };
    for (const member of plan.members) {
      const site: Site = {
        index: sites.length,
        customer: member.customer as unknown as Customer,
        environment,
        weight: member.weight,
        tenant: plan.cluster === null ? null : member.customer.id,
      };
      sites.push(site);
      environment.sites.push(site);
      environment.weight += member.weight;
    }
    for (const [s, def] of defs.entries()) {
      const users = environment.sites.filter((site) =>
        def.feature === null || site.customer.features.includes(def.feature)
      );
      const cumulativeWeights = new Float64Array(users.length);
      let sum = 0;
      for (const [i, site] of users.entries()) cumulativeWeights[i] = sum += site.weight;
      const format = r.pick(def.formats);
      environment.services.push({
        index: s,
        def,
        format,
        file: `${def.name}.${FORMAT_EXTENSION[format]}`,
        share: def.share / shareTotal,
        sites: users,
        cumulativeWeights,
        host: `${def.name}-${r.next().toString(36).slice(0, 6)}`,
        pid: r.between(900, 32000),
      });
    }
    environments.push(environment);
  }
  const totalWeight = environments.reduce((sum, e) => sum + e.weight, 0);
  return { customers, clusters, environments, sites, releases: options.releases, totalWeight };
}

function rolloutPolicy(
  plan: { name: string; cluster: Cluster | null; customer: DraftCustomer | null },
  interval: number,
  r: ReturnType<typeof streamFor>,
): Rollout["policy"] {
  if (plan.name === "staging") return { kind: "follow", lag: r.uniform(0.02, 0.2) * interval };
  if (plan.cluster !== null) return { kind: "follow", lag: r.uniform(0.1, 0.35) * interval };
  const tier = plan.customer!.tier;
  // Some customers upgrade only now and then, and run several versions behind.
  if (r.chance(tier === "enterprise" ? 0.25 : 0.12)) {
    const period = r.uniform(3, 5) * interval;
    return { kind: "batch", lag: r.uniform(0.8, 2) * interval, period, phase: r.float() * period };
  }
  const [low, high] = tier === "enterprise" ? [0.3, 1.5] : tier === "business" ? [0.2, 1.1] : [
    0.15,
    0.9,
  ];
  return { kind: "follow", lag: r.uniform(low, high) * interval };
}
