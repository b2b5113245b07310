import { porterStem } from "./porter.ts";

/**
 * English function words (the common list of 179 that NLTK ships): they say
 * nothing about which article a question needs.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself " +
    "yourselves he him his himself she she's her hers herself it it's its itself they them their " +
    "theirs themselves what which who whom this that that'll these those am is are was were be " +
    "been being have has had having do does did doing a an the and but if or because as until " +
    "while of at by for with about against between into through during before after above below " +
    "to from up down in out on off over under again further then once here there when where why " +
    "how all any both each few more most other some such no nor not only own same so than too " +
    "very s t can will just don don't should should've now d ll m o re ve y ain aren aren't " +
    "couldn couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't " +
    "ma mightn mightn't mustn mustn't needn needn't shan shan't shouldn shouldn't wasn wasn't " +
    "weren weren't won won't wouldn wouldn't"
  ).split(" ").filter((w) => !w.includes("'")),
);

/**
 * Plain tokens: lower-cased runs of letters and digits without stop words,
 * no stemming. The baseline every ranking here is compared against.
 *
 * @example
 * ```ts
 * import { plainTokens } from "./text.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(plainTokens("The Cache is FULL, again!"), ["cache", "full"]);
 * ```
 */
export function plainTokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (raw !== "" && !ENGLISH_STOP_WORDS.has(raw)) out.push(raw);
  }
  return out;
}

const STEM_CACHE_LIMIT = 200_000;
const stemCache = new Map<string, string>();

/** {@link porterStem}, remembered: a corpus repeats its words. */
export function stemOf(word: string): string {
  let stem = stemCache.get(word);
  if (stem === undefined) {
    stem = /^[a-z]+$/.test(word) ? porterStem(word) : word;
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, stem);
  }
  return stem;
}

/** A term as it was written (for highlights) and the stem it is matched by. */
export interface Term {
  readonly word: string;
  readonly stem: string;
  /** Offset of the word in the text it came from. */
  readonly start: number;
}

const WORD = /[A-Za-z0-9]+(?:[._][A-Za-z0-9]+)*/g;

/**
 * Loupe's analysis: words lower-cased and stemmed (Porter), stop words out,
 * and code names split the ways they are written (`nsIDOMWindow`,
 * `ensure_visible`, `scrollbox.ensureElementIsVisible`) into their parts while
 * the whole name is kept as one more term, so an identifier pasted from a log
 * matches itself exactly and its words match prose.
 *
 * @example
 * ```ts
 * import { analyze } from "./text.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   analyze("Crashes in scrollbox.ensureElementIsVisible").map((t) => t.stem),
 *   ["crash", "scrollbox.ensureelementisvisible", "scrollbox", "ensur", "element", "visibl"],
 * );
 * ```
 */
export function analyze(text: string): Term[] {
  const out: Term[] = [];
  analyzeUntil(text, (term) => {
    out.push(term);
    return true;
  });
  return out;
}

/**
 * The terms of {@link analyze} one at a time, in the same order, until
 * `visit` returns false: a reader that needs only the start of a text (a
 * highlighted passage) does not analyse the rest.
 */
export function analyzeUntil(text: string, visit: (term: Term) => boolean): void {
  const words = new RegExp(WORD.source, "g");
  for (let match = words.exec(text); match !== null; match = words.exec(text)) {
    const raw = match[0];
    const start = match.index;
    const parts = splitIdentifier(raw);
    if (parts.length > 1) {
      if (!visit({ word: raw, stem: raw.toLowerCase(), start })) return;
      for (const part of parts) if (!visitWord(visit, part, start)) return;
    } else if (!visitWord(visit, raw, start)) {
      return;
    }
  }
}

function visitWord(visit: (term: Term) => boolean, raw: string, start: number): boolean {
  const stem = termOf(raw.toLowerCase());
  return stem === null || visit({ word: raw, stem, start });
}

/** `fooBarBaz`, `foo_bar`, `foo.bar`, `HTTPServer` -> their words; a plain word -> itself. */
export function splitIdentifier(raw: string): string[] {
  if (!/[._]|[a-z][A-Z]|[A-Z][A-Z][a-z]|[A-Za-z][0-9]|[0-9][A-Za-z]/.test(raw)) return [raw];
  return raw
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[._ ]+/)
    .filter((p) => p !== "" && /[A-Za-z]/.test(p));
}

const IDENTIFIER = /[._]|[a-z][A-Z]|[A-Z][A-Z][a-z]|[A-Za-z][0-9]|[0-9][A-Za-z]/;

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/**
 * Only the stems of {@link analyze} (the same terms, in the same order),
 * scanned by hand without a term object per word: the path every indexed
 * article and every query takes.
 */
export function stems(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      i++;
      continue;
    }
    const start = i;
    let plain = true;
    while (i < n) {
      c = text.charCodeAt(i);
      if ((c >= 97 && c <= 122)) {
        i++;
      } else if (isWordChar(c)) {
        plain = false;
        i++;
      } else if ((c === 46 || c === 95) && i + 1 < n && isWordChar(text.charCodeAt(i + 1))) {
        plain = false;
        i++;
      } else break;
    }
    const raw = text.slice(start, i);
    if (plain) {
      pushStem(out, raw);
      continue;
    }
    if (IDENTIFIER.test(raw)) {
      const parts = splitIdentifier(raw);
      if (parts.length > 1) {
        out.push(raw.toLowerCase());
        for (const part of parts) pushStem(out, part.toLowerCase());
        continue;
      }
    }
    pushStem(out, raw.toLowerCase());
  }
  return out;
}

/**
 * A lower-cased word's stem, or null for a stop word: one lookup per word on
 * the hot path instead of a stop-word check and then a stem lookup.
 */
const termCache = new Map<string, string | null>();

function termOf(lower: string): string | null {
  let term = termCache.get(lower);
  if (term === undefined) {
    term = ENGLISH_STOP_WORDS.has(lower) ? null : stemOf(lower);
    if (termCache.size >= STEM_CACHE_LIMIT) termCache.clear();
    termCache.set(lower, term);
  }
  return term;
}

function pushStem(out: string[], lower: string): void {
  const term = termOf(lower);
  if (term !== null) out.push(term);
}

/**
 * Spans that are one value however they are spelled: a redaction placeholder
 * (`<email:7f3a9c>`, its kind kept), an e-mail address, a URL.
 */
const VALUE_SPAN =
  /<([a-z][a-z_-]*):[^<>\s]+>|[^\s@<>()"']+@[^\s@<>()"']+\.[a-z]{2,}|\b[a-z][a-z0-9+.-]*:\/\/[^\s<>()"']+/gi;

/** `5.7.1`, `v2.53`, `1.0rc1`: a release named by dotted numbers. */
const VERSION = /^v?\d+(?:[._]\d+)+[a-z]*\d*$/i;

/** A hexadecimal hash or id (`7f3a9c`, `e89b12d3`): letters and digits, six or more. */
const HEX_ID = /^(?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{6,}$/i;

/**
 * The terms a statement (a recorded root cause) is compared by: its stems,
 * each value marked with its kind (`‹version›5.7.1`, `‹number›65535`, `‹id›`,
 * `‹email›`, `‹url›`, a redaction placeholder's kind), and code names by
 * their words only. The kind lets a comparison treat two values of one kind
 * apart from two words (two people stating one cause name different values:
 * the release that brought it or the one that fixes it, a customer's address,
 * a row count); a code name's words already stand for it, so `applyPromo` and
 * `OrderService.applyPromo` do not differ by a whole-name term.
 *
 * @example
 * ```ts
 * import { statementTerms } from "./text.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   [...statementTerms("Versions before 5.7.1 cap exports at 65535 rows")],
 *   ["version", "‹version›5.7.1", "cap", "export", "‹number›65535", "row"],
 * );
 * ```
 */
export function statementTerms(statement: string): Set<string> {
  const out = new Set<string>();
  const rest = statement.replace(VALUE_SPAN, (span: string, kind: string | undefined) => {
    const of = kind !== undefined ? kind.toLowerCase() : span.includes("@") ? "email" : "url";
    out.add(`‹${of}›${span.toLowerCase()}`);
    return " ";
  });
  const words = new RegExp(WORD.source, "g");
  for (let match = words.exec(rest); match !== null; match = words.exec(rest)) {
    const raw = match[0];
    const lower = raw.toLowerCase();
    if (VERSION.test(raw)) out.add(`‹version›${lower.replace(/^v/, "")}`);
    else if (/^\d+$/.test(raw)) out.add(`‹number›${lower}`);
    else if (HEX_ID.test(raw)) out.add(`‹id›${lower}`);
    else {
      for (const part of splitIdentifier(raw)) {
        const term = termOf(part.toLowerCase());
        if (term !== null) out.add(term);
      }
    }
  }
  return out;
}
