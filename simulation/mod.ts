/**
 * The tools beside the product: a seeded support scenario generator (a
 * fleet of customer environments, their incidents, logs, metrics, tickets
 * and articles, with the truth of who was hit), the sinks that write it to
 * files or push it to a running Loupe, and the developer CLIs
 * (`deno task simulate`, `deno task mine`). They use the product; the
 * product never imports them (`test/lint/import_direction.ts`).
 *
 * @example
 * ```ts
 * import { DEFAULT_OPTIONS, planScenario } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const scenario = planScenario({ ...DEFAULT_OPTIONS, customers: 3, days: 1, seed: 7 });
 * assert.equal(scenario.fleet.customers.length, 3);
 * ```
 *
 * @module
 */
export {
  DEFAULT_OPTIONS,
  planScenario,
  type Scenario,
  type SimulatedHour,
  simulateHours,
  type SimulationOptions,
  truthOf,
} from "./scenario.ts";
export type { Article, SimTicket } from "./tickets.ts";
export { ScenarioFileSink } from "./sinks/file_sink.ts";
export { type HttpSinkOptions, ScenarioHttpSink } from "./sinks/http_sink.ts";
export { type MinedFile, mineFile, type MineFileOptions } from "./mine.ts";
