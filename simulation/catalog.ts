/**
 * The product the simulated fleet runs: regions, features, services, the
 * dependencies they call and the formats they log in.
 *
 * @module
 */

export const TIERS = ["enterprise", "business", "standard"] as const;
export type Tier = (typeof TIERS)[number];

export const DEPLOYMENT_MODELS = ["single-tenant", "multi-tenant"] as const;
export type DeploymentModel = (typeof DEPLOYMENT_MODELS)[number];

export interface Region {
  readonly id: string;
  /** Hours from UTC; the simulated world has no daylight saving time. */
  readonly utcOffset: number;
  readonly weight: number;
  /** Legal form companies of the region use in their names. */
  readonly legal: string;
}

export const REGIONS: readonly Region[] = [
  { id: "us-east", utcOffset: -5, weight: 3, legal: "Inc." },
  { id: "us-west", utcOffset: -8, weight: 2, legal: "LLC" },
  { id: "eu-west", utcOffset: 0, weight: 2.5, legal: "Ltd" },
  { id: "eu-central", utcOffset: 1, weight: 2, legal: "GmbH" },
  { id: "ap-southeast", utcOffset: 8, weight: 1.5, legal: "Pte. Ltd." },
];

export const FEATURES = [
  "checkout",
  "payments",
  "search",
  "reporting",
  "webhooks",
  "sso",
  "bulk-import",
] as const;
export type Feature = (typeof FEATURES)[number];

/** How likely a customer of each tier is to use a feature. */
export const FEATURE_ADOPTION: Record<Feature, Record<Tier, number>> = {
  checkout: { enterprise: 0.85, business: 0.75, standard: 0.65 },
  payments: { enterprise: 0.75, business: 0.65, standard: 0.55 },
  search: { enterprise: 0.8, business: 0.6, standard: 0.45 },
  reporting: { enterprise: 0.9, business: 0.6, standard: 0.3 },
  webhooks: { enterprise: 0.7, business: 0.45, standard: 0.2 },
  sso: { enterprise: 0.85, business: 0.35, standard: 0.1 },
  "bulk-import": { enterprise: 0.6, business: 0.4, standard: 0.2 },
};

export const DEPENDENCIES = [
  "postgres",
  "redis",
  "payment_api",
  "s3",
  "elasticsearch",
  "smtp",
  "idp",
] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/** Typical response time of each dependency, in ms (median). */
export const DEPENDENCY_MS: Record<Dependency, number> = {
  postgres: 6,
  redis: 1.2,
  payment_api: 240,
  s3: 45,
  elasticsearch: 28,
  smtp: 180,
  idp: 120,
};

export const LOG_FORMATS = ["jsonl", "logfmt", "syslog", "log4j", "access"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The file extension each format is written with. */
export const FORMAT_EXTENSION: Record<LogFormat, string> = {
  jsonl: "jsonl",
  logfmt: "log",
  syslog: "log",
  log4j: "log",
  access: "log",
};

export interface ServiceDef {
  readonly name: string;
  /** The feature a customer must use for the service to run; null: always runs. */
  readonly feature: Feature | null;
  /** Formats the service may log in; one is chosen per environment. */
  readonly formats: readonly LogFormat[];
  /** Share of an environment's traffic (before normalizing). */
  readonly share: number;
  readonly dependencies: readonly Dependency[];
  /** Java package for log4j loggers. */
  readonly pkg: string;
  /** Gateway routes that reach this service, with their weight. */
  readonly routes: readonly {
    readonly method: string;
    readonly path: string;
    readonly w: number;
  }[];
}

export const SERVICES: readonly ServiceDef[] = [
  {
    name: "gateway",
    feature: null,
    formats: ["access"],
    share: 0.34,
    dependencies: [],
    pkg: "",
    routes: [
      { method: "GET", path: "/", w: 6 },
      { method: "GET", path: "/static/app.{hex}.js", w: 5 },
      { method: "GET", path: "/static/styles.{hex}.css", w: 3 },
      { method: "GET", path: "/healthz", w: 4 },
    ],
  },
  {
    name: "auth",
    feature: null,
    formats: ["jsonl", "logfmt", "syslog"],
    share: 0.14,
    dependencies: ["postgres", "redis", "idp"],
    pkg: "com.acme.auth",
    routes: [
      { method: "POST", path: "/api/v2/session", w: 5 },
      { method: "POST", path: "/oauth/token", w: 4 },
      { method: "GET", path: "/sso/saml/acs", w: 1 },
      { method: "DELETE", path: "/api/v2/session", w: 1 },
    ],
  },
  {
    name: "notifications",
    feature: null,
    formats: ["logfmt", "syslog", "jsonl"],
    share: 0.07,
    dependencies: ["smtp", "redis"],
    pkg: "com.acme.notify",
    routes: [{ method: "POST", path: "/api/v2/webhooks/test", w: 1 }],
  },
  {
    name: "orders",
    feature: "checkout",
    formats: ["jsonl", "log4j"],
    share: 0.16,
    dependencies: ["postgres", "redis"],
    pkg: "com.acme.orders",
    routes: [
      { method: "GET", path: "/api/v2/cart/{id}", w: 6 },
      { method: "POST", path: "/api/v2/cart/{id}/items", w: 3 },
      { method: "POST", path: "/api/v2/checkout", w: 2 },
      { method: "GET", path: "/api/v2/orders/{id}", w: 3 },
    ],
  },
  {
    name: "payments",
    feature: "payments",
    formats: ["log4j", "jsonl"],
    share: 0.08,
    dependencies: ["postgres", "payment_api"],
    pkg: "com.acme.payments",
    routes: [
      { method: "POST", path: "/api/v2/payments", w: 3 },
      { method: "POST", path: "/api/v2/payments/{id}/capture", w: 1 },
      { method: "POST", path: "/webhooks/psp", w: 1 },
    ],
  },
  {
    name: "search",
    feature: "search",
    formats: ["jsonl", "logfmt"],
    share: 0.12,
    dependencies: ["elasticsearch", "redis"],
    pkg: "com.acme.search",
    routes: [
      { method: "GET", path: "/api/v2/search", w: 6 },
      { method: "GET", path: "/api/v2/autocomplete", w: 4 },
    ],
  },
  {
    name: "reports",
    feature: "reporting",
    formats: ["log4j"],
    share: 0.05,
    dependencies: ["postgres", "s3"],
    pkg: "com.acme.reports",
    routes: [
      { method: "POST", path: "/api/v2/reports", w: 2 },
      { method: "GET", path: "/api/v2/reports/{id}/download", w: 2 },
    ],
  },
  {
    name: "importer",
    feature: "bulk-import",
    formats: ["log4j", "logfmt"],
    share: 0.04,
    dependencies: ["s3", "postgres"],
    pkg: "com.acme.importer",
    routes: [{ method: "POST", path: "/api/v2/imports", w: 1 }],
  },
];

export function serviceByName(name: string): ServiceDef {
  const service = SERVICES.find((s) => s.name === name);
  if (service === undefined) throw new Error(`Cannot find service: ${name}`);
  return service;
}

/** Relative traffic by local hour: quiet nights, busy business hours, an evening shopping bump. */
const HOURLY_RAW = [
  0.25,
  0.18,
  0.15,
  0.14,
  0.16,
  0.25,
  0.45,
  0.8,
  1.25,
  1.55,
  1.65,
  1.7,
  1.6,
  1.65,
  1.7,
  1.6,
  1.5,
  1.35,
  1.25,
  1.3,
  1.35,
  1.1,
  0.7,
  0.4,
];
const HOURLY_MEAN = HOURLY_RAW.reduce((a, b) => a + b, 0) / 24;
/** Hourly traffic factors by local hour; they average to 1 over a day. */
export const HOURLY_FACTOR: readonly number[] = HOURLY_RAW.map((v) => v / HOURLY_MEAN);

/** Weekday factors (Sunday first); they average to 1 over a week. */
export const WEEKDAY_FACTOR: readonly number[] = [0.7, 1.12, 1.12, 1.12, 1.12, 1.12, 0.7];

/** How busy a region is at an instant, relative to its average. */
export function loadFactor(utcOffset: number, at: number): number {
  const local = new Date(at + utcOffset * 3_600_000);
  return HOURLY_FACTOR[local.getUTCHours()]! * WEEKDAY_FACTOR[local.getUTCDay()]!;
}
