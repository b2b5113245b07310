/**
 * Shapes of values that need no second sighting to be known as variables:
 * random-looking letter runs (the tail of `ord_aqqdktmnyn`), host names,
 * e-mail addresses, placeholders (`<*>`, `<email:7f3a9c>`); and unit words.
 *
 * Randomness is judged by character statistics only: how likely the letters
 * are under English letter frequencies, the longest consonant run (camel-case
 * humps start a new run) and the share of vowels. On 7,000 identifier words
 * from type definitions 0.4% read as random; random lowercase runs of 8 and
 * 12 letters read as random 71% and 83% of the time (those with a digit are
 * caught by their mix of letters and digits before this is asked).
 *
 * @module
 */

/** English letter frequencies (percent), a to z. */
const FREQUENCIES = [
  8.2,
  1.5,
  2.8,
  4.3,
  12.7,
  2.2,
  2.0,
  6.1,
  7.0,
  0.15,
  0.77,
  4.0,
  2.4,
  6.7,
  7.5,
  1.9,
  0.095,
  6.0,
  6.3,
  9.1,
  2.8,
  0.98,
  2.4,
  0.15,
  2.0,
  0.074,
];

/** Per letter: log of its English frequency over the uniform 1/26. */
const LOG_RATIO = new Float64Array(26);
for (let i = 0; i < 26; i++) LOG_RATIO[i] = Math.log((FREQUENCIES[i]! / 100) * 26);

/** a e i o u y */
const VOWEL_MASK = (1 << 0) | (1 << 4) | (1 << 8) | (1 << 14) | (1 << 20) | (1 << 24);

/**
 * Whether the ASCII letters `s[start, end)` look randomly drawn rather than
 * written (callers pass runs of letters only, at least 6 long).
 */
export function isRandomLetters(s: string, start: number, end: number): boolean {
  const n = end - start;
  let sum = 0;
  let run = 0;
  let maxRun = 0;
  let vowels = 0;
  let prevLower = false;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    const upper = c >= 65 && c <= 90;
    if (upper) {
      if (prevLower) run = 0;
      c += 32;
    }
    prevLower = !upper;
    const k = c - 97;
    if (k < 0 || k > 25) return false;
    sum += LOG_RATIO[k]!;
    if ((VOWEL_MASK >> k) & 1) {
      vowels++;
      run = 0;
    } else if (++run > maxRun) maxRun = run;
  }
  const average = sum / n;
  const vowelShare = vowels / n;
  return (average < -0.3 && (maxRun >= 4 || vowelShare < 0.25 || average < -0.6)) ||
    maxRun >= 5 || (n >= 8 && vowelShare < 0.12);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Host labels are written in lower case; `NameSystem.delete` and `action.SCREEN_ON` are code. */
function isLabelChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/**
 * A host or dotted name: labels of lower-case letters, digits, `-` and `_`
 * joined by dots, at least one label of two or more characters, the last label starting
 * with a letter, and either three labels or more, a last label of 2 to 12
 * letters, or a `:port` (`api.example.com`, `redis-0.internal:6379`,
 * `org.apache.Foo`, `checkout.com`).
 */
export function isHostLike(s: string, start: number, end: number): boolean {
  let e = end;
  // An optional :port.
  let colon = -1;
  for (let i = end - 1; i > start; i--) {
    const c = s.charCodeAt(i);
    if (c === 58) {
      colon = i;
      break;
    }
    if (c < 48 || c > 57) break;
  }
  if (colon > start && colon < end - 1) e = colon;
  let labels = 0;
  let len = 0;
  let long = false;
  let lastStart = start;
  for (let i = start; i <= e; i++) {
    const c = i < e ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (len === 0) return false;
      if (len >= 2) long = true;
      labels++;
      lastStart = i - len;
      len = 0;
    } else if (isLabelChar(c)) len++;
    else return false;
  }
  if (labels < 2 || !long) return false;
  const first = s.charCodeAt(lastStart);
  if (first < 97 || first > 122) return false;
  if (labels >= 3 || colon > start) return true;
  const lastLength = e - lastStart;
  if (lastLength < 2 || lastLength > 12) return false;
  for (let i = lastStart; i < e; i++) if (!isAsciiLetter(s.charCodeAt(i))) return false;
  return true;
}

/** `local@domain.tld` (the domain has a dot, the local part is not empty). */
export function isEmailLike(s: string, start: number, end: number): boolean {
  const at = s.indexOf("@", start);
  if (at <= start || at >= end - 3) return false;
  if (s.indexOf("@", at + 1) >= 0 && s.indexOf("@", at + 1) < end) return false;
  const dot = s.indexOf(".", at + 2);
  if (dot < 0 || dot >= end - 1) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 34 || c === 39 || c === 60 || c === 62 || c === 40 || c === 41) {
      return false;
    }
  }
  return true;
}

/**
 * `<*>` or a placeholder a redaction step writes, `<type:hex>`
 * (`<email:7f3a9c>`), exactly `s[start, end)`.
 */
export function isPlaceholder(s: string, start: number, end: number): boolean {
  if (end - start < 3 || s.charCodeAt(start) !== 60 || s.charCodeAt(end - 1) !== 62) return false;
  if (end - start === 3) return s.charCodeAt(start + 1) === 42;
  // The type: a letter, then letters, digits or underscores (`ipv4`, `api_key`).
  if (!isAsciiLetter(s.charCodeAt(start + 1))) return false;
  let i = start + 2;
  while (i < end - 1 && isTypeChar(s.charCodeAt(i))) i++;
  if (s.charCodeAt(i) !== 58 || i + 1 >= end - 1) return false;
  for (let k = i + 1; k < end - 1; k++) {
    const c = s.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

function isTypeChar(c: number): boolean {
  return isAsciiLetter(c) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * Units of size and time: a word after a number that goes with it (`22.6 KB`,
 * `35 ms`, `<1 sec`): a column of them is a variable, and a bracketed value
 * with its unit (`(1.16 KB)`) is a value segment.
 */
const UNITS = new Set([
  "b",
  "kb",
  "mb",
  "gb",
  "tb",
  "pb",
  "kib",
  "mib",
  "gib",
  "tib",
  "bytes",
  "kbytes",
  "mbytes",
  "ns",
  "us",
  "µs",
  "ms",
  "s",
  "sec",
  "secs",
  "seconds",
  "min",
  "mins",
  "minutes",
  "h",
  "hr",
  "hrs",
  "hours",
  "days",
  "%",
]);

/** Unit words packed 5 bits a letter, lower case (`%` is 27), so a token is checked without a copy. */
const UNIT_CODES = new Set<number>();
for (const u of UNITS) {
  const code = packWord(u, 0, u.length);
  if (code >= 0) UNIT_CODES.add(code);
}

function packWord(s: string, start: number, end: number): number {
  let code = 0;
  for (let i = end - 1; i >= start; i--) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    const v = c === 37 ? 27 : c >= 97 && c <= 122 ? c - 96 : c === 181 ? 28 : -1;
    if (v < 0) return -1;
    code = code * 32 + v;
  }
  return code;
}

/** Whether `s[start, end)` is a unit word (any case). */
export function isUnitWord(s: string, start: number, end: number): boolean {
  const n = end - start;
  if (n < 1 || n > 7) return false;
  const code = packWord(s, start, end);
  return code >= 0 && UNIT_CODES.has(code);
}
