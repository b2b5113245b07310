/**
 * Symptom-to-log correlation: which signatures most likely explain what a
 * customer reports, from the words of the ticket and the template (with a
 * lexicon of support-language and log-language), the time the signature
 * started and burst, how many customers it hits, and its severity. Pure.
 *
 * @example
 * ```ts
 * import { tokenize, tokenizeTicket } from "./mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(tokenizeTicket("I can't sign in"), ["fail", "login"]);
 * assert.deepEqual(tokenize("TokenExpired for session <*>"), ["token", "expir", "session"]);
 * ```
 *
 * @module
 */
export * from "./score.ts";
export {
  buildIdf,
  conceptsOf,
  type Idf,
  stem,
  textSimilarity,
  tfIdfCosine,
  tokenize,
  tokenizeTicket,
  type Word,
  words,
} from "./text.ts";
export { type Concept, CONCEPTS } from "./lexicon.ts";
export { restartBurst, type Upgrade, upgradesOf } from "./restart.ts";
