/**
 * Loupe's domain for other Deno code: mine log lines into signatures,
 * classify a signature's trend and tell which version introduced it, score
 * its impact on customers, rank the signatures behind a support ticket,
 * evaluate metric threshold rules, and read severities and records as Loupe
 * does. Pure functions: time and data arrive as arguments, nothing does I/O.
 *
 * ```ts
 * import { mineCorpus } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const { templates } = mineCorpus([
 *   "Connection to db-1 timed out after 30 s",
 *   "Connection to db-7 timed out after 12 s",
 * ]);
 * assert.equal(templates.size, 1);
 * assert.equal([...templates.values()][0], "Connection to db-<*> timed out after <*> s");
 * ```
 *
 * @module
 */
export { mineCorpus, type MinerConfig } from "./domain/mining/mod.ts";
export {
  classifyTrend,
  compareVersions,
  type HourlySeries,
  type TrendClass,
  type TrendOptions,
  type TrendVerdict,
  type VersionRate,
  type VersionVerdict,
  versionVerdict,
} from "./domain/trends/mod.ts";
export { type CustomerExposure, impactOf, type ImpactScore } from "./domain/impact/mod.ts";
export {
  type Features,
  type FleetSpread,
  type Idf,
  rankSignatures,
  type RestartBurst,
  type ScoredSignature,
  type SignatureFacts,
  type TicketFacts,
} from "./domain/correlation/mod.ts";
export {
  type Comparison,
  COMPARISONS,
  evaluateRules,
  type Finding,
  type MetricsSnapshot,
  type Rule,
  RULE_SEVERITIES,
  type RuleSeverity,
} from "./domain/rules/mod.ts";
export {
  parseSeverity,
  type Severity,
  type SeverityText,
  severityTextOf,
} from "./domain/severity.ts";
export {
  type Attributes,
  type AttributeValue,
  type LogRecord,
  normalizeRecord,
  type ParsedLog,
  type RecordOrigin,
  type SourceContext,
} from "./domain/log_record.ts";
