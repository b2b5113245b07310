/**
 * `simulate`: how fast the simulator writes a realistic fleet (500
 * customers, 1M events/day) and whether its memory stays flat as days are
 * added, which is what makes a year at 1M events/day generatable.
 */
import { runEntry } from "../support/cli.ts";
import { atLeast, type Bench, type BenchRow } from "./bench_types.ts";

const DAYS = Number(Deno.env.get("LOUPE_BENCH_SIM_DAYS") ?? 3);

async function run(days: number, out: string): Promise<Record<string, number>> {
  const result = await runEntry("simulate", [
    "--customers",
    "500",
    "--days",
    String(days),
    "--events-per-day",
    "1000000",
    "--seed",
    "7",
    "--out",
    out,
  ]);
  if (result.code !== 0) throw new Error(`Cannot run the simulator: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

export const simulateBenches: readonly Bench[] = [{
  name: "simulate",
  description: "simulator generation speed and memory at 500 customers, 1M events/day",
  async run(): Promise<BenchRow[]> {
    const bench = "simulate";
    const dir = await Deno.makeTempDir({ prefix: "loupe-bench-simulate-" });
    try {
      const short = await run(1, `${dir}/short`);
      const long = await run(DAYS, `${dir}/long`);
      const rate = long.lines_per_second!;
      const yearHours = 365_000_000 / rate / 3600;
      return [
        { bench, metric: `lines written (${DAYS} days)`, value: long.lines!, unit: "lines" },
        {
          bench,
          metric: "generation speed",
          value: rate,
          unit: "lines/s",
          // A year at 1M events/day within a working night (≤ 2 h).
          ...atLeast(rate, 50_000),
        },
        {
          bench,
          metric: "a year at 1M events/day, projected",
          value: Math.round(yearHours * 10) / 10,
          unit: "hours",
        },
        { bench, metric: "peak RSS, 1 day", value: short.peak_rss_mib!, unit: "MiB" },
        {
          bench,
          metric: `peak RSS, ${DAYS} days`,
          value: long.peak_rss_mib!,
          unit: "MiB",
          note: "compare with 1 day: memory should not grow with the days simulated",
        },
      ];
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
}];
