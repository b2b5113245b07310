import { parseArgs } from "node:util";
import { z } from "zod";
import { timeParam } from "../params.ts";

/**
 * The store's folder, as every task that opens one reads it: `--data`, else
 * LOUPE_DATA_DIR, else `./data`.
 */
export function dataDirOf(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): string {
  return flag ?? env.LOUPE_DATA_DIR ?? "./data";
}

/** How `deno task serve` runs; flags win over environment variables. */
export interface ServeConfig {
  readonly dataDir: string;
  readonly hostname: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly maxLineBytes: number;
  readonly apiKey?: string;
  /** Most lines one ingest request may carry. */
  readonly maxLines: number;
  /** Origins allowed by CORS; empty: no CORS headers. */
  readonly corsOrigins: readonly string[];
  /** The OTLP resource or record attribute that names a record's customer. */
  readonly otlpCustomerAttribute: string;
  /** Syslog listeners; off (undefined) unless a port is given. */
  readonly syslogTcpPort?: number;
  readonly syslogUdpPort?: number;
  /** The environment of syslog records whose message does not name one. */
  readonly syslogEnvironment: string;
}

const serveSchema = z.object({
  dataDir: z.string().min(1),
  hostname: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  maxBodyBytes: z.coerce.number().int().min(1024),
  maxLineBytes: z.coerce.number().int().min(64),
  apiKey: z.string().min(8, "the API key must have at least 8 characters").optional(),
  maxLines: z.coerce.number().int().min(1).max(10_000_000),
  corsOrigins: z.array(z.url()).max(100),
  otlpCustomerAttribute: z.string().min(1),
  syslogTcpPort: z.coerce.number().int().min(0).max(65535).optional(),
  syslogUdpPort: z.coerce.number().int().min(0).max(65535).optional(),
  syslogEnvironment: z.string().min(1),
});

export const SERVE_USAGE =
  `Usage: deno task serve [--port N] [--host H] [--data DIR] [--max-body-bytes N] [--max-line-bytes N]

Environment: LOUPE_PORT (8000), LOUPE_HOST (127.0.0.1), LOUPE_DATA_DIR (./data),
LOUPE_MAX_BODY_BYTES (16 MiB), LOUPE_MAX_LINE_BYTES (64 KiB), LOUPE_API_KEY (none: no auth),
LOUPE_MAX_LINES (100000 lines per ingest request), LOUPE_CORS_ORIGINS (none: CORS off; a comma list),
LOUPE_OTLP_CUSTOMER_ATTRIBUTE (customer.id), LOUPE_SYSLOG_TCP_PORT and LOUPE_SYSLOG_UDP_PORT
(none: no syslog listener), LOUPE_SYSLOG_ENVIRONMENT (prod)`;

/** Reads serve flags and environment; throws an Error that says which value is wrong. */
export function serveConfig(
  args: readonly string[],
  env: Record<string, string | undefined>,
): ServeConfig {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      data: { type: "string" },
      "max-body-bytes": { type: "string" },
      "max-line-bytes": { type: "string" },
    },
    strict: true,
  });
  const parsed = serveSchema.safeParse({
    dataDir: dataDirOf(values.data, env),
    hostname: values.host ?? env.LOUPE_HOST ?? "127.0.0.1",
    port: values.port ?? env.LOUPE_PORT ?? 8000,
    maxBodyBytes: values["max-body-bytes"] ?? env.LOUPE_MAX_BODY_BYTES ?? 16 * 1024 * 1024,
    maxLineBytes: values["max-line-bytes"] ?? env.LOUPE_MAX_LINE_BYTES ?? 64 * 1024,
    apiKey: env.LOUPE_API_KEY || undefined,
    maxLines: env.LOUPE_MAX_LINES ?? 100_000,
    corsOrigins: (env.LOUPE_CORS_ORIGINS ?? "").split(",").map((o) => o.trim()).filter((o) =>
      o !== ""
    ),
    otlpCustomerAttribute: env.LOUPE_OTLP_CUSTOMER_ATTRIBUTE || "customer.id",
    syslogTcpPort: env.LOUPE_SYSLOG_TCP_PORT || undefined,
    syslogUdpPort: env.LOUPE_SYSLOG_UDP_PORT || undefined,
    syslogEnvironment: env.LOUPE_SYSLOG_ENVIRONMENT || "prod",
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid configuration: ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

/** How `deno task replay` runs. */
export interface ReplayConfig {
  readonly dataDir: string;
  readonly imports: readonly string[];
  /** The CRM's customer export (CSV), imported into the directory before the logs. */
  readonly customersFile?: string;
  /** Knowledge-base articles to import (articles.json, .jsonl, .md or a folder of .md files). */
  readonly articles: readonly string[];
  /** Ticket history (the simulator's tickets.json, or a CSV export), imported with its real times. */
  readonly ticketsFile?: string;
  /** Which CSV column holds which ticket part (`customer`, `environment`, ...), for --tickets. */
  readonly ticketColumns?: Readonly<Record<string, string>>;
  /** Where to write the reports (priorities, issues, trends, customer impact) after the rebuild. */
  readonly reportDir?: string;
  /** The reports' period, epoch ms (`from` inclusive, `to` exclusive); all the data when absent. */
  readonly from?: number;
  readonly to?: number;
  readonly customer?: string;
  readonly environment?: string;
  readonly service?: string;
  readonly version?: string;
  readonly format: "auto" | "jsonl" | "logfmt" | "syslog" | "access" | "text" | "csv";
  /** Take customer and environment from `<root>/<customer>/<environment>/...`. */
  readonly layout: "customer/environment" | "none";
  readonly batchSize: number;
  readonly maxLineBytes: number;
}

export const REPLAY_USAGE =
  `Usage: deno task replay [--data DIR] [--customers CSV] [--import PATH ...]
                        [--report DIR [--from TIME] [--to TIME]]
                        [--customer C] [--environment E]
                        [--service S] [--version V] [--format auto|jsonl|logfmt|syslog|access|text|csv]
                        [--layout customer/environment|none] [--batch-size N]
                        [--articles PATH ...]

Imports the given log files, directories or .gz archives (if any), then rebuilds
every projection from event position 0. A directory is read as
<customer>/<environment>/<file> unless --customer is given or --layout none.
--customers imports the CRM's customer export (CSV: customer_id, name, tier,
contract_value, region, deployment_model, environments, tenant_id, ...) into the
directory first: records are then attributed to customers by environment and tenant.
--report writes, as of the latest record: priorities.json, issues.json, trends.json,
customers.json, and customers/<id>.json and .csv (each customer's impact report).
With --from and/or --to (ISO 8601 or epoch ms; --to exclusive) the reports cover
only the records of that period, as of its latest record.
--articles imports knowledge-base articles (the simulator's articles.json, JSON
lines, a Markdown file with front matter or a folder of them); importing the
same articles again changes nothing.
--tickets FILE imports ticket history (the simulator's tickets.json, or a CSV export
with one row per ticket or per change) with every comment, status change and
resolution at its own time; importing the same tickets again keeps each once.
--ticket-columns JSON says which CSV column holds which part of a ticket, e.g.
'{"customer":"Company","environment":"Site"}' (customer, environment, subject,
description, severity, reporter); a column not in the header stops the import.`;

const replaySchema = z.object({
  dataDir: z.string().min(1),
  imports: z.array(z.string().min(1)),
  customersFile: z.string().min(1).optional(),
  articles: z.array(z.string().min(1)),
  ticketsFile: z.string().min(1).optional(),
  ticketColumns: z.string().optional().transform((text, ctx) => {
    if (text === undefined) return undefined;
    try {
      const parsed = z.record(z.string(), z.string().min(1)).safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    ctx.addIssue({
      code: "custom",
      message: `not a JSON object of ticket part to column name: ${text.slice(0, 100)}`,
    });
    return z.NEVER;
  }),
  reportDir: z.string().min(1).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  customer: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  format: z.enum(["auto", "jsonl", "logfmt", "syslog", "access", "text", "csv"]),
  layout: z.enum(["customer/environment", "none"]),
  batchSize: z.coerce.number().int().min(1).max(100_000),
  maxLineBytes: z.coerce.number().int().min(64),
}).refine((c) => c.reportDir !== undefined || (c.from === undefined && c.to === undefined), {
  path: ["from"],
  message: "--from and --to set the period of --report; give --report DIR",
}).refine((c) => c.from === undefined || c.to === undefined || c.from < c.to, {
  path: ["to"],
  message: "the period is empty: --to must come after --from",
});

export function replayConfig(
  args: readonly string[],
  env: Record<string, string | undefined>,
): ReplayConfig {
  const { values } = parseArgs({
    args: [...args],
    options: {
      data: { type: "string" },
      import: { type: "string", multiple: true },
      customers: { type: "string" },
      articles: { type: "string", multiple: true },
      tickets: { type: "string" },
      "ticket-columns": { type: "string" },
      report: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      customer: { type: "string" },
      environment: { type: "string" },
      service: { type: "string" },
      version: { type: "string" },
      format: { type: "string" },
      layout: { type: "string" },
      "batch-size": { type: "string" },
    },
    strict: true,
  });
  const parsed = replaySchema.safeParse({
    dataDir: dataDirOf(values.data, env),
    imports: values.import ?? [],
    customersFile: values.customers,
    articles: values.articles ?? [],
    ticketsFile: values.tickets,
    ticketColumns: values["ticket-columns"],
    reportDir: values.report,
    from: values.from,
    to: values.to,
    customer: values.customer,
    environment: values.environment,
    service: values.service,
    version: values.version,
    format: values.format ?? "auto",
    layout: values.layout ?? (values.customer === undefined ? "customer/environment" : "none"),
    batchSize: values["batch-size"] ?? 10_000,
    maxLineBytes: env.LOUPE_MAX_LINE_BYTES ?? 64 * 1024,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path.join(".") === "ticketColumns" ? "ticket-columns" : issue.path.join(".");
    throw new Error(`Invalid arguments: --${flag}: ${issue.message}`);
  }
  return parsed.data;
}
