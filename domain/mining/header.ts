/**
 * Learning the header of a log file from its own lines: which leading fields
 * are the header (timestamps, level, host, pid, component...) and where the
 * message starts.
 *
 * Every line is cut into fields (on whitespace, keeping `[...]` groups whole,
 * or on `|` when nearly every line has them). Each field gets a shape class
 * (number, date/time, month name, level word, bracketed group, punctuation,
 * `name:`/`name[pid]:` tag, word). The header is the longest run of leading
 * fields whose shape is the same on nearly all lines and which ends on an
 * "anchor" field — a field whose shape a message word rarely has (time,
 * level, number, bracket, punctuation, tag). Plain words are header only
 * between anchors (a host before the tag, a component before the level).
 *
 * @module
 */
import { parseSeverity } from "../severity.ts";
import { skeletonKey } from "./_tokenize.ts";
import { continuesRecord } from "./_multiline.ts";
import { utcTime } from "../time.ts";

/** What a header model reads from one line. */
export interface StrippedLine {
  /** The line without its header. */
  readonly message: string;
  /** Epoch milliseconds (UTC when the line states no zone). */
  readonly timestamp?: number;
  /** The level as written (`INFO`, `warning`...). */
  readonly level?: string;
  /**
   * Header fields by role, best effort: `time`, `level`, `component` (and
   * `pid` from `name[pid]:`), `pid` (a number), `source`/`host` (words before
   * the tag or level), `context` (a bracketed group); a role seen twice gets
   * its field index appended (`time1`). Separators are left out.
   */
  readonly fields: Record<string, string>;
}

/** A learned header layout. */
export interface HeaderModel {
  /** Number of leading fields that form the header (0: lines are bare messages). */
  readonly fieldCount: number;
  /** The field separator: `" "` (whitespace) or `"|"`. */
  readonly separator: " " | "|";
  /** Shape class of each header field, for display and tests. */
  readonly shapes: readonly string[];
  strip(line: string): StrippedLine;
  /** Only the message of `strip(line)`, without reading the header fields (the fast path). */
  stripMessage(line: string): string;
}

export interface HeaderOptions {
  /** Year for timestamps that state none (syslog `Jul  1 09:00:55`). Default 1970. */
  readonly defaultYear?: number;
  /** Share of lines a field's shape must hold to be part of the header. Default 0.9. */
  readonly minShare?: number;
}

const MAX_FIELDS = 14;
const SAMPLE = 4000;
/** Most plain-word fields in a row inside a header. */
const MAX_WORD_RUN = 3;

type Shape =
  | "num"
  | "time"
  | "month"
  | "level"
  | "bracket"
  | "punct"
  | "tag"
  | "word"
  | "text";

const ANCHORS: ReadonlySet<string> = new Set([
  "num",
  "time",
  "month",
  "level",
  "bracket",
  "punct",
  "tag",
]);

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * Learns the header of `lines` (a sample of one source's raw lines).
 *
 * @example
 * ```ts
 * import { learnHeader } from "./header.ts";
 * import assert from "node:assert/strict";
 * const lines = [
 *   "2024-03-01 10:00:01,123 INFO  [main] Server started on port 8080",
 *   "2024-03-01 10:00:02,007 WARN  [pool-1] Slow request: 1200 ms",
 *   "2024-03-01 10:00:03,456 ERROR [pool-2] Connection refused by 10.0.0.1",
 * ];
 * const header = learnHeader(lines);
 * const line = header.strip(lines[1]!);
 * assert.equal(line.message, "Slow request: 1200 ms");
 * assert.equal(line.level, "WARN");
 * assert.equal(line.timestamp, Date.UTC(2024, 2, 1, 10, 0, 2, 7));
 * ```
 */
export function learnHeader(lines: readonly string[], options: HeaderOptions = {}): HeaderModel {
  const minShare = options.minShare ?? 0.9;
  const sample = sampleLines(lines);
  let best = learnWith(sample, " ", minShare);
  const piped = sample.filter((l) => l.includes("|")).length;
  if (sample.length > 0 && piped >= minShare * sample.length) {
    const alt = learnWith(sample, "|", minShare);
    if (alt.shapes.length > best.shapes.length) best = alt;
  }
  return buildModel(sample, best.separator, best.shapes, options.defaultYear ?? 1970);
}

/** Up to SAMPLE lines spread over the input; lines that continue a record (stack frames) carry no header. */
function sampleLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  const step = Math.max(1, Math.floor(lines.length / SAMPLE));
  for (let i = 0; i < lines.length && out.length < SAMPLE; i += step) {
    const l = trimEnd(lines[i]!);
    if (l.trim() !== "" && !continuesRecord(l)) out.push(l);
  }
  return out;
}

function trimEnd(line: string): string {
  let e = line.length;
  while (e > 0 && (line.charCodeAt(e - 1) === 13 || line.charCodeAt(e - 1) === 10)) e--;
  return e === line.length ? line : line.slice(0, e);
}

function learnWith(
  sample: readonly string[],
  separator: " " | "|",
  minShare: number,
): { separator: " " | "|"; shapes: Shape[] } {
  const counts: Map<Shape, number>[] = [];
  const present: number[] = [];
  for (let i = 0; i < MAX_FIELDS; i++) {
    counts.push(new Map());
    present.push(0);
  }
  for (const line of sample) {
    const spans = splitFields(line, separator, MAX_FIELDS);
    for (let i = 0; i < spans.length; i++) {
      const f = line.slice(spans[i]!.start, spans[i]!.end);
      const shape = shapeOf(f);
      counts[i]!.set(shape, (counts[i]!.get(shape) ?? 0) + 1);
      present[i]!++;
    }
  }
  const shapes: Shape[] = [];
  let header = 0;
  let wordRun = 0;
  for (let i = 0; i < MAX_FIELDS; i++) {
    // Share over all lines: a field most lines lack is not header.
    let top: Shape | undefined;
    let topN = 0;
    for (const [shape, n] of counts[i]!) {
      if (n > topN) {
        top = shape;
        topN = n;
      }
    }
    if (top === undefined || present[i]! < minShare * sample.length) break;
    if (ANCHORS.has(top) && topN >= minShare * sample.length) {
      shapes.push(top);
      header = i + 1;
      wordRun = 0;
      continue;
    }
    // A filler: present on nearly all lines as one token, of any shape (a
    // host, a label, a component); header only if an anchor follows.
    if ((counts[i]!.get("text") ?? 0) > (1 - minShare) * sample.length) break;
    shapes.push("word");
    if (++wordRun > MAX_WORD_RUN) break;
  }
  shapes.length = header;
  // A header must leave a message on most lines.
  while (shapes.length > 0) {
    let longer = 0;
    for (const line of sample) {
      if (splitFields(line, separator, shapes.length + 1).length > shapes.length) longer++;
    }
    if (longer * 2 >= sample.length) break;
    shapes.pop();
    while (shapes.length > 0 && !ANCHORS.has(shapes[shapes.length - 1]!)) shapes.pop();
  }
  // Words after the last anchor (a host, a program, a component: headers
  // without a level end on them) are header when they are independent of
  // the message after them.
  for (let extra = 0; extra < MAX_TRAILING_WORDS && shapes.length > 0; extra++) {
    if (!isIndependentWordField(sample, separator, shapes.length)) break;
    shapes.push("word");
  }
  return { separator, shapes };
}

/** Most word fields taken into the header after its last anchor. */
const MAX_TRAILING_WORDS = 2;

/**
 * Whether field `k` is a header word: one token on nearly all lines, a few
 * distinct values, and most lines' rest (as a skeleton) is also seen after
 * another value of the field. A message's first word decides what follows
 * it; a component or host name does not.
 */
function isIndependentWordField(
  sample: readonly string[],
  separator: " " | "|",
  k: number,
): boolean {
  const restsByValue = new Map<string, Set<string>>();
  const valuesByRest = new Map<string, Set<string>>();
  const restOf: string[] = [];
  let lines = 0;
  for (const line of sample) {
    const n = splitInto(line, separator, k + 2, STARTS, ENDS);
    if (n < k + 2) continue;
    const value = line.slice(STARTS[k]!, ENDS[k]!);
    const shape = shapeOf(value);
    if (shape === "text" || shape === "num" || shape === "time") continue;
    const rest = skeletonKey(line.slice(STARTS[k + 1]!)) ?? "";
    lines++;
    restOf.push(rest);
    let rests = restsByValue.get(value);
    if (rests === undefined) restsByValue.set(value, rests = new Set());
    rests.add(rest);
    let values = valuesByRest.get(rest);
    if (values === undefined) valuesByRest.set(rest, values = new Set());
    values.add(value);
  }
  if (lines < 0.9 * sample.length || lines < 20) return false;
  const distinct = restsByValue.size;
  if (distinct < 2 || distinct > Math.max(3, lines / 20)) return false;
  let shared = 0;
  for (const rest of restOf) if (valuesByRest.get(rest)!.size >= 2) shared++;
  return shared * 2 >= lines;
}

/** Splits the first `max` fields of a line (whitespace: `[...]` groups kept whole). */
function splitFields(line: string, separator: " " | "|", max: number): Span[] {
  const n = splitInto(line, separator, max, STARTS, ENDS);
  const spans: Span[] = [];
  for (let k = 0; k < n; k++) spans.push({ start: STARTS[k]!, end: ENDS[k]! });
  return spans;
}

const STARTS: number[] = [];
const ENDS: number[] = [];

/** Like `splitFields`, into `starts`/`ends`; returns the number of fields. */
function splitInto(
  line: string,
  separator: " " | "|",
  max: number,
  starts: number[],
  ends: number[],
): number {
  const n = line.length;
  let count = 0;
  if (separator === "|") {
    let start = 0;
    while (count < max) {
      const bar = line.indexOf("|", start);
      const end = bar < 0 || count === max - 1 ? n : bar;
      let a = start;
      let b = bar < 0 ? n : end;
      while (a < b && line.charCodeAt(a) <= 32) a++;
      while (b > a && line.charCodeAt(b - 1) <= 32) b--;
      starts[count] = a;
      ends[count] = b;
      count++;
      if (bar < 0) break;
      start = bar + 1;
    }
    return count;
  }
  let i = 0;
  while (count < max) {
    while (i < n && line.charCodeAt(i) <= 32) i++;
    if (i >= n) break;
    const start = i;
    if (line.charCodeAt(i) === 91) {
      // A bracketed group, possibly with spaces and nested brackets.
      let depth = 0;
      let j = i;
      for (; j < n; j++) {
        const c = line.charCodeAt(j);
        if (c === 91) depth++;
        else if (c === 93 && --depth === 0) break;
      }
      if (j < n) i = j + 1;
    }
    while (i < n && line.charCodeAt(i) > 32) i++;
    starts[count] = start;
    ends[count] = i;
    count++;
  }
  return count;
}

const LEVEL_MEMO = new Map<string, boolean>();

function isLevelWord(f: string): boolean {
  if (f.length > 16) return false;
  const c0 = f.charCodeAt(0);
  // Levels start with a letter or a bracket: dates, numbers, paths never are.
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 91 || c0 === 60 || c0 === 40)) {
    return false;
  }
  let known = LEVEL_MEMO.get(f);
  if (known === undefined) {
    known = readsAsLevel(f);
    if (LEVEL_MEMO.size < 10_000) LEVEL_MEMO.set(f, known);
  }
  return known;
}

function readsAsLevel(f: string): boolean {
  let a = 0;
  let b = f.length;
  while (a < b && (f[a] === "[" || f[a] === "<" || f[a] === "(")) a++;
  while (b > a && (f[b - 1] === "]" || f[b - 1] === ">" || f[b - 1] === ")" || f[b - 1] === ":")) {
    b--;
  }
  const w = f.slice(a, b);
  // One-letter levels only as capitals (Android `D`, glog `I`).
  if (w.length === 1) return "VDIWEF".includes(w);
  if (w.length < 4 || w.length > 13 || !/^[A-Za-z]+$/.test(w)) return false;
  return parseSeverity(w) !== undefined;
}

function shapeOf(f: string): Shape {
  const n = f.length;
  if (n === 0) return "punct";
  if (isLevelWord(f)) return "level";
  let digits = 0;
  let letters = 0;
  let dateSeps = 0;
  let spaces = 0;
  let others = 0;
  for (let i = 0; i < n; i++) {
    const c = f.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 128) letters++;
    else if (c === 45 || c === 58 || c === 47 || c === 46 || c === 44 || c === 43 || c === 95) {
      dateSeps++;
    } else if (c <= 32) spaces++;
    else others++;
  }
  if (digits === n) return "num";
  const first = f.charCodeAt(0);
  const last = f.charCodeAt(n - 1);
  if (first === 91 && (last === 93 || (last === 58 && f.charCodeAt(n - 2) === 93))) {
    return "bracket";
  }
  if ((first === 40 && last === 41) || (first === 60 && last === 62)) return "bracket";
  if (letters === 0 && digits > 0 && others === 0 && spaces <= 1) return "time";
  // 2024-03-01T10:00:00Z, 20171223-22:15:29:606
  if (digits >= 6 && others === 0 && spaces === 0 && isIsoLike(f)) return "time";
  if (letters === 0 && digits === 0 && spaces === 0) return "punct";
  if (letters === 3 && n === 3 && MONTHS.includes(f.toLowerCase())) return "month";
  if (spaces > 0) return "text";
  if (last === 58 || (last === 93 && f.includes("["))) return "tag";
  return "word";
}

/** `2024-03-01T10:00:00Z`, `20171223-22:15:29:606`: a digit, then digits, separators and `T`, maybe a final `Z`. */
function isIsoLike(f: string): boolean {
  const n = f.length;
  if (n === 0 || f.charCodeAt(0) < 48 || f.charCodeAt(0) > 57) return false;
  for (let i = 1; i < n; i++) {
    const c = f.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (
      c === 45 || c === 58 || c === 47 || c === 46 || c === 44 || c === 43 || c === 95 || c === 84
    ) continue;
    if (c === 90 && i === n - 1) continue;
    return false;
  }
  return true;
}

interface TimeLayout {
  /** Indices of the header fields that hold the timestamp, in order. */
  readonly fields: readonly number[];
}

function buildModel(
  sample: readonly string[],
  separator: " " | "|",
  shapes: readonly Shape[],
  defaultYear: number,
): HeaderModel {
  const H = shapes.length;
  const timeLayout = learnTimeLayout(sample, separator, shapes, defaultYear);
  const roles = shapes.map((
    s,
    i,
  ) => (timeLayout?.fields.includes(i) ? "time" : roleOf(s, i, shapes)));
  const levelIndex = shapes.indexOf("level");
  const anchors: number[] = [];
  for (let i = 0; i < H; i++) if (shapes[i] !== "word" && shapes[i] !== "punct") anchors.push(i);
  const starts: number[] = [];
  const ends: number[] = [];
  /** Reads the fields of `text` into starts/ends; false when it is not a header line. */
  const read = (text: string): boolean => {
    const count = splitInto(text, separator, H + 1, starts, ends);
    if (count < H) return false;
    if (count === H) starts[H] = ends[H] = text.length;
    // A line whose anchor fields mostly lack their shape is not a header
    // line (a continuation line, garbage): it is all message.
    let mismatches = 0;
    for (const i of anchors) {
      if (!sameShape(shapeOf(text.slice(starts[i]!, ends[i]!)), shapes[i]!)) mismatches++;
    }
    return mismatches * 4 <= anchors.length;
  };
  return {
    fieldCount: H,
    separator,
    shapes,
    stripMessage(line: string): string {
      const text = trimEnd(line);
      if (H === 0 || !read(text)) return text;
      return text.slice(starts[H]!);
    },
    strip(line: string): StrippedLine {
      const text = trimEnd(line);
      if (H === 0 || !read(text)) return { message: text, fields: {} };
      const spans: Span[] = [];
      for (let i = 0; i <= H; i++) spans.push({ start: starts[i]!, end: ends[i]! });
      const message = text.slice(spans[H]!.start);
      const fields: Record<string, string> = {};
      for (let i = 0; i < H; i++) {
        const role = roles[i];
        if (role === undefined) continue;
        const value = text.slice(spans[i]!.start, spans[i]!.end);
        if (role === "component") {
          // `sshd[123]:` -> component sshd, pid 123.
          const v = value.endsWith(":") ? value.slice(0, -1) : value;
          const open = v.indexOf("[");
          if (open >= 0 && v.endsWith("]") && v.indexOf("]") === v.length - 1) {
            fields.component = v.slice(0, open);
            fields.pid = v.slice(open + 1, -1);
          } else fields.component = v;
          continue;
        }
        const key = role in fields ? `${role}${i}` : role;
        fields[key] = role === "context" || role === "level" ? unwrap(value) : value;
      }
      let level: string | undefined;
      if (levelIndex >= 0) {
        level = unwrap(text.slice(spans[levelIndex]!.start, spans[levelIndex]!.end));
      }
      const timestamp = timeLayout === undefined ? undefined : parseTime(
        timeLayout.fields.map((i) => text.slice(spans[i]!.start, spans[i]!.end)),
        defaultYear,
      );
      const out: {
        message: string;
        fields: Record<string, string>;
        level?: string;
        timestamp?: number;
      } = {
        message,
        fields,
      };
      if (level !== undefined) out.level = level;
      if (timestamp !== undefined) out.timestamp = timestamp;
      return out;
    },
  };
}

function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  // Fields that are numbers or times on some lines and the other on others.
  return (a === "num" || a === "time") && (b === "num" || b === "time");
}

function unwrap(v: string): string {
  let a = 0;
  let b = v.length;
  while (a < b && "[<(".includes(v[a]!)) a++;
  while (b > a && "]>):".includes(v[b - 1]!)) b--;
  return v.slice(a, b);
}

function roleOf(shape: Shape, i: number, shapes: readonly Shape[]): string | undefined {
  switch (shape) {
    case "time":
    case "month":
      return "time";
    case "level":
      return "level";
    case "num":
      // A number right after a time is part of it (`Jul  1`, `081109 203615`) or a pid.
      return i > 0 && (shapes[i - 1] === "month") ? "time" : "pid";
    case "bracket":
      return "context";
    case "tag":
      return "component";
    case "punct":
      return undefined;
    case "word": {
      // A word before the tag or level is a host or component.
      const later = shapes.slice(i + 1);
      return later.includes("tag") || later.includes("level")
        ? (i === 0 ? "source" : "host")
        : "component";
    }
    case "text":
      return `field`;
  }
}

/** Picks the header fields that, read together, give a time on nearly all lines. */
function learnTimeLayout(
  sample: readonly string[],
  separator: " " | "|",
  shapes: readonly Shape[],
  defaultYear: number,
): TimeLayout | undefined {
  const candidates: number[][] = [];
  const timeish: number[] = [];
  for (let i = 0; i < shapes.length; i++) {
    const s = shapes[i]!;
    if (s === "time" || s === "month" || s === "num") timeish.push(i);
    else if (s === "bracket") candidates.push([i]);
  }
  // Runs of consecutive time-ish fields, longest first, then single fields.
  for (let a = 0; a < timeish.length; a++) {
    let b = a;
    while (b + 1 < timeish.length && timeish[b + 1] === timeish[b]! + 1) b++;
    for (let len = Math.min(3, b - a + 1); len >= 1; len--) {
      for (let s = a; s + len - 1 <= b; s++) candidates.push(timeish.slice(s, s + len));
    }
    a = b;
  }
  const check = sample.slice(0, 200);
  let best: TimeLayout | undefined;
  let bestScore = 0;
  for (const fields of candidates) {
    let ok = 0;
    for (const line of check) {
      const spans = splitFields(line, separator, shapes.length);
      if (spans.length < shapes.length) continue;
      const t = parseTime(
        fields.map((i) => line.slice(spans[i]!.start, spans[i]!.end)),
        defaultYear,
      );
      if (t !== undefined) ok++;
    }
    // Prefer layouts that parse more lines, then ones that state the year,
    // then more precise ones (more fields).
    const probe = check[0] === undefined
      ? undefined
      : splitFields(check[0], separator, shapes.length);
    let statesYear = false;
    if (probe !== undefined && probe.length >= shapes.length) {
      const parts = fields.map((i) => check[0]!.slice(probe[i]!.start, probe[i]!.end));
      statesYear = parseTime(parts, 1970) === parseTime(parts, 2000);
    }
    const score = ok * 10 + (statesYear ? 5 : 0) + fields.length;
    if (ok >= 0.9 * check.length && score > bestScore) {
      best = { fields };
      bestScore = score;
    }
  }
  return best;
}

/**
 * ISO-like dates, with an optional time: `2015-07-29`, `2005.06.03`,
 * `20171223`, `2024-03-01T10:00:00.250Z`, `2005-06-03-15.42.50.675872`,
 * `20171224-0:0:0:215`, `20240301T100000`.
 */
const ISO = new RegExp(
  "^(\\d{4})(?:([-./])(\\d{1,2})\\2(\\d{1,2})|(\\d{2})(\\d{2}))" +
    "(?:[-T_ ](\\d{1,2})[:.](\\d{1,2})[:.](\\d{1,2})(?:[.,:](\\d{1,9}))?|[-T_ ]?(\\d{2})(\\d{2})(\\d{2}))?" +
    "(Z|[+-]\\d{2}:?\\d{2})?$",
);

interface IsoParts {
  readonly date: [number, number, number];
  readonly time?: [number, number, number, string | undefined];
  readonly zone?: string;
}

function isoParts(text: string): IsoParts | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const date: [number, number, number] = [+m[1]!, +(m[3] ?? m[5])!, +(m[4] ?? m[6])!];
  let time: [number, number, number, string | undefined] | undefined;
  if (m[7] !== undefined) time = [+m[7], +m[8]!, +m[9]!, m[10]];
  else if (m[11] !== undefined) time = [+m[11], +m[12]!, +m[13]!, undefined];
  const out: { date: [number, number, number]; time?: typeof time; zone?: string } = { date };
  if (time !== undefined) out.time = time;
  if (m[14] !== undefined) out.zone = m[14];
  return out;
}

const TIME = /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,:](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;
const YYMMDD = /^(\d{2})(\d{2})(\d{2})$/;
const HHMMSS = /^(\d{2})(\d{2})(\d{2})$/;
const DMY = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const YMD2 = /^(\d{2})[/-](\d{2})[/-](\d{2})$/;
/** `Sun Dec 04 04:47:44 2005` (ctime), `Dec 04 04:47:44.123 2005`. */
const CTIME =
  /^(?:[A-Za-z]{3},? +)?([A-Za-z]{3}) +(\d{1,2}) +(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?: +(\d{4}))?$/;
/** `10.30 16:49:06` (month.day time, no year). */
const MD_TIME = /^(\d{2})[.-](\d{2}) +(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?$/;

/**
 * Reads a timestamp from header fields: ISO-like dates with optional time,
 * `date time` pairs, `Mon day time` (syslog, no year), `YYMMDD HHMMSS`,
 * epoch seconds (10 digits) or milliseconds (13 digits).
 */
export function parseTime(fields: readonly string[], defaultYear: number): number | undefined {
  if (fields.length === 0) return undefined;
  // Trailing separators of header fields (`04:30:30,`) are not part of the time.
  const parts = fields.map((f) => f.replace(/[,;]+$/, ""));
  const p0 = parts[0]!;
  if (parts.length === 1) {
    if (/^\d{10}$/.test(p0)) return Number(p0) * 1000;
    if (/^\d{13}$/.test(p0)) return Number(p0);
    const inner = p0.startsWith("[") ? unwrap(p0) : p0;
    const iso = isoParts(inner);
    if (iso?.time !== undefined) {
      const [y, mo, d] = iso.date;
      const [h, mi, sec, frac] = iso.time;
      return utc(y, mo, d, h, mi, sec, frac, iso.zone);
    }
    const c = CTIME.exec(inner);
    if (c) {
      const month = MONTHS.indexOf(c[1]!.toLowerCase());
      if (month < 0) return undefined;
      const year = c[7] === undefined ? defaultYear : +c[7];
      return utc(year, month + 1, +c[2]!, +c[3]!, +c[4]!, +c[5]!, c[6], undefined);
    }
    const md = MD_TIME.exec(inner);
    if (md) return utc(defaultYear, +md[1]!, +md[2]!, +md[3]!, +md[4]!, +md[5]!, md[6], undefined);
    return undefined;
  }
  if (parts.length === 2) {
    const d = isoParts(p0);
    const t = TIME.exec(parts[1]!);
    if (d && d.time === undefined && t) {
      return utc(d.date[0], d.date[1], d.date[2], +t[1]!, +t[2]!, +t[3]!, t[4], t[5]);
    }
    const dm = DMY.exec(p0);
    if (dm && t) return utc(+dm[3]!, +dm[1]!, +dm[2]!, +t[1]!, +t[2]!, +t[3]!, t[4], t[5]);
    // log4j `yy/MM/dd HH:mm:ss`, Android `MM-dd HH:mm:ss.SSS`.
    const y2 = YMD2.exec(p0);
    if (y2 && t) return utc(2000 + +y2[1]!, +y2[2]!, +y2[3]!, +t[1]!, +t[2]!, +t[3]!, t[4], t[5]);
    const md = /^(\d{2})-(\d{2})$/.exec(p0);
    if (md && t) return utc(defaultYear, +md[1]!, +md[2]!, +t[1]!, +t[2]!, +t[3]!, t[4], t[5]);
    const ymd = YYMMDD.exec(p0);
    const hms = HHMMSS.exec(parts[1]!);
    if (ymd && hms) {
      return utc(
        2000 + +ymd[1]!,
        +ymd[2]!,
        +ymd[3]!,
        +hms[1]!,
        +hms[2]!,
        +hms[3]!,
        undefined,
        undefined,
      );
    }
    return undefined;
  }
  if (parts.length === 3) {
    const month = MONTHS.indexOf(p0.toLowerCase().slice(0, 3));
    const t = TIME.exec(parts[2]!);
    if (month >= 0 && /^\d{1,2}$/.test(parts[1]!) && t) {
      return utc(defaultYear, month + 1, +parts[1]!, +t[1]!, +t[2]!, +t[3]!, t[4], t[5]);
    }
  }
  return undefined;
}

/**
 * The calendar check is `utcTime`'s, shared with the log-format parsers, so a
 * date that does not exist (`2024-02-31`) is no timestamp here either.
 */
function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction: string | undefined,
  zone: string | undefined,
): number | undefined {
  const ms = fraction === undefined ? 0 : Math.floor(Number("0." + fraction) * 1000);
  // Some loggers write midnight as the 24th hour of the day before.
  const endOfDay = hour === 24;
  let t = utcTime(year, month - 1, day, endOfDay ? 23 : hour, minute, second, ms);
  if (t === undefined) return undefined;
  if (endOfDay) t += 3_600_000;
  if (zone !== undefined && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return t;
}
