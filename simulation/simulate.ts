/**
 * `deno task simulate`: generates a support scenario with known ground truth
 * and writes it to a directory (`--out`) or streams it into a running Loupe
 * (`--serve`). Progress goes to stderr, a summary to stdout.
 */
import { SIMULATE_USAGE, simulateConfig } from "./config.ts";
import { formatDuration, ProgressLine } from "../adapters/cli/progress.ts";
import { ScenarioFileSink } from "./sinks/file_sink.ts";
import { ScenarioHttpSink } from "./sinks/http_sink.ts";
import { DEFAULT_OPTIONS, planScenario, simulateHours } from "./scenario.ts";

if (import.meta.main) {
  let config;
  try {
    config = simulateConfig(Deno.args);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${SIMULATE_USAGE}`);
    Deno.exit(2);
  }
  const startedAt = performance.now();
  const scenario = planScenario({
    ...DEFAULT_OPTIONS,
    seed: config.seed,
    customers: config.customers,
    days: config.days,
    eventsPerDay: config.eventsPerDay,
    start: config.start,
    corruptionRate: config.corruptionRate,
  });
  const planned = performance.now();
  const apiKey = Deno.env.get("LOUPE_API_KEY") || undefined;
  const sink = config.out !== undefined
    ? new ScenarioFileSink(config.out)
    : new ScenarioHttpSink({ url: config.serve!, speed: config.speed, apiKey });
  await sink.begin(scenario);
  const progress = new ProgressLine(`simulate ${config.out ?? config.serve}`, performance.now());
  const hours = config.days * 24;
  let done = 0;
  // Sampled each hour: shows that memory does not grow with the days simulated.
  let peakRss = 0;
  for (const hour of simulateHours(scenario)) {
    await sink.hour(hour);
    done++;
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
    progress.update(
      performance.now(),
      sink.lines,
      "lines",
      `day ${Math.ceil(done / 24)}/${config.days}`,
      done / hours,
    );
  }
  await sink.finish();
  progress.end();
  const seconds = (performance.now() - startedAt) / 1000;
  console.log(JSON.stringify(
    {
      out: config.out ?? null,
      serve: config.serve ?? null,
      seed: config.seed,
      customers: scenario.fleet.customers.length,
      environments: scenario.fleet.environments.length,
      days: config.days,
      lines: sink.lines,
      lines_per_second: Math.round(sink.lines / seconds),
      peak_rss_mib: Math.round(peakRss / 1024 / 1024),
      incidents: scenario.incidents.length,
      tickets: scenario.tickets.length,
      articles: scenario.articles.length,
      planning: formatDuration((planned - startedAt) / 1000),
      took: formatDuration(seconds),
    },
    null,
    2,
  ));
}
