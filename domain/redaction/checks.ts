/**
 * Checksums and number rules that tell a real identifier from a digit run
 * of the same shape: Luhn for payment cards, ISO 13616 mod-97 for IBANs, the
 * SSA's never-issued ranges for US social security numbers.
 *
 * @module
 */

/**
 * Luhn (mod 10) over the digits of `value`; other characters are skipped.
 *
 * @example
 * ```ts
 * import { luhnValid } from "./checks.ts";
 * import assert from "node:assert/strict";
 * assert.equal(luhnValid("4111 1111 1111 1111"), true);
 * assert.equal(luhnValid("4111 1111 1111 1112"), false);
 * ```
 */
export function luhnValid(value: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = value.length - 1; i >= 0; i--) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) continue;
    let digit = code - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
    digits++;
  }
  return digits > 0 && sum % 10 === 0;
}

/**
 * Whether a run of 13 to 19 digits is shaped like a payment card: an issuer
 * prefix with a length that issuer uses (Visa, Mastercard, Amex, Discover,
 * Diners, JCB, UnionPay, Maestro) and a valid Luhn check digit. Order ids and
 * epoch timestamps fail one or the other.
 *
 * @example
 * ```ts
 * import { isCardNumber } from "./checks.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isCardNumber("378282246310005"), true); // Amex test number
 * assert.equal(isCardNumber("1700000000000"), false); // epoch milliseconds
 * ```
 */
export function isCardNumber(digits: string): boolean {
  const n = digits.length;
  if (n < 13 || n > 19) return false;
  const first = digits.charCodeAt(0) - 48;
  const two = first * 10 + digits.charCodeAt(1) - 48;
  let issued: boolean;
  switch (first) {
    case 4: // Visa
      issued = n === 13 || n === 16 || n === 19;
      break;
    case 2: // Mastercard 2221-2720
    {
      const four = Number(digits.slice(0, 4));
      issued = n === 16 && four >= 2221 && four <= 2720;
      break;
    }
    case 3:
      if (two === 34 || two === 37) issued = n === 15; // Amex
      else if (two === 35) issued = n >= 16 && n <= 19; // JCB
      else if (two === 30 || two === 36 || two === 38 || two === 39) issued = n >= 14 && n <= 19;
      else issued = false;
      break;
    case 5: // Mastercard 51-55, Maestro 50, 56-59
      issued = two >= 51 && two <= 55 ? n === 16 : two === 50 || two >= 56;
      break;
    case 6: // Discover, UnionPay, Maestro
      issued = n >= 16 && n <= 19;
      break;
    default:
      issued = false;
  }
  return issued && luhnValid(digits);
}

/** IBAN length per country (ISO 13616 registry). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

/**
 * An IBAN (spaces allowed): a known country, that country's length, and the
 * mod-97 check of ISO 7064 equal to 1.
 *
 * @example
 * ```ts
 * import { isIban } from "./checks.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isIban("DE89 3704 0044 0532 0130 00"), true);
 * assert.equal(isIban("DE89 3704 0044 0532 0130 01"), false);
 * ```
 */
export function isIban(value: string): boolean {
  const compact = value.replace(/ /g, "");
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + code - 48) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + code - 55) % 97;
    else return false;
  }
  return remainder === 1;
}

/**
 * A US social security number `AAA-GG-SSSS` that could have been issued:
 * area not 000, 666 or 900-999, group not 00, serial not 0000.
 *
 * @example
 * ```ts
 * import { isSsn } from "./checks.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isSsn("123-45-6789"), true);
 * assert.equal(isSsn("666-45-6789"), false);
 * ```
 */
export function isSsn(value: string): boolean {
  const area = Number(value.slice(0, 3));
  const group = value.slice(4, 6);
  const serial = value.slice(7, 11);
  return area !== 0 && area !== 666 && area < 900 && group !== "00" && serial !== "0000";
}

/**
 * Whether `value` is an IPv6 address: at most one `::`, eight groups of one
 * to four hex digits (fewer with `::`), and a decimal digit somewhere, so
 * that `Foo::Bar`-like names and hex words (`dead::beef`) are left alone.
 *
 * @example
 * ```ts
 * import { isIpv6 } from "./checks.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isIpv6("2001:db8:85a3::8a2e:370:7334"), true);
 * assert.equal(isIpv6("12:34:56"), false);
 * ```
 */
export function isIpv6(value: string): boolean {
  const address = value.split("%")[0]!;
  if (!/\d/.test(address)) return false;
  const halves = address.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === "" ? [] : half.split(":")));
  if (!groups.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

/**
 * Base64 of `user:password` (RFC 7617), what follows `Basic ` in an
 * Authorization header; a word after "basic" decodes to no such text.
 *
 * @example
 * ```ts
 * import { isBasicCredential } from "./checks.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isBasicCredential("dXNlcjpwYXNz"), true); // user:pass
 * assert.equal(isBasicCredential("authentication"), false);
 * ```
 */
export function isBasicCredential(value: string): boolean {
  let decoded: string;
  try {
    decoded = atob(value);
  } catch {
    return false;
  }
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return decoded.includes(":");
}
