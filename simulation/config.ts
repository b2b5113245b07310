/**
 * The flags of `deno task simulate`, checked before anything is generated.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import type { SimulationOptions } from "./scenario.ts";

/** How `deno task simulate` runs: the scenario options its flags set, and where the data goes. */
export interface SimulateConfig extends
  Pick<
    SimulationOptions,
    "seed" | "customers" | "days" | "eventsPerDay" | "start" | "corruptionRate"
  > {
  readonly out?: string;
  readonly serve?: string;
  /** Simulated time per real time when serving; 0: as fast as the service takes it. */
  readonly speed: number;
}

export const SIMULATE_USAGE =
  `Usage: deno task simulate [--customers 500] [--days 30] [--events-per-day 1000000] [--seed 7]
                          [--start 2026-10-01] [--corruption-rate 0.0005]
                          (--out DIR | --serve URL [--speed N])

Generates a support scenario with known ground truth. --out writes logs/, customers.csv,
tickets.json, articles.json, metrics.jsonl and truth.json; --serve streams the same data
into a running Loupe (LOUPE_API_KEY is sent when set), --speed N at N times real time
(default 0: as fast as it takes it).`;

const simulateSchema = z.object({
  seed: z.coerce.number().int().min(0).max(2 ** 32 - 1),
  customers: z.coerce.number().int().min(1).max(100_000),
  days: z.coerce.number().int().min(1).max(3_660),
  eventsPerDay: z.coerce.number().int().min(1).max(1_000_000_000),
  start: z.string().transform((value, ctx) => {
    const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(at)) {
      ctx.addIssue({ code: "custom", message: `not a date: ${value} (use e.g. 2026-10-01)` });
      return z.NEVER;
    }
    return at;
  }),
  corruptionRate: z.coerce.number().min(0).max(1),
  out: z.string().min(1).optional(),
  serve: z.url().optional(),
  speed: z.coerce.number().min(0),
}).refine((c) => (c.out === undefined) !== (c.serve === undefined), {
  message: "give exactly one of --out DIR or --serve URL",
  path: ["out"],
});

export function simulateConfig(args: readonly string[]): SimulateConfig {
  const { values } = parseArgs({
    args: [...args],
    options: {
      seed: { type: "string" },
      customers: { type: "string" },
      days: { type: "string" },
      "events-per-day": { type: "string" },
      start: { type: "string" },
      "corruption-rate": { type: "string" },
      out: { type: "string" },
      serve: { type: "string" },
      speed: { type: "string" },
    },
    strict: true,
  });
  const parsed = simulateSchema.safeParse({
    seed: values.seed ?? 7,
    customers: values.customers ?? 500,
    days: values.days ?? 30,
    eventsPerDay: values["events-per-day"] ?? 1_000_000,
    start: values.start ?? "2026-10-01",
    corruptionRate: values["corruption-rate"] ?? 0.0005,
    out: values.out,
    serve: values.serve,
    speed: values.speed ?? 0,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid arguments: --${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}
