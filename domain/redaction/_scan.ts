/**
 * One pass over a text's characters that says which detectors could match
 * in it. Most log lines hold nothing to redact; they pay this scan and none
 * of the detectors' regular expressions (a combined regex of their triggers
 * cost ten times as much per line).
 *
 * @module
 */

export const PRIVATE_KEY = 1 << 0;
export const URL_CREDENTIALS = 1 << 1;
export const JWT = 1 << 2;
export const BEARER = 1 << 3;
export const API_KEY = 1 << 4;
export const SECRET = 1 << 5;
export const EMAIL = 1 << 6;
export const IBAN = 1 << 7;
export const CARD = 1 << 8;
export const SSN = 1 << 9;
export const PHONE = 1 << 10;
export const IPV6 = 1 << 11;
export const IPV4 = 1 << 12;
export const BASIC_AUTH = 1 << 13;

/** Card numbers have at least this many digits. */
const CARD_MIN_DIGITS = 13;
const SSN_DIGITS = 9;

/** Key names whose values are secrets (see `detectors.ts`). Each ends in d, t, n, y or e. */
export const SECRET_KEY_WORDS =
  "password|passwd|pwd|passphrase|secret|token|cookie|(?:api|access|secret|private|account)[_-]?key";

// A key naming a secret (or an `Authorization` header), just before `=` or `:` (quotes and
// spaces between).
const SECRET_KEY_BEFORE = new RegExp(`(?:${SECRET_KEY_WORDS}|authorization)["']?\\s*$`, "i");
const API_KEY_BEFORE_UNDERSCORE =
  /(?:^|[^A-Za-z0-9_])(?:[sr]k_(?:live|test)|gh[pousr]|github_pat|npm)$/;
const API_KEY_BEFORE_DASH = /(?:xox[abeprs]|xapp|(?:^|[^A-Za-z0-9_-])sk|glpat)$/;

/**
 * ASCII characters that play no part in any trigger (g-z, most punctuation,
 * control characters): they only end the runs being counted. Most of a log
 * line is these, and a table lookup skips the checks below for them.
 */
const INERT = (() => {
  const inert = new Uint8Array(128).fill(1);
  const active = "0123456789 -.:@=>+_%ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef";
  for (let i = 0; i < active.length; i++) inert[active.charCodeAt(i)] = 0;
  return inert;
})();

/**
 * The character at `index`, 0 outside the text. Reading past either end
 * with `charCodeAt` gives NaN, which fails every test here just as 0 does,
 * but V8 throws away the optimized scan on the first such read.
 */
function codeAt(text: string, index: number): number {
  return index >= 0 && index < text.length ? text.charCodeAt(index) : 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/**
 * The detectors (bits above) whose value could occur in `text`. A detector
 * whose bit is clear cannot match; one whose bit is set still checks.
 */
export function candidates(text: string): number {
  let found = 0;
  // Digits, with single spaces or dashes between them (cards, SSNs).
  let groupedDigits = 0;
  let groupedDash = false;
  // Dots between digits in a run of digits and dots (IPv4).
  let dots = 0;
  // Colons in a run of hex digits and colons (IPv6), and whether two met.
  let colons = 0;
  let doubleColon = false;
  let scheme = false;
  let at = false;
  let previous = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || INERT[c] === 1) {
      groupedDigits = 0;
      groupedDash = false;
      dots = 0;
      colons = 0;
      doubleColon = false;
      previous = c;
      continue;
    }
    if (isDigit(c)) {
      if (++groupedDigits >= CARD_MIN_DIGITS) found |= CARD;
      if (groupedDash && groupedDigits >= SSN_DIGITS) found |= SSN;
      if (dots >= 3) found |= IPV4;
      previous = c;
      continue;
    }
    if (c === 32 || c === 45) {
      // A space or dash continues a digit group only between digits.
      if (!isDigit(previous)) {
        groupedDigits = 0;
        groupedDash = false;
      } else if (c === 45) groupedDash = true;
    } else {
      groupedDigits = 0;
      groupedDash = false;
    }
    if (c === 46) {
      if (!isDigit(previous) || !isDigit(codeAt(text, i + 1))) dots = 0;
      else dots++;
    } else dots = 0;
    if (c === 58) {
      colons++;
      if (previous === 58) doubleColon = true;
      if (
        colons >= 7 ||
        (doubleColon && (isHex(codeAt(text, i + 1)) || isHex(previous) ||
          // `0::`: the hex digit is before the first colon.
          (previous === 58 && isHex(codeAt(text, i - 2)))))
      ) {
        found |= IPV6;
      }
      if (codeAt(text, i + 1) === 47 && codeAt(text, i + 2) === 47) {
        scheme = true;
        if (text.startsWith("hooks.slack.com/", i + 3)) found |= API_KEY;
      }
      if (secretKeyBefore(text, i)) found |= SECRET;
    } else if (!isHex(c)) {
      colons = 0;
      doubleColon = false;
    } else if (doubleColon && previous === 58) found |= IPV6;
    switch (c) {
      case 64: // @
        at = true;
        found |= EMAIL;
        break;
      case 61: // =
      case 62: // >, closing `<password>`
        if (secretKeyBefore(text, i)) found |= SECRET;
        break;
      case 37: // %, of `%40`, an @ in a URL
        if (codeAt(text, i + 1) === 52 && codeAt(text, i + 2) === 48) found |= EMAIL;
        break;
      case 43: // +
      {
        const next = codeAt(text, i + 1);
        if (next >= 49 && next <= 57) found |= PHONE;
        break;
      }
      case 95: // _
        if (
          keyPrefixEnd(previous, codeAt(text, i - 2)) &&
          API_KEY_BEFORE_UNDERSCORE.test(text.slice(Math.max(0, i - 11), i))
        ) found |= API_KEY;
        break;
      case 45: // -
        if (codeAt(text, i + 1) === 45 && text.startsWith("-----BEGIN", i)) found |= PRIVATE_KEY;
        else if (
          // Only `xox?`, `xapp`, `sk` and `glpat` are looked at again (a UUID has dashes after
          // letters).
          (codeAt(text, i - 2) === 120 || (previous === 107 && codeAt(text, i - 2) === 115) ||
            (previous === 116 && codeAt(text, i - 2) === 97) ||
            (previous === 112 && codeAt(text, i - 2) === 112)) &&
          API_KEY_BEFORE_DASH.test(text.slice(Math.max(0, i - 6), i))
        ) found |= API_KEY;
        break;
      case 101: // e
        if (codeAt(text, i + 1) === 121 && codeAt(text, i + 2) === 74) found |= JWT;
        break;
      case 66: // B
      case 98: // b
        if (
          (codeAt(text, i + 1) | 32) === 101 &&
          /^[Ee][Aa][Rr][Ee][Rr]\s/.test(text.slice(i + 1, i + 7))
        ) found |= BEARER;
        else if (
          (codeAt(text, i + 1) | 32) === 97 && /^[Aa][Ss][Ii][Cc]\s/.test(text.slice(i + 1, i + 6))
        ) found |= BASIC_AUTH;
        break;
    }
    if (isUpper(c)) {
      if (
        (c === 65 && (text.startsWith("KIA", i + 1) || text.startsWith("SIA", i + 1) ||
          text.startsWith("Iza", i + 1))) ||
        (c === 83 && codeAt(text, i + 1) === 71 && codeAt(text, i + 2) === 46) // SendGrid's SG.
      ) found |= API_KEY;
      if (
        isUpper(codeAt(text, i + 1)) && isDigit(codeAt(text, i + 2)) &&
        isDigit(codeAt(text, i + 3))
      ) found |= IBAN;
    }
    previous = c;
  }
  if (at && scheme) found |= URL_CREDENTIALS;
  return found;
}

/** The two characters before `_` could end `sk_live`, `sk_test`, `ghp`, `github_pat` or `npm`. */
function keyPrefixEnd(last: number, beforeLast: number): boolean {
  if (beforeLast === 104) return true; // gh?
  if (last === 109) return beforeLast === 112; // npm
  if (last === 101) return beforeLast === 118; // live
  return last === 116 && (beforeLast === 115 || beforeLast === 97); // test, pat
}

function secretKeyBefore(text: string, i: number): boolean {
  // What the pattern allows between a key and its `=` or `:`: a quote, then any white space
  // (`password      = x` in an aligned config dump).
  let j = i - 1;
  while (j >= 0 && isSpace(text.charCodeAt(j))) j--;
  const quote = codeAt(text, j);
  if (quote === 34 || quote === 39) j--;
  // Every key word ends in d, t, n, y or e.
  const last = codeAt(text, j) | 32;
  if (last !== 100 && last !== 116 && last !== 110 && last !== 121 && last !== 101) return false;
  return SECRET_KEY_BEFORE.test(text.slice(Math.max(0, j - 13), j + 1));
}

/** What `\s` matches in a regular expression. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff;
}
