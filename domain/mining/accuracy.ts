/**
 * Accuracy measures of log parsing as the Loghub benchmark defines them.
 *
 * @module
 */

/**
 * Grouping accuracy (Zhu et al., ICSE-SEIP 2019): a line is correct when the
 * set of lines in its predicted group is exactly the set of lines sharing its
 * ground-truth event. GA = correct lines / all lines (1 for no lines).
 *
 * @example
 * ```ts
 * import { groupingAccuracy } from "./accuracy.ts";
 * import assert from "node:assert/strict";
 * // The truth group {2, 3} was split: lines 2 and 3 are wrong.
 * assert.equal(groupingAccuracy(["a", "a", "b", "c"], ["E1", "E1", "E2", "E2"]), 0.5);
 * ```
 */
export function groupingAccuracy(predicted: readonly string[], truth: readonly string[]): number {
  if (predicted.length !== truth.length) {
    throw new RangeError(
      `Cannot compute grouping accuracy: ${predicted.length} predictions for ${truth.length} lines`,
    );
  }
  const n = truth.length;
  if (n === 0) return 1;
  // Lines per predicted group, per truth group, and per (predicted, truth) pair.
  const predSize = new Map<string, number>();
  const truthSize = new Map<string, number>();
  const pairSize = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const p = predicted[i]!;
    const t = truth[i]!;
    predSize.set(p, (predSize.get(p) ?? 0) + 1);
    truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
    const k = pairKey(p, t);
    pairSize.set(k, (pairSize.get(k) ?? 0) + 1);
  }
  // A predicted group is correct when it coincides with one truth group.
  let correct = 0;
  const counted = new Set<string>();
  for (let i = 0; i < n; i++) {
    const p = predicted[i]!;
    if (counted.has(p)) continue;
    counted.add(p);
    const t = truth[i]!;
    const size = predSize.get(p)!;
    if (pairSize.get(pairKey(p, t)) === size && truthSize.get(t) === size) correct += size;
  }
  return correct / n;
}

function pairKey(p: string, t: string): string {
  return JSON.stringify([p, t]);
}

/**
 * Parsing accuracy (PA, Dai et al. / Khan et al. 2022, as in the Loghub-2.0
 * evaluator): the fraction of lines whose predicted template equals the
 * ground-truth template. Both templates are first normalised with
 * {@link normalizeTemplate}, so typed placeholders (`<num>`, `<ip>`...) count
 * as `<*>` and the usual placeholder conventions do not matter.
 *
 * @example
 * ```ts
 * import { parsingAccuracy } from "./accuracy.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parsingAccuracy(["took <num> ms", "a <*>"], ["took <*> ms", "a b"]), 0.5);
 * ```
 */
export function parsingAccuracy(
  predictedTemplates: readonly string[],
  truthTemplates: readonly string[],
): number {
  if (predictedTemplates.length !== truthTemplates.length) {
    throw new RangeError(
      `Cannot compute parsing accuracy: ${predictedTemplates.length} templates for ${truthTemplates.length} lines`,
    );
  }
  const n = truthTemplates.length;
  if (n === 0) return 1;
  const cache = new Map<string, string>();
  const norm = (t: string): string => {
    let v = cache.get(t);
    if (v === undefined) {
      v = normalizeTemplate(t);
      cache.set(t, v);
    }
    return v;
  };
  let correct = 0;
  for (let i = 0; i < n; i++) {
    if (norm(predictedTemplates[i]!) === norm(truthTemplates[i]!)) correct++;
  }
  return correct / n;
}

const PATH_DELIMS = /(\s|,|!|;|:|=|\||"|'|\[|\]|\(|\)|\{|\})/;
const TOKEN_DELIMS = /(\s|,|!|;|:|=|\||"|'|\[|\]|\(|\)|\{|\}|\.|-|\+|@|#|\$|%|&)/;
const BOOLEANS_AND_DEFAULTS = new Set(["true", "false", "null", "root", "admin"]);

/**
 * Normalises a template the way the Loghub-2.0 evaluator's template
 * correction does (`correct_single_template`), after mapping any typed
 * placeholder `<name>` to `<*>`:
 * - DS: whitespace runs become one space, ends trimmed;
 * - PS: path-like tokens (`/a/b`) become `<*>`;
 * - BL/US: `true`, `false`, `null`, `root`, `admin` become `<*>`;
 * - DG: digit-only tokens become `<*>`;
 * - WV: a token glued to a variable (`blk_<*>`) becomes `<*>`;
 * - DV/CV: `<*>` joined by `.`, `:`, `/`, `#`, `@` or nothing merge into one.
 *
 * @example
 * ```ts
 * import { normalizeTemplate } from "./accuracy.ts";
 * import assert from "node:assert/strict";
 * assert.equal(normalizeTemplate("Took <num>.<num>  s to blk_<*>"), "Took <*> s to <*>");
 * ```
 */
export function normalizeTemplate(template: string): string {
  let t = template.replace(/<[A-Za-z_][A-Za-z0-9_]*>/g, "<*>");
  t = t.trim().replace(/\s+/g, " ");
  t = t.split(PATH_DELIMS).map((p) => (/^(\/[^/]+)+$/.test(p) ? "<*>" : p)).join("");
  t = t.split(TOKEN_DELIMS).map((tok) => {
    let v = tok;
    if (BOOLEANS_AND_DEFAULTS.has(v.toLowerCase())) v = "<*>";
    if (/^\d+$/.test(v)) v = "<*>";
    if (/^[^\s/]*<\*>[^\s/]*$/.test(v) && v !== "<*>/<*>") v = "<*>";
    return v;
  }).join("");
  t = fix(t, /<\*>\.<\*>/g);
  t = fix(t, /<\*><\*>/g);
  for (let round = 0; round < 3; round++) {
    for (const pair of ["#<*>#", "<*>:<*>", "<*>#<*>", "<*>/<*>", "<*>@<*>", "<*>.<*>"]) {
      while (t.includes(pair)) t = t.replace(pair, "<*>");
    }
    while (t.includes(" #<*> ")) t = t.replace(" #<*> ", " <*> ");
  }
  return t;
}

function fix(t: string, re: RegExp): string {
  let prev: string;
  do {
    prev = t;
    t = t.replace(re, "<*>");
  } while (t !== prev);
  return t;
}
