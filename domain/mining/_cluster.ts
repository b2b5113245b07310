/**
 * Grouping of skeletons into events, after Brain (Yu et al., TSC 2023).
 *
 * Skeletons of one token count are first grouped by their root: the positions
 * whose word has the frequency (over the batch) that the most positions of
 * the skeleton share. The words of one event are written by one log
 * statement, so they share the event's frequency, while its variables and the
 * words it shares with other events have other frequencies.
 *
 * Each root group is then read column by column:
 * - one word: a constant;
 * - a `<*>` (a variable already known), or masked tokens one of which, read
 *   as a glob, matches all the others (`chdir(<*>)` and `chdir(pwd)`): a
 *   variable;
 * - different words: a variable when they are many (`minDistinctForVariable`),
 *   or when they all read as values (quoted, dotted names, paths, emails) and
 *   are at least 3 or include a rare one (seen at most twice in the batch), or
 *   when there are at least 5 and most lines hold a word seen once, or when
 *   they are units (`KB` / `MB`); otherwise the words tell events apart
 *   (`VM Paused` / `VM Resumed`, `GET` / `POST`) and the group is split on
 *   the column with the fewest of them, and each part is read again;
 * - except in an argument slot (after `for`, `from`, `by`, `on`..., a noun
 *   such as `index` or `package`, or `key=` words): when only argument slots
 *   are left to split on and there is one, it is a variable, a small enum of
 *   one event (`mismatch for CHF` / `for JPY`).
 */
import { VAR } from "./_tokenize.ts";
import { isUnitWord } from "./_shape.ts";

/** A distinct skeleton seen in a batch (or an existing signature), with its weight. */
export interface Item {
  /** Masked tokens, `<*>` at the positions known to be variable. */
  readonly tokens: readonly string[];
  readonly count: number;
  /**
   * An existing signature (its count is the weight it had when last
   * changed): rarity is not judged against it.
   */
  readonly established?: boolean;
}

export interface ColumnRules {
  /** A column with at least this many distinct words is a variable. */
  readonly minDistinctForVariable: number;
}

export interface Group {
  /** Indices of the items in the group. */
  readonly members: number[];
  /** Per position: whether the position is variable in the group. */
  readonly variable: boolean[];
}

/** Groups items of the same length. */
export function clusterBucket(items: readonly Item[], rules: ColumnRules): Group[] {
  if (items.length === 0) return [];
  const L = items[0]!.tokens.length;
  const freq: Map<string, number>[] = [];
  for (let j = 0; j < L; j++) freq.push(new Map());
  for (const p of items) {
    for (let j = 0; j < L; j++) {
      const t = p.tokens[j]!;
      if (t === VAR) continue;
      const m = freq[j]!;
      m.set(t, (m.get(t) ?? 0) + p.count);
    }
  }
  // The root of an item: its positions whose frequency is shared by the most
  // positions (ties: the higher frequency). Items of one event share it.
  const byRoot = new Map<string, number[]>();
  const fs = new Map<number, number>();
  for (let i = 0; i < items.length; i++) {
    const p = items[i]!;
    fs.clear();
    for (let j = 0; j < L; j++) {
      const t = p.tokens[j]!;
      if (t === VAR) continue;
      const f = freq[j]!.get(t)!;
      fs.set(f, (fs.get(f) ?? 0) + 1);
    }
    let best = -1;
    let bestN = 0;
    for (const [f, n] of fs) {
      if (n > bestN || (n === bestN && f > best)) {
        best = f;
        bestN = n;
      }
    }
    let key = "";
    if (best >= 0) {
      for (let j = 0; j < L; j++) {
        const t = p.tokens[j]!;
        if (t !== VAR && freq[j]!.get(t) === best) key += j + "\u0001" + t + "\u0002";
      }
    }
    const list = byRoot.get(key);
    if (list) list.push(i);
    else byRoot.set(key, [i]);
  }
  const out: Group[] = [];
  for (const members of byRoot.values()) split(items, members, L, rules, out);
  return out;
}

/** How a column of a group reads: one word, a variable, or words that tell events apart. */
export type Column = "constant" | "variable" | "split";

/** Classifies the column of tokens `values` (token -> weight). */
export function classifyColumn(
  values: Map<string, number>,
  rules: ColumnRules,
  established = false,
): Column {
  if (values.size <= 1) return values.has(VAR) ? "variable" : "constant";
  if (values.has(VAR)) return "variable";
  let masked = false;
  for (const v of values.keys()) {
    if (v.includes(VAR)) {
      masked = true;
      break;
    }
  }
  if (masked && globCovers(values)) return "variable";
  // Units of a value (`KB` / `MB`, `ms` / `s`) vary with it.
  let units = true;
  for (const v of values.keys()) {
    let e = v.length;
    while (e > 0 && ",.;:)]".includes(v[e - 1]!)) e--;
    if (!isUnitWord(v, 0, e)) {
      units = false;
      break;
    }
  }
  if (units) return "variable";
  return isVariableColumn(values, rules, established) ? "variable" : "split";
}

function split(
  items: readonly Item[],
  members: number[],
  L: number,
  rules: ColumnRules,
  out: Group[],
): void {
  const variable: boolean[] = new Array(L).fill(false);
  let splitCol = -1;
  let splitD = Infinity;
  const soft: number[] = [];
  const softSizes = new Map<number, number>();
  let softValues = 0;
  const values = new Map<string, number>();
  let established = false;
  for (const i of members) if (items[i]!.established) established = true;
  let previous: string | undefined;
  for (let j = 0; j < L; j++) {
    values.clear();
    for (const i of members) {
      const p = items[i]!;
      const t = p.tokens[j]!;
      values.set(t, (values.get(t) ?? 0) + p.count);
    }
    let kind = classifyColumn(values, rules, established);
    // A word right after a constant entity noun is the entity's name
    // (`for user root`, `by client WindowsUpdateAgent`).
    if (kind === "split" && previous !== undefined && isEntityNoun(previous)) kind = "variable";
    if (kind === "variable") variable[j] = true;
    else if (kind === "split") {
      if (j > 0 && isArgumentSlot(previous, values)) {
        soft.push(j);
        softSizes.set(j, values.size);
        softValues = values.size;
      } else if (values.size < splitD) {
        splitD = values.size;
        splitCol = j;
      }
    }
    previous = kind === "constant" ? values.keys().next().value : undefined;
  }
  if (splitCol < 0 && soft.length > 0) {
    // What is left differs only in argument slots (`mismatch for CHF` /
    // `for JPY`): one event whose small set of values is a variable.
    if (soft.length === 1 && softValues >= MIN_ENUM_VALUES) variable[soft[0]!] = true;
    else if (soft.length > 0) {
      // Split on the argument with the fewest words; each part is read again.
      splitCol = soft[0]!;
      for (const j of soft) if (softSizes.get(j)! < softSizes.get(splitCol)!) splitCol = j;
    }
  }
  if (splitCol < 0) {
    out.push({ members, variable });
    return;
  }
  const parts = new Map<string, number[]>();
  for (const i of members) {
    const t = items[i]!.tokens[splitCol]!;
    const list = parts.get(t);
    if (list) list.push(i);
    else parts.set(t, [i]);
  }
  for (const part of parts.values()) split(items, part, L, rules, out);
}

/** Fewest distinct words that make an argument slot a variable (two are often a state: on/off). */
const MIN_ENUM_VALUES = 2;

/** Words after which a message names a value: prepositions of an argument. */
const ARGUMENT_WORDS = new Set([
  "for",
  "from",
  "by",
  "of",
  "in",
  "on",
  "at",
  "with",
  "via",
  "into",
  "using",
  "named",
  "called",
  "through",
]);

/**
 * Whether a column whose words tell lines apart is an argument: it follows a
 * preposition (not `to`: `to spawn` / `to destroy` are actions), or its words
 * are three or more and share a `key=` or `key:` prefix.
 * Words in other places (`VM Paused` / `VM Resumed`, `Accepted` / `Failed`
 * password) tell events apart.
 */
function isArgumentSlot(previous: string | undefined, values: Map<string, number>): boolean {
  if (previous !== undefined && previous.length <= 13) {
    const w = previous.toLowerCase();
    if (ARGUMENT_WORDS.has(w) || ARGUMENT_NOUNS.has(w)) return true;
    // `package: Foo`, `currency= CHF`: a noun that labels the value.
    const last = w.charCodeAt(w.length - 1);
    if ((last === 58 || last === 61) && ARGUMENT_NOUNS.has(w.slice(0, -1))) return true;
  }
  let prefix: string | undefined;
  for (const v of values.keys()) {
    const eq = v.indexOf("=");
    const at = eq > 0 ? eq : v.indexOf(":");
    if (at <= 0 || at === v.length - 1) return false;
    const p = v.slice(0, at + 1);
    if (prefix === undefined) prefix = p;
    else if (p !== prefix) return false;
  }
  // `currency=CHF`: a key names the value; `action:` is looser (three words or more).
  return prefix !== undefined && (prefix.endsWith("=") || values.size >= 3);
}

/** Nouns that name the kind of a value written after them (`on index products_v4`). */
const ARGUMENT_NOUNS = new Set([
  "index",
  "queue",
  "topic",
  "table",
  "bucket",
  "database",
  "schema",
  "package",
  "module",
  "plugin",
  "region",
  "zone",
  "tenant",
  "customer",
  "project",
  "namespace",
  "provider",
  "carrier",
  "currency",
  "country",
  "locale",
  "method",
  "template",
  "profile",
  "role",
  "group",
  "service",
  "app",
  "application",
]);

/**
 * Whether a column of words (no masked token) holds a variable: many distinct
 * words; or words that read as values (quoted, dotted names, paths...) that
 * are several or rare; or several words most of which are seen once.
 */
function isVariableColumn(
  values: Map<string, number>,
  rules: ColumnRules,
  established: boolean,
): boolean {
  const d = values.size;
  if (d >= rules.minDistinctForVariable) return true;
  let allValueLike = true;
  let min = Infinity;
  let total = 0;
  let singletons = 0;
  for (const [v, c] of values) {
    if (allValueLike && !isValueLike(v)) allValueLike = false;
    if (c < min) min = c;
    total += c;
    if (c === 1) singletons++;
  }
  // Rarity is judged within a batch only: an existing signature's weight is
  // not how often its words were seen since.
  if (allValueLike && (d >= 3 || (min <= 2 && !established))) return true;
  return d >= 5 && singletons * 2 >= total;
}

/** Nouns naming an entity whose name follows them in a message. */
const ENTITY_NOUNS = new Set([
  "user",
  "username",
  "client",
  "host",
  "hostname",
  "account",
  "login",
  "owner",
]);

function isEntityNoun(word: string): boolean {
  if (word.length < 4 || word.length > 10) return false;
  const w = word.endsWith(":") || word.endsWith("=") ? word.slice(0, -1) : word;
  return ENTITY_NOUNS.has(w.toLowerCase());
}

/** Whether one masked value, read as a glob, matches every value of the column. */
function globCovers(values: Map<string, number>): boolean {
  for (const pattern of values.keys()) {
    if (!pattern.includes(VAR)) continue;
    const parts = pattern.split(VAR);
    let all = true;
    for (const v of values.keys()) {
      if (v !== pattern && !globMatch(parts, v)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

/** Whether two tokens at one position only differ in variable parts. */
export function globCompatible(a: string, b: string): boolean {
  if (a === b || a === VAR || b === VAR) return true;
  if (a.includes(VAR) && globMatch(a.split(VAR), b)) return true;
  return b.includes(VAR) && globMatch(b.split(VAR), a);
}

/** Glob match where each `<*>` between `parts` stands for one or more characters. */
export function globMatch(parts: readonly string[], text: string): boolean {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!text.startsWith(first)) return false;
  let pos = first.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const part = parts[k]!;
    const at = text.indexOf(part, pos + 1);
    if (at < 0) return false;
    pos = at + part.length;
  }
  return text.length - last.length >= pos + 1 && text.endsWith(last);
}

/**
 * Tokens that read as values rather than words: quoted strings, dotted names
 * (`com.apple.x`, `file.txt`, `host.domain`), paths, emails.
 */
export function isValueLike(t: string): boolean {
  const n = t.length;
  let a = 0;
  let b = n;
  while (a < b && "([{<".includes(t[a]!)) a++;
  while (b > a && ")]}>,;:.!?".includes(t[b - 1]!)) b--;
  if (b - a >= 2) {
    const q = t[a]!;
    if ((q === '"' || q === "'" || q === "`") && t[b - 1] === q) return true;
  }
  for (let i = a + 1; i < b - 1; i++) {
    const c = t.charCodeAt(i);
    if (c === 47 || c === 92 || c === 64) return true; // / \ @
    if (
      c === 46 && isAlnumOrVarEnd(t.charCodeAt(i - 1)) && isAlnumOrVarStart(t.charCodeAt(i + 1))
    ) {
      return true;
    }
  }
  return false;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 ||
    c >= 128;
}

function isAlnumOrVarEnd(c: number): boolean {
  return isAlnum(c) || c === 62; // `>` of `<*>`
}

function isAlnumOrVarStart(c: number): boolean {
  return isAlnum(c) || c === 60; // `<` of `<*>`
}
