/**
 * Signature mining: groups log lines into error signatures (templates).
 *
 * - {@link SignatureMiner} mines batches online and can be restored from the
 *   events it emitted; {@link mineCorpus} mines a whole corpus at once.
 * - {@link skeletonsOf} reduces a batch to what the miner decides on, so that
 *   work can run apart from the miner (where the lines were parsed).
 * - {@link learnHeader} learns a source's header (timestamp, level, host,
 *   component...) from its lines and strips it.
 * - {@link groupingAccuracy} and {@link parsingAccuracy} are the Loghub
 *   measures of a parser.
 *
 * Pure: no I/O, no clock, no randomness; the same input in the same order and
 * batching gives the same ids and templates.
 *
 * @example
 * ```ts
 * import { learnHeader, mineCorpus } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const lines = [
 *   "2024-03-01 10:00:01,123 INFO [main] Opened session 42 for 10.0.0.1",
 *   "2024-03-01 10:00:02,456 INFO [main] Opened session 43 for 10.0.0.7",
 *   "2024-03-01 10:00:03,789 ERROR [pool-1] Disk /dev/sda1 is full",
 * ];
 * const header = learnHeader(lines);
 * const { signatureIds, templates } = mineCorpus(lines.map((l) => header.strip(l).message));
 * assert.equal(signatureIds[0], signatureIds[1]);
 * assert.equal(templates.get(signatureIds[2]!), "Disk <*> is full");
 * ```
 *
 * @module
 */
export {
  DEFAULT_MINER_CONFIG,
  facetsOf,
  MAX_FACET_VALUES,
  mineCorpus,
  type MinerConfig,
  type SignatureFacet,
  SignatureMiner,
} from "./miner.ts";
export {
  type HeaderModel,
  type HeaderOptions,
  learnHeader,
  parseTime,
  type StrippedLine,
} from "./header.ts";
export { groupingAccuracy, normalizeTemplate, parsingAccuracy } from "./accuracy.ts";
export type { MineResult, MinerEvent } from "./miner_events.ts";
export { type SkeletonBatch, skeletonsOf } from "./skeletons.ts";
