/**
 * Tokenization and variable masking for the signature miner.
 *
 * A message is split on whitespace; each whitespace token is classified with
 * cheap char-code checks (no regexes on the hot path):
 * - numbers, hex, IPs (v4 and v6), MACs, UUIDs, dates, times, durations and
 *   other digit-led values become `<*>`, keeping the punctuation that wraps
 *   them (`(0x1f),` -> `(<*>),`);
 * - paths (`/a/b`, `./a`, `~/a`) and URLs (`scheme://...`) become `<*>`, and
 *   so do e-mail addresses, lower-case host names (`redis-0.internal:6379`),
 *   quoted values (`"alt0"`), placeholders (`<*>`, `<email:7f3a9c>`) and
 *   numbers compared (`<1`);
 * - other tokens are split into atoms on `= : , ; ( ) [ ] { } < > " ' | @ #
 *   /`, and atoms into segments on `_ - ~ + .`: a digit-led atom is a value
 *   (`250ms`, `31bf38`), a segment of digits is masked (`blk_-42` ->
 *   `blk_<*>`, `taskID[77]` -> `taskID[<*>]`), letters and digits
 *   interleaved are an id (`a1qd3k`), and after a prefix so is a run of
 *   letters that reads as random (`ord_aqqdktmnyn`, see `_shape.ts`); a
 *   single digit glued to a word (`IPV6`, `en0`, `Type1`) reads as a name;
 * - month and weekday names next to a number are part of a date (`<*>`);
 * - a segment in brackets that holds only values (`(1.16 KB)`, `[0x1f]`) is
 *   left out, so that it does not split an event where it is optional;
 * - everything else is kept as is (a unit word after a number too: the
 *   clustering makes a column of units a variable).
 * A run of identical masked tokens (`blk_<*> blk_<*> ...`, `<*> <*> <*>`) is
 * collapsed to one token so that variable-length lists do not split events.
 *
 * The skeleton (masked tokens joined by one space) is what the miner keys on;
 * `Skeleton` builds and hashes it without allocating for known skeletons.
 */

import { isEmailLike, isHostLike, isPlaceholder, isRandomLetters, isUnitWord } from "./_shape.ts";

/** The placeholder of a variable in templates. */
export const VAR = "<*>";

const WS = 1;
const DIGIT = 2;
const LETTER = 4;
const HEX = 8;
/** Characters allowed in a digit-led value besides hex digits. */
const NUMSEP = 16;
/** Characters that may wrap a value: `(x)`, `"x"`, `x,`. */
const OPEN = 32;
const CLOSE = 64;
/** Characters that split a token into atoms. */
const DELIM = 128;

const CLASS = new Uint8Array(128);
for (const c of [9, 10, 11, 12, 13, 32]) CLASS[c] = WS;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT | HEX;
for (let c = 65; c <= 90; c++) CLASS[c] = LETTER;
for (let c = 97; c <= 122; c++) CLASS[c] = LETTER;
for (let c = 65; c <= 70; c++) CLASS[c]! |= HEX;
for (let c = 97; c <= 102; c++) CLASS[c]! |= HEX;
for (const ch of ".:-+_,/#%xX") CLASS[ch.charCodeAt(0)]! |= NUMSEP;
for (const ch of "([{<\"'") CLASS[ch.charCodeAt(0)]! |= OPEN;
for (const ch of ")]}>\"',.;:!?") CLASS[ch.charCodeAt(0)]! |= CLOSE;
for (const ch of "=:,;()[]{}<>\"'|@#/") CLASS[ch.charCodeAt(0)]! |= DELIM;

function cls(code: number): number {
  return code < 128 ? CLASS[code]! : LETTER;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetterCode(code: number): boolean {
  return code >= 128 || (CLASS[code]! & LETTER) !== 0;
}

/**
 * A digit-led value: only hex digits and separators, at least one decimal
 * digit, and it starts with a digit (or a sign/dot before one) or is long
 * enough to be an id (`a489c868f0c3...`) or has separators like an IPv6/MAC.
 */
function isNumeric(s: string, start: number, end: number): boolean {
  if (end <= start) return false;
  let digits = 0;
  let seps = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return false;
    const k = CLASS[c]!;
    if (k & DIGIT) digits++;
    else if (k & HEX) continue;
    else if (k & NUMSEP) seps++;
    else return false;
  }
  if (digits === 0) return false;
  const first = s.charCodeAt(start);
  if (isDigit(first)) return true;
  if ((first === 45 || first === 43 || first === 46) && end - start > 1) {
    if (isDigit(s.charCodeAt(start + 1))) return true;
  }
  const n = end - start;
  // A long hex id that happens to start with a letter (a489c868f0c3...).
  if (seps === 0) return n >= 8 && digits >= 2;
  if (n === 36 && isUuid(s, start)) return true;
  // fe80::1ff:fe23, bc:03:5c:a1: short hex groups separated by colons.
  return isHexGroups(s, start, end);
}

function isUuid(s: string, start: number): boolean {
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (c >= 128 || (CLASS[c]! & HEX) === 0) return false;
  }
  return true;
}

function isHexGroups(s: string, start: number, end: number): boolean {
  let groups = 0;
  let len = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : 58;
    if (c === 58) {
      if (len > 4) return false;
      groups++;
      len = 0;
    } else if ((CLASS[c]! & HEX) !== 0) len++;
    else return false;
  }
  return groups >= 3;
}

function isPathStart(s: string, start: number, end: number): boolean {
  const n = end - start;
  if (n < 2) return false;
  const c0 = s.charCodeAt(start);
  const c1 = s.charCodeAt(start + 1);
  if (c0 === 47) return c1 !== 47 || n > 2; // "/x", "//host"
  if (c0 === 126 && c1 === 47) return true; // ~/
  if (c0 === 46) {
    if (c1 === 47) return n > 2; // ./x
    if (c1 === 46 && n > 3 && s.charCodeAt(start + 2) === 47) return true; // ../x
  }
  // C:\ or C:/
  if (n > 3 && isLetterCode(c0) && c1 === 58) {
    const c2 = s.charCodeAt(start + 2);
    return c2 === 92 || c2 === 47;
  }
  return false;
}

function hasScheme(s: string, start: number, end: number): boolean {
  const i = s.indexOf("://", start);
  return i > start && i < end - 3;
}

/**
 * Masks one whitespace token. Returns the token itself when nothing in it is
 * variable.
 */
export function maskToken(t: string): string {
  return maskRange(t, 0, t.length) ?? t;
}

/**
 * Masks the token `s[start, end)`; `undefined` when nothing in it is variable
 * (the common case, answered without allocating).
 */
function maskRange(s: string, start: number, end: number): string | undefined {
  let digit = false;
  let special = false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digit = true;
      break;
    }
    if (c < 128 && (FLAGS[c]! & (F_SLASH | F_ID)) !== 0) special = true;
  }
  if (!digit && !special && end - start < LONG_WORD) return undefined;
  const t = s.slice(start, end);
  const n = t.length;
  // Strip wrapping punctuation and classify the core as a whole.
  let a = 0;
  let b = n;
  while (a < b && (cls(t.charCodeAt(a)) & OPEN) !== 0) a++;
  while (b > a && (cls(t.charCodeAt(b - 1)) & CLOSE) !== 0) b--;
  if (a >= b) return isPlaceholder(t, 0, n) ? VAR : undefined;
  let out: string;
  // `<*>`, `<email:7f3a9c>`, maybe with punctuation around.
  const lt = a > 0 ? t.indexOf("<") : -1;
  if (lt >= 0 && lt <= a) {
    const gt = t.indexOf(">", lt);
    if (gt >= b - 1 && isPlaceholder(t, lt, gt + 1)) {
      out = t.slice(0, lt) + VAR + t.slice(gt + 1);
      return out === t ? undefined : out;
    }
  }
  // `<1 sec`, `>500 ms`: the comparison goes with the number.
  if (
    a > 0 && digit && (t.charCodeAt(a - 1) === 60 || t.charCodeAt(a - 1) === 62) &&
    (b === n || t.charCodeAt(b) !== 62) && isNumeric(t, a, b)
  ) {
    out = t.slice(0, a - 1) + VAR + t.slice(b);
    return out === t ? undefined : out;
  }
  const q = a > 0 ? t.charCodeAt(a - 1) : 0;
  if (
    (q === 34 || q === 39 || q === 96) && b < n && t.charCodeAt(b) === q
  ) {
    // A quoted value: `"alt0"`, `'x y'` ends elsewhere.
    out = t.slice(0, a) + VAR + t.slice(b);
  } else if (
    isPathStart(t, a, b) || hasScheme(t, a, b) || (digit && isNumeric(t, a, b)) ||
    (t.includes("@") && isEmailLike(t, a, b)) || (t.includes(".") && isHostLike(t, a, b))
  ) {
    out = a === 0 && b === n ? VAR : t.slice(0, a) + VAR + t.slice(b);
  } else {
    out = maskAtoms(t, 0, n);
  }
  return out === t ? undefined : out;
}

/** Letter-only tokens at least this long are checked for randomness. */
const LONG_WORD = 12;

/** Splits `t[start, end)` into atoms on delimiters and masks each atom. */
function maskAtoms(t: string, start: number, end: number): string {
  let out = "";
  let i = start;
  while (i < end) {
    const c = t.charCodeAt(i);
    if ((cls(c) & DELIM) !== 0) {
      // A path right after a delimiter such as `=` or `:` (`path:/var/x`).
      // It runs to the end of the token, less closing punctuation.
      if (
        c === 47 && i > start && i + 1 < end && isLetterOrDigitOrDot(t.charCodeAt(i + 1)) &&
        (cls(t.charCodeAt(i - 1)) & DELIM) !== 0 && t.charCodeAt(i - 1) !== 47
      ) {
        let j = end;
        while (j > i + 1 && (cls(t.charCodeAt(j - 1)) & CLOSE) !== 0) j--;
        out += VAR + t.slice(j, end);
        i = end;
        continue;
      }
      out += t[i];
      i++;
      continue;
    }
    // A value that spans delimiters: IPv6, MAC, times, ip:port (`v6(en0:fe80::1)`).
    if (i === start || (cls(t.charCodeAt(i - 1)) & DELIM) !== 0) {
      let k = i;
      while (k < end && isValueChar(t.charCodeAt(k))) k++;
      while (k > i && (cls(t.charCodeAt(k - 1)) & CLOSE) !== 0) k--;
      if (k > i && isNumeric(t, i, k)) {
        let j = k;
        while (j < end && (cls(t.charCodeAt(j)) & DELIM) === 0) j++;
        if (j === k) {
          out += VAR;
          i = k;
          continue;
        }
      }
    }
    let j = i + 1;
    while (j < end && (cls(t.charCodeAt(j)) & DELIM) === 0) j++;
    out += maskAtom(t, i, j, i > start);
    i = j;
  }
  return out;
}

function isValueChar(c: number): boolean {
  return c < 128 && (CLASS[c]! & (HEX | NUMSEP)) !== 0 && c !== 44 && c !== 47;
}

function isLetterOrDigitOrDot(c: number): boolean {
  return c === 46 || c === 95 || c === 126 || isDigit(c) || isLetterCode(c);
}

/**
 * Masks one atom (no delimiters inside). A digit-led atom is a value
 * (`12KB`, `250ms`, `31bf3856ad364e35`). Otherwise the atom is read segment by
 * segment (on `_ - ~ + .`): digits are a value; letters then digits keep the
 * letters (`node<*>`, `KB<*>`) unless one digit is glued to a name (`en0`,
 * `ssh2`, `IPV6`); letters and digits interleaved are an id (`a1qd3k`); a run
 * of letters after a prefix that reads as random is an id (`ord_aqqdktmnyn`).
 */
function maskAtom(t: string, start: number, end: number, prefixed: boolean): string {
  let digit = false;
  for (let i = start; i < end; i++) {
    if (isDigit(t.charCodeAt(i))) {
      digit = true;
      break;
    }
  }
  if (digit) {
    if (isNumeric(t, start, end)) return VAR;
    const c0 = t.charCodeAt(start);
    if (
      isDigit(c0) ||
      ((c0 === 45 || c0 === 43 || c0 === 46) && end - start > 1 && isDigit(t.charCodeAt(start + 1)))
    ) {
      let k = start + 1;
      while (k < end && (isLetterOrDigit(t.charCodeAt(k)) || t.charCodeAt(k) === 46)) k++;
      if (k === end) return VAR;
    }
  } else if (end - start < 6) return t.slice(start, end);
  let out = "";
  let i = start;
  let segment = 0;
  while (i < end) {
    const c = t.charCodeAt(i);
    if (isSegmentSeparator(c)) {
      // A minus sign that starts a number (`blk_-42`, `x=-3`) goes with it.
      if (
        c === 45 && i + 1 < end && isDigit(t.charCodeAt(i + 1)) &&
        (i === start || !isLetterOrDigit(t.charCodeAt(i - 1)))
      ) {
        let j = i + 1;
        while (j < end && isDigit(t.charCodeAt(j))) j++;
        if (j === end || !isLetterCode(t.charCodeAt(j))) {
          out += VAR;
          i = j;
          segment++;
          continue;
        }
      }
      out += t[i];
      i++;
      continue;
    }
    let j = i;
    let letters = 0;
    let digits = 0;
    let transitions = 0;
    let lastKind = 0;
    while (j < end) {
      const d = t.charCodeAt(j);
      if (isSegmentSeparator(d)) {
        // A fraction or dotted number continues a digit run (`3.5`, `1.2.3`).
        if (d === 46 && lastKind === 2 && j + 1 < end && isDigit(t.charCodeAt(j + 1))) {
          j++;
          continue;
        }
        break;
      }
      const kind = isDigit(d) ? 2 : 1;
      if (kind === 2) digits++;
      else letters++;
      if (lastKind !== 0 && kind !== lastKind) transitions++;
      lastKind = kind;
      j++;
    }
    out += maskSegment(t, i, j, letters, digits, transitions, prefixed || i > start);
    segment++;
    i = j;
  }
  return out;
}

function isSegmentSeparator(c: number): boolean {
  return c === 95 || c === 45 || c === 126 || c === 43 || c === 46;
}

function maskSegment(
  t: string,
  start: number,
  end: number,
  letters: number,
  digits: number,
  transitions: number,
  afterPrefix: boolean,
): string {
  if (digits === 0) {
    const n = end - start;
    return (afterPrefix ? n >= 6 : n >= LONG_WORD) && letters === n &&
        isRandomLetters(t, start, end)
      ? VAR
      : t.slice(start, end);
  }
  if (letters === 0) return VAR;
  const c0 = t.charCodeAt(start);
  if (isDigit(c0) || transitions > 1) return VAR;
  // Letters, then digits: after a prefix, an id (`po-iqukhp504`) or a
  // version (`products_v4`); alone, a name with a number (`node12`).
  if (afterPrefix && (end - start >= 6 || letters === 1)) {
    return letters === 1 ? t[start] + VAR : VAR;
  }
  if (digits === 1) return t.slice(start, end);
  let k = start;
  while (k < end && !isDigit(t.charCodeAt(k))) k++;
  return t.slice(start, k) + VAR;
}

function isLetterOrDigit(c: number): boolean {
  return isDigit(c) || isLetterCode(c);
}

const DATE_WORDS = new Set([
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "january",
  "february",
  "march",
  "april",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
  "mon",
  "tue",
  "wed",
  "thu",
  "fri",
  "sat",
  "sun",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
]);

/** The first three letters of the date words, lower case, as numbers. */
const DATE_PREFIXES = new Set(
  [...DATE_WORDS].map((w) => (w.charCodeAt(0) << 16) | (w.charCodeAt(1) << 8) | w.charCodeAt(2)),
);

/** A month or weekday name, capitalised or upper case (`Jul`, `MON`), in `s[start, end)`. */
function isDateWord(s: string, start: number, end: number): boolean {
  const n = end - start;
  if (n < 3 || n > 9) return false;
  const c = s.charCodeAt(start);
  if (c < 65 || c > 90) return false;
  const prefix = ((c | 32) << 16) | ((s.charCodeAt(start + 1) | 32) << 8) |
    (s.charCodeAt(start + 2) | 32);
  if (!DATE_PREFIXES.has(prefix)) return false;
  for (let i = start + 1; i < end; i++) {
    const d = s.charCodeAt(i) | 32;
    if (d < 97 || d > 122) return false;
  }
  return DATE_WORDS.has(s.slice(start, end).toLowerCase());
}

/** Token scan flags: a digit, a slash, a char outside `[0-9a-fA-FxX.:,\-/_+]`. */
const F_DIGIT = 1;
const F_SLASH = 2;
const F_NONNUM = 4;
/** Characters that may make a digit-less token a value: `@ " ' ` <`; `.`; `_ - ~ + =`. */
const F_MARK = 8;
const F_DOT = 16;
const F_SEP = 32;
const F_ID = F_MARK | F_DOT | F_SEP;
const FLAGS = new Uint8Array(128);
for (let c = 0; c < 128; c++) FLAGS[c] = F_NONNUM;
for (let c = 48; c <= 57; c++) FLAGS[c] = F_DIGIT;
for (const ch of ".:,-_+abcdefABCDEFxX") FLAGS[ch.charCodeAt(0)] = 0;
FLAGS[47] = F_SLASH;
FLAGS[92] = F_SLASH | F_NONNUM;
for (const ch of "@\"'`<") FLAGS[ch.charCodeAt(0)]! |= F_MARK;
FLAGS[46]! |= F_DOT;
for (const ch of "_-~+=") FLAGS[ch.charCodeAt(0)]! |= F_SEP;

const VAR_COMMA = VAR + ",";
const VAR_DOT = VAR + ".";
const VAR_COLON = VAR + ":";

/** Last characters of a path that are not punctuation around it. */
function isPathEndChar(c: number): boolean {
  return c === 47 || c === 95 || c === 45 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122);
}

/** Last characters that end a value without being punctuation around it. */
function isAlnumEnd(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 120 ||
    c === 88;
}

/**
 * Walks the tokens of a single-line message and feeds `sink` with each
 * token's mask (`undefined` when the token is literal) and its range. Month
 * and weekday names next to a number-led value are part of a date and are
 * masked too (`Fri Jul 01 08:16:53 PDT 2005`). Returns false when the message
 * has a line break (a multi-line record), without finishing.
 */
function walk(message: string, sink: Sink): boolean {
  const n = message.length;
  let i = 0;
  // A chain of date words waiting for the token after it.
  let chainMask = false;
  let lastNumber = false;
  let lastComparison = false;
  let pending = 0;
  const starts = PENDING_STARTS;
  const ends = PENDING_ENDS;
  SEGMENT.length = 0;
  while (i < n) {
    let c = message.charCodeAt(i);
    while (c <= 32) {
      if (c === 10) {
        SEGMENT.length = 0;
        return false;
      }
      if (++i >= n) return finish(sink, pending, chainMask);
      c = message.charCodeAt(i);
    }
    const c0 = c;
    let flags = 0;
    let h = 0;
    let j = i;
    for (; j < n; j++) {
      c = message.charCodeAt(j);
      if (c <= 32) break;
      flags |= c < 128 ? FLAGS[c]! : F_NONNUM;
      h = (Math.imul(h, 31) + c) | 0;
    }
    let masked: string | undefined;
    let unit = false;
    if ((flags & (F_DIGIT | F_SLASH)) === 0) {
      if (c0 >= 65 && c0 <= 90 && isDateWord(message, i, j)) {
        if (pending === 0) chainMask = lastNumber;
        starts[pending] = i;
        ends[pending] = j;
        pending++;
        i = j;
        continue;
      }
      if (lastNumber && isUnitToken(message, i, j)) {
        // The unit of the number before it (`22.6 KB`, `35 ms`) stays a word
        // (clustering makes it a variable when it varies), except after a
        // comparison, where it is part of the value (`<1 sec`).
        if (lastComparison) {
          let e = j;
          while (e > i && (cls(message.charCodeAt(e - 1)) & CLOSE) !== 0) e--;
          masked = VAR + message.slice(e, j);
        } else unit = true;
      } else if (
        (flags & (F_MARK | F_DOT)) !== 0 || j - i >= LONG_WORD ||
        ((flags & F_SEP) !== 0 && j - i >= 7)
      ) {
        // An e-mail, a quoted word, a placeholder, a host, a long word, or
        // a separator and a random part (at least 6 letters, `_GfFXFz`,
        // `ord_aqqdktmnyn`): maybe a value.
        masked = maskWord(message, i, j, h);
      }
    } else if ((flags & F_NONNUM) === 0 && c0 >= 48 && c0 <= 57) {
      // A plain number, hex, time, date or address, maybe with one closing
      // mark (`200,`, `0.5:`).
      const last = message.charCodeAt(j - 1);
      if (isAlnumEnd(last)) masked = VAR;
      else if (
        j - i > 1 && isAlnumEnd(message.charCodeAt(j - 2)) &&
        (last === 44 || last === 46 || last === 58)
      ) {
        masked = last === 44 ? VAR_COMMA : last === 46 ? VAR_DOT : VAR_COLON;
      } else masked = maskRange(message, i, j);
    } else if (
      c0 === 47 && j - i > 1 && isPathEndChar(message.charCodeAt(j - 1)) &&
      (j - i > 2 || message.charCodeAt(i + 1) !== 47)
    ) {
      masked = VAR; // a path
    } else {
      masked = maskRange(message, i, j);
    }
    const number = masked !== undefined && masked.startsWith(VAR);
    if (pending > 0) {
      const mask = chainMask || number;
      for (let k = 0; k < pending; k++) {
        emit(
          sink,
          mask ? VAR : undefined,
          starts[k]!,
          ends[k]!,
          rawHash(message, starts[k]!, ends[k]!),
        );
      }
      pending = 0;
    }
    emit(sink, masked, i, j, h, unit);
    // A value a unit may follow: `12`, `(1.16`, `<1`.
    lastNumber = masked !== undefined && masked.endsWith(VAR);
    lastComparison = lastNumber && (c0 === 60 || c0 === 62);
    i = j;
  }
  return finish(sink, pending, chainMask);
}

/**
 * Digit-less tokens that may still be values (`ord_aqqdktmnyn`, hosts,
 * e-mails, quoted words) repeat a lot: their masks are remembered by the
 * token's hash (checked against the token), a pure cache.
 */
const WORD_MEMO = new Map<number, { token: string; masked: string | undefined }>();
const WORD_MEMO_LIMIT = 50_000;

function maskWord(s: string, start: number, end: number, hash: number): string | undefined {
  const known = WORD_MEMO.get(hash);
  if (
    known !== undefined && known.token.length === end - start && s.startsWith(known.token, start)
  ) {
    return known.masked;
  }
  const masked = maskRange(s, start, end);
  if (WORD_MEMO.size >= WORD_MEMO_LIMIT) WORD_MEMO.clear();
  WORD_MEMO.set(hash, { token: s.slice(start, end), masked });
  return masked;
}

/** A unit word, maybe with closing punctuation (`KB)`, `ms,`). */
function isUnitToken(s: string, start: number, end: number): boolean {
  let e = end;
  while (e > start && (cls(s.charCodeAt(e - 1)) & CLOSE) !== 0) e--;
  return e > start && isUnitWord(s, start, e);
}

/**
 * Tokens held back while they may form an optional value segment: `(12 KB)`,
 * `[<*>]`, `(0x1f),`. A segment that holds only values is left out of the
 * skeleton, so a line with it and a line without it are one event.
 */
const SEGMENT: { masked: string | undefined; start: number; end: number; hash: number }[] = [];
const MAX_SEGMENT = 4;

/** Whether a masked token is `<*>` closed by `close`, maybe with trailing punctuation. */
function closesSegment(masked: string, from: number, close: string): boolean {
  if (!masked.startsWith(VAR, from)) return false;
  let k = from + VAR.length;
  if (masked[k] !== close) return false;
  k++;
  while (k < masked.length) {
    const c = masked.charCodeAt(k);
    if (c !== 44 && c !== 46 && c !== 59 && c !== 58) return false;
    k++;
  }
  return true;
}

function emit(
  sink: Sink,
  masked: string | undefined,
  start: number,
  end: number,
  hash: number,
  unit = false,
): void {
  if (SEGMENT.length > 0) {
    const opener = SEGMENT[0]!.masked!;
    const close = opener[0] === "(" ? ")" : "]";
    if (
      (masked !== undefined && closesSegment(masked, 0, close)) ||
      (unit && closesWord(sink.text, start, end, close))
    ) {
      SEGMENT.length = 0;
      return;
    }
    if ((masked === VAR || (unit && masked === undefined)) && SEGMENT.length < MAX_SEGMENT) {
      SEGMENT.push({ masked, start, end, hash });
      return;
    }
    flushSegment(sink);
  }
  if (masked !== undefined && masked.length >= 4 && (masked[0] === "(" || masked[0] === "[")) {
    const close = masked[0] === "(" ? ")" : "]";
    if (masked.length === 4 && masked.endsWith(VAR)) {
      SEGMENT.push({ masked, start, end, hash });
      return;
    }
    if (closesSegment(masked, 1, close)) return;
  }
  sink.token(masked, start, end, hash);
}

/** Whether the unit word `s[start, end)` ends with `close`, maybe then punctuation (`KB),`). */
function closesWord(s: string, start: number, end: number, close: string): boolean {
  let e = end;
  while (e > start && ",.;:".includes(s[e - 1]!)) e--;
  return e > start + 1 && s[e - 1] === close;
}

function flushSegment(sink: Sink): void {
  for (const t of SEGMENT) sink.token(t.masked, t.start, t.end, t.hash);
  SEGMENT.length = 0;
}

function finish(sink: Sink, pending: number, chainMask: boolean): boolean {
  for (let k = 0; k < pending; k++) {
    const start = PENDING_STARTS[k]!;
    const end = PENDING_ENDS[k]!;
    emit(sink, chainMask ? VAR : undefined, start, end, rawHash(sink.text, start, end));
  }
  if (SEGMENT.length > 0) flushSegment(sink);
  return true;
}

/** The hash of one token's characters (see `hashKey`). */
function rawHash(s: string, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

const PENDING_STARTS: number[] = [];
const PENDING_ENDS: number[] = [];

interface Sink {
  /** The text being walked. */
  readonly text: string;
  /** A token: its mask (`undefined`: literal), its range, the hash of its raw characters. */
  token(masked: string | undefined, start: number, end: number, rawHash: number): void;
}

const MIX = 0x01000193;

/**
 * The hash of a skeleton key: each space-separated token hashed (`h * 31 + c`)
 * and the token hashes mixed FNV-style.
 */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  let t = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 32) {
      h = Math.imul(h ^ t, MIX);
      t = 0;
    } else t = (Math.imul(t, 31) + c) | 0;
  }
  if (key.length > 0) h = Math.imul(h ^ t, MIX);
  return h >>> 0;
}

/**
 * The skeleton of one message, kept as pieces (runs of literal tokens sliced
 * from the message, masked tokens) and hashed while it is built, so that a
 * skeleton already known is recognized without building its key string.
 * `key()` is `tokenize(m).tokens.join(" ")`; `hash` is `hashKey(key())`.
 */
export class Skeleton implements Sink {
  #message = "";
  #n = 0;
  /** Per piece: start and end in the message (literal run), or -1 and the masked token. */
  #starts: number[] = [];
  #ends: number[] = [];
  #masked: string[] = [];
  #runStart = -1;
  #runEnd = -1;
  #prev = "";
  #prevMasked = false;
  #hash = 0x811c9dc5;
  #length = 0;
  #tokens = 0;

  get text(): string {
    return this.#message;
  }

  /** Reads a message; false when it has a line break (the pieces are then unusable). */
  read(message: string): boolean {
    this.#message = message;
    this.#n = 0;
    this.#runStart = -1;
    this.#prev = "";
    this.#prevMasked = false;
    this.#hash = 0x811c9dc5;
    this.#length = 0;
    this.#tokens = 0;
    if (!walk(message, this)) return false;
    this.#flush();
    return true;
  }

  get hash(): number {
    return this.#hash >>> 0;
  }

  token(masked: string | undefined, start: number, end: number, rawHash: number): void {
    if (masked === undefined) {
      this.#prevMasked = false;
      this.#mix(rawHash, end - start);
      if (
        this.#runStart >= 0 && start === this.#runEnd + 1 &&
        this.#message.charCodeAt(this.#runEnd) === 32
      ) {
        this.#runEnd = end;
        return;
      }
      this.#flush();
      this.#runStart = start;
      this.#runEnd = end;
      return;
    }
    if (this.#prevMasked && masked === this.#prev) return;
    this.#flush();
    let h = 0;
    for (let i = 0; i < masked.length; i++) h = (Math.imul(h, 31) + masked.charCodeAt(i)) | 0;
    this.#mix(h, masked.length);
    this.#push(-1, -1, masked);
    this.#prev = masked;
    this.#prevMasked = true;
  }

  #mix(tokenHash: number, length: number): void {
    this.#hash = Math.imul(this.#hash ^ tokenHash, MIX);
    this.#length += this.#tokens++ > 0 ? length + 1 : length;
  }

  #flush(): void {
    if (this.#runStart < 0) return;
    this.#push(this.#runStart, this.#runEnd, "");
    this.#runStart = -1;
  }

  #push(start: number, end: number, masked: string): void {
    const k = this.#n++;
    this.#starts[k] = start;
    this.#ends[k] = end;
    this.#masked[k] = masked;
  }

  /** Whether the skeleton's key is `key`, compared piece by piece. */
  equals(key: string): boolean {
    if (key.length !== this.#length) return false;
    const m = this.#message;
    let pos = 0;
    for (let k = 0; k < this.#n; k++) {
      if (k > 0) {
        if (key.charCodeAt(pos) !== 32) return false;
        pos++;
      }
      const start = this.#starts[k]!;
      if (start >= 0) {
        const end = this.#ends[k]!;
        if (end - start >= 13) {
          if (!key.startsWith(m.slice(start, end), pos)) return false;
          pos += end - start;
        } else {
          for (let i = start; i < end; i++, pos++) {
            if (key.charCodeAt(pos) !== m.charCodeAt(i)) return false;
          }
        }
      } else {
        const t = this.#masked[k]!;
        if (!key.startsWith(t, pos)) return false;
        pos += t.length;
      }
    }
    return true;
  }

  /** The skeleton key (masked tokens joined by one space). */
  key(): string {
    const parts: string[] = new Array(this.#n);
    for (let k = 0; k < this.#n; k++) {
      const start = this.#starts[k]!;
      parts[k] = start >= 0 ? this.#message.slice(start, this.#ends[k]!) : this.#masked[k]!;
    }
    return parts.join(" ");
  }
}

/** Collects the masked tokens and how many raw tokens each stands for. */
class TokenSink implements Sink {
  text = "";
  tokens: string[] = [];
  runs: number[] = [];
  prevMasked = false;

  token(masked: string | undefined, start: number, end: number): void {
    if (masked === undefined) {
      this.tokens.push(this.text.slice(start, end));
      this.runs.push(1);
      this.prevMasked = false;
      return;
    }
    const last = this.tokens.length - 1;
    if (this.prevMasked && this.tokens[last] === masked) {
      this.runs[last]!++;
      return;
    }
    this.tokens.push(masked);
    this.runs.push(1);
    this.prevMasked = true;
  }
}

const SKELETON = new Skeleton();

/**
 * The masked tokens of a single-line message (line breaks count as spaces),
 * with runs of identical masked tokens collapsed. `runs[i]` is how many raw
 * tokens token `i` stands for.
 */
export function tokenize(message: string): { tokens: string[]; runs: number[] } {
  const sink = new TokenSink();
  const text = message.includes("\n") ? message.replace(/[\r\n]+/g, " ") : message;
  sink.text = text;
  walk(text, sink);
  return { tokens: sink.tokens, runs: sink.runs };
}

/**
 * The skeleton key of a single-line message: its masked tokens joined by one
 * space, runs collapsed (`tokenize(m).tokens.join(" ")`). Equal keys always
 * get the same signature. `undefined` when the message has a line break.
 */
export function skeletonKey(message: string): string | undefined {
  return SKELETON.read(message) ? SKELETON.key() : undefined;
}
