import { parseArgs } from "node:util";
import { z } from "zod";

/** How `deno task serve` runs; flags win over environment variables. */
export interface ServeConfig {
  readonly dataDir: string;
  readonly hostname: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly maxLineBytes: number;
  readonly apiKey?: string;
}

const serveSchema = z.object({
  dataDir: z.string().min(1),
  hostname: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  maxBodyBytes: z.coerce.number().int().min(1024),
  maxLineBytes: z.coerce.number().int().min(64),
  apiKey: z.string().min(8, "the API key must have at least 8 characters").optional(),
});

export const SERVE_USAGE =
  `Usage: deno task serve [--port N] [--host H] [--data DIR] [--max-body-bytes N] [--max-line-bytes N]

Environment: LOUPE_PORT (8000), LOUPE_HOST (127.0.0.1), LOUPE_DATA_DIR (./data),
LOUPE_MAX_BODY_BYTES (16 MiB), LOUPE_MAX_LINE_BYTES (64 KiB), LOUPE_API_KEY (none: no auth)`;

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
    dataDir: values.data ?? env.LOUPE_DATA_DIR ?? "./data",
    hostname: values.host ?? env.LOUPE_HOST ?? "127.0.0.1",
    port: values.port ?? env.LOUPE_PORT ?? 8000,
    maxBodyBytes: values["max-body-bytes"] ?? env.LOUPE_MAX_BODY_BYTES ?? 16 * 1024 * 1024,
    maxLineBytes: values["max-line-bytes"] ?? env.LOUPE_MAX_LINE_BYTES ?? 64 * 1024,
    apiKey: env.LOUPE_API_KEY || undefined,
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
  `Usage: deno task replay [--data DIR] [--import PATH ...] [--customer C] [--environment E]
                        [--service S] [--version V] [--format auto|jsonl|logfmt|syslog|access|text|csv]
                        [--layout customer/environment|none] [--batch-size N]

Imports the given log files, directories or .gz archives (if any), then rebuilds
every projection from event position 0. A directory is read as
<customer>/<environment>/<file> unless --customer is given or --layout none.`;

const replaySchema = z.object({
  dataDir: z.string().min(1),
  imports: z.array(z.string().min(1)),
  customer: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  format: z.enum(["auto", "jsonl", "logfmt", "syslog", "access", "text", "csv"]),
  layout: z.enum(["customer/environment", "none"]),
  batchSize: z.coerce.number().int().min(1).max(100_000),
  maxLineBytes: z.coerce.number().int().min(64),
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
    dataDir: values.data ?? env.LOUPE_DATA_DIR ?? "./data",
    imports: values.import ?? [],
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
    throw new Error(`Invalid arguments: --${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}
