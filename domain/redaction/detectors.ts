/**
 * The built-in detectors: what each kind of sensitive value looks like, a
 * cheap trigger that must occur in a text before the full pattern runs, and
 * the checks that keep look-alikes (versions, timestamps, order ids) out.
 *
 * Every pattern has two groups: the text kept before the value (a key, a
 * scheme, `Bearer `), then the value that is replaced.
 *
 * @module
 */
import { isBasicCredential, isCardNumber, isIban, isIpv6, isSsn } from "./checks.ts";
import * as scan from "./_scan.ts";

/** The kinds of value Loupe finds by itself, in the order they are looked for. */
export const BUILT_IN_TYPES = [
  "private_key",
  "url_credentials",
  "jwt",
  "bearer",
  "basic_auth",
  "api_key",
  "secret",
  "email",
  "iban",
  "card",
  "ssn",
  "phone",
  "ipv6",
  "ipv4",
] as const;

export type BuiltInType = typeof BUILT_IN_TYPES[number];

/** Where a value was found, for the checks that look around it. */
export interface Found {
  readonly value: string;
  /** The whole text searched. */
  readonly text: string;
  /** Index of the value in `text`. */
  readonly index: number;
  /** The text is an attribute whose key names a version (`app_version`). */
  readonly versionContext: boolean;
}

export interface Detector {
  readonly type: string;
  /** Its bit in `candidates(text)` (see `_scan.ts`); undefined: always run. */
  readonly bit?: number;
  /** Global; group 1 is kept, group 2 is the value. */
  readonly pattern: RegExp;
  /** The value is kept when this says no. */
  readonly accept?: (found: Found) => boolean;
  /** Narrows a greedy match before it is judged (a phone number runs into a count after it). */
  readonly trim?: (value: string) => string;
  /** A quoted value keeps its quotes: only what is inside is replaced. */
  readonly unquote?: boolean;
  /** What the pseudonym is made of, when one value can be written several ways. */
  readonly canonical?: (value: string) => string;
  /** The whole match is the value (or its group named `value`): a deployment's own pattern. */
  readonly whole?: boolean;
}

/** Key names whose values are secrets, in text (`password=...`) and as attribute keys. */
export const SECRET_KEY_WORDS = scan.SECRET_KEY_WORDS;

/** A PEM private key's first line; PGP's `PRIVATE KEY BLOCK` too. */
export const PRIVATE_KEY_BEGIN = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
/** A PEM private key's last line. */
export const PRIVATE_KEY_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;

/**
 * An attribute key naming a secret: `password`, `db_password`, `accessToken`, `X-Api-Key`, and
 * a logged request's `Authorization` or `Cookie` header, whatever scheme its value has. Only
 * as keys: in text, "Authorization: denied" is prose.
 */
export const SECRET_KEY = new RegExp(`(?:${SECRET_KEY_WORDS}|authorization)$`, "i");

/** A key that says its value is a version, so dotted quads in it are not addresses. */
export const VERSION_KEY = /version|release|build/i;

// A version named just before the number: `v1.2.3.4`, `version 10.0.1.2`,
// `Release: 4.1.0.3`, `Chrome/96.0.4664.110`.
const VERSION_BEFORE =
  /(?:\bv|version|ver|release|rel|build|firmware|fw|rev|[A-Za-z]\/)[\s:=#"'_-]{0,3}$/i;
// A time just before `+hhmm` makes it a UTC offset, not a phone number.
const TIME_BEFORE = /\d:\d\d(?::\d\d)?(?:[.,]\d+)?\s?$/;

/**
 * An `Authorization` key and its separator, up to the scheme: the header, or a key
 * ending in it (`proxy_authorization`), started where the secret detector starts one.
 */
const AUTHORIZATION_KEY = String
  .raw`(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9_.-]*[_.-])?authorization["']?\s*(?:=>|[=:])\s*["']?`;
/** One Digest parameter: `name=value` or `name="quoted value"`. */
const DIGEST_PARAM = String.raw`[a-z][a-z0-9-]*=(?:"[^"\n]*"|[^\s,"]+)`;

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const HEX4 = "[0-9A-Fa-f]{1,4}";

/** Not already masked by whoever logged it (`password=***`). */
function notMasked({ value }: Found): boolean {
  return !/^\**$/.test(value);
}

function notVersion({ text, index, versionContext }: Found): boolean {
  return !versionContext && !VERSION_BEFORE.test(text.slice(Math.max(0, index - 12), index));
}

export const DETECTORS: readonly Detector[] = [
  {
    type: "private_key",
    bit: scan.PRIVATE_KEY,
    // An END line cut off (a truncated line, a record split) takes the rest.
    pattern: new RegExp(
      `()(${PRIVATE_KEY_BEGIN.source}[\\s\\S]*?(?:${PRIVATE_KEY_END.source}|$))`,
      "g",
    ),
  },
  {
    type: "url_credentials",
    bit: scan.URL_CREDENTIALS,
    // The user may be empty: `redis://:password@host`.
    pattern: /(\b[A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s/?#@:<>]*:[^\s/?#@<>]+)(?=@)/g,
  },
  {
    type: "jwt",
    bit: scan.JWT,
    pattern: /()(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)/g,
  },
  {
    type: "bearer",
    bit: scan.BEARER,
    pattern: /(\b[Bb]earer\s+)([A-Za-z0-9\-._~+/]{8,}=*)(?![A-Za-z0-9\-._~+/=])/g,
    // `Bearer authentication failed` names the scheme: a token has digits or length.
    accept: ({ value }) => value.length >= 20 || /\d/.test(value),
  },
  {
    type: "basic_auth",
    bit: scan.BASIC_AUTH,
    pattern: /(\b(?:[Bb]asic|BASIC)\s+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g,
    // `Basic realm="api"`, `basic auth failed`: only base64 of `user:password` is a credential.
    accept: ({ value }) => isBasicCredential(value),
  },
  {
    type: "api_key",
    bit: scan.API_KEY,
    pattern: new RegExp(
      "()(?<![A-Za-z0-9_])(" + [
        "[sr]k_(?:live|test)_[A-Za-z0-9]{10,}",
        "gh[pousr]_[A-Za-z0-9]{20,}",
        "github_pat_[A-Za-z0-9_]{20,}",
        "(?:AKIA|ASIA)[A-Z0-9]{16}",
        "AIza[A-Za-z0-9_-]{35}",
        "xox[abeprs]-[A-Za-z0-9-]{10,}",
        "xapp-\\d-[A-Za-z0-9-]{10,}",
        "glpat-[A-Za-z0-9_-]{20,}",
        "npm_[A-Za-z0-9]{36}",
        "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}",
      ].join("|") + ")(?![A-Za-z0-9_])",
      "g",
    ),
  },
  {
    type: "api_key",
    bit: scan.API_KEY,
    // A Slack webhook's path is its credential: whoever holds the URL can post to the channel.
    pattern:
      /(:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)([A-Za-z0-9]+(?:\/[A-Za-z0-9]+)+)/g,
  },
  {
    type: "api_key",
    bit: scan.API_KEY,
    // OpenAI's `sk-…` and `sk-proj-…`. A name such as `sk-prod-eu-west-cluster` has the
    // prefix too: a key mixes both cases and digits.
    pattern:
      /()(?<![A-Za-z0-9_-])(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/g,
    accept: ({ value }) => /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value),
  },
  {
    type: "secret",
    bit: scan.SECRET,
    // Digest's parameters name the user and carry a response an eavesdropper can replay.
    pattern: new RegExp(
      `(${AUTHORIZATION_KEY}digest\\s+)(${DIGEST_PARAM}(?:\\s*,\\s*${DIGEST_PARAM})*)`,
      "gi",
    ),
  },
  {
    type: "secret",
    bit: scan.SECRET,
    // An `Authorization` header in text, whatever its scheme (`Token …`, `SSWS …`) or none.
    // "Authorization: required" is prose: a credential has digits or length.
    pattern: new RegExp(
      `(${AUTHORIZATION_KEY}(?:[A-Za-z][A-Za-z0-9_-]*\\s+)?)([A-Za-z0-9\\-._~+/]{8,}=*)(?![A-Za-z0-9\\-._~+/=])`,
      "gi",
    ),
    accept: ({ value }) => value.length >= 20 || /\d/.test(value),
  },
  {
    type: "secret",
    bit: scan.SECRET,
    // `password=x`, `"password": "x"`, Ruby's `password => "x"`.
    pattern: new RegExp(
      `((?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]*?(?:${SECRET_KEY_WORDS})["']?\\s*(?:=>|[=:])\\s*)` +
        `("[^"\\n]*"|'[^'\\n]*'|[^\\s,;&"'<>)\\]}]+)`,
      "gi",
    ),
    unquote: true,
    accept: notMasked,
  },
  {
    type: "secret",
    bit: scan.SECRET,
    // An XML element named for a secret: `<password>x</password>`, `<ns:apiKey>x</ns:apiKey>`.
    pattern: new RegExp(
      `(<(?:[A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]*?(?:${SECRET_KEY_WORDS})>)([^<\\n]+)(?=</)`,
      "gi",
    ),
    accept: notMasked,
  },
  {
    type: "email",
    bit: scan.EMAIL,
    pattern:
      /()(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*(?:@|%40)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24})(?![A-Za-z0-9-])/g,
    // `jane%40acme.example` in a URL is the same user as `jane@acme.example`.
    canonical: (value) => value.includes("@") ? value : value.replace(/%40/i, "@"),
  },
  {
    type: "iban",
    bit: scan.IBAN,
    pattern:
      /()(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)(?![A-Za-z0-9])/g,
    accept: ({ value }) => isIban(value),
  },
  {
    type: "card",
    bit: scan.CARD,
    // Not followed by `:` and a hex digit or colon: a group before `1::2` or `12:30` starts those.
    pattern:
      /()(?<![\w.-])(\d{13,19}|\d{4}([ -])\d{4}\3\d{4}\3\d{4}(?:\3\d{1,3})?|\d{4}([ -])\d{6}\4\d{4,5})(?![\w-]|[.,]\d|:[\dA-Fa-f:])/g,
    accept: ({ value }) => isCardNumber(value.replace(/[ -]/g, "")),
  },
  {
    type: "ssn",
    bit: scan.SSN,
    pattern: /()(?<![\w.-])(\d{3}-\d{2}-\d{4})(?![\w-])/g,
    accept: ({ value }) => isSsn(value),
  },
  {
    type: "phone",
    bit: scan.PHONE,
    pattern: /()(?<![\w+])(\+[1-9]\d{0,2}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,5})){1,6})(?!\w)/g,
    // E.164 numbers have at most 15 digits: groups past that belong to what follows.
    trim: (value) => {
      let trimmed = value;
      while (trimmed.replace(/\D/g, "").length > 15) {
        const cut = trimmed.search(/[ .-]?(?:\(\d{1,4}\)|\d{1,5})$/);
        if (cut <= 0) break;
        trimmed = trimmed.slice(0, cut);
      }
      return trimmed;
    },
    accept: ({ value, text, index }) => {
      const digits = value.replace(/\D/g, "").length;
      if (digits < 8 || digits > 15) return false;
      // `+12.3456789` is a signed decimal.
      if (/^\+\d+\.\d+$/.test(value)) return false;
      return !TIME_BEFORE.test(text.slice(Math.max(0, index - 16), index));
    },
  },
  {
    type: "ipv6",
    bit: scan.IPV6,
    pattern: new RegExp(
      `()(?<![\\w:.])((?:${HEX4}(?::${HEX4}){7}|(?:${HEX4}(?::${HEX4}){0,6})?::(?:${HEX4}(?::${HEX4}){0,6})?)(?:%[A-Za-z0-9_.]+)?)(?![\\w:]|\\.\\d)`,
      "g",
    ),
    // The unspecified and loopback addresses identify no one.
    accept: ({ value }) => value !== "::1" && isIpv6(value),
  },
  {
    type: "ipv4",
    bit: scan.IPV4,
    pattern: new RegExp(`()(?<![\\w.])(${OCTET}(?:\\.${OCTET}){3})(?!\\w|\\.\\d)`, "g"),
    // Unspecified, loopback and broadcast addresses identify no one.
    accept: (found) =>
      notVersion(found) && found.value !== "0.0.0.0" && found.value !== "255.255.255.255" &&
      !found.value.startsWith("127."),
  },
];
