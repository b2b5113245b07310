/**
 * Replaces sensitive values with typed pseudonyms before anything is stored:
 * `jane@example.com` becomes `<email:7f3a9c>`, the first hex digits of a keyed
 * hash of the value. The same value always gets the same placeholder, so
 * "this user hit it 40 times" still reads from the data, and nobody can turn
 * a placeholder back into its value without the key.
 *
 * The keyed hash comes in as a function: the domain holds no key and does no
 * cryptography.
 *
 * @module
 */
import type { Attributes, AttributeValue, ParsedLog } from "../log_record.ts";
import { isCardNumber } from "./checks.ts";
import { BUILT_IN_TYPES, type Detector, DETECTORS, SECRET_KEY, VERSION_KEY } from "./detectors.ts";
import { candidates } from "./_scan.ts";
import type { PrivateKeyFollower } from "./private_key.ts";

/** Hex digits of the keyed hash a placeholder shows. */
export const PSEUDONYM_HEX_DIGITS = 6;

/** A keyed hash of a value as lowercase hex (at least six digits). */
export type Pseudonymize = (value: string) => string;

/** A pattern of the deployment's own, replaced as `<type:hex>`. */
export interface ExtraPattern {
  /** Lowercase letters, digits and `_`, starting with a letter. */
  readonly type: string;
  /** A JavaScript regular expression; a group named `value` narrows what is replaced. */
  readonly pattern: string;
  /** Regex flags besides `g` (for example `i`). */
  readonly flags?: string;
}

/** Rules that can be set globally and, on top of those, per customer. */
export interface RuleSet {
  /** Built-in types switched off. */
  readonly disabled?: readonly string[];
  /** Extra patterns, looked for before the built-in ones. */
  readonly patterns?: readonly ExtraPattern[];
  /** Values never replaced (compared without case), such as the vendor's own support address. */
  readonly allow?: readonly string[];
  /** Regular expressions: a found value any of them matches is kept. */
  readonly allowPatterns?: readonly string[];
}

/** Redaction rules as data: global rules, and per customer what they add. */
export interface RedactionRules extends RuleSet {
  readonly customers?: Readonly<Record<string, RuleSet>>;
}

/** Told of every replacement made, for counting. */
export type ReplacementObserver = (type: string, value: string) => void;

/** The types a placeholder may name. */
export const TYPE_NAME = /^[a-z][a-z0-9_]{0,31}$/;

// What any detector leaves: `<type:hex>`. Sticky: tried only where it is put.
const PLACEHOLDER = /<[a-z][a-z0-9_]{0,31}:[0-9a-f]{6}>/y;
const PLACEHOLDER_MAX_LENGTH = 41;

/**
 * Checks rules before use, so a bad rule file is refused with its reason
 * rather than failing on the first record.
 *
 * @example
 * ```ts
 * import { ruleProblems } from "./redactor.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(ruleProblems({ disabled: ["phone"] }), []);
 * assert.equal(ruleProblems({ disabled: ["fax"] }).length, 1);
 * ```
 */
export function ruleProblems(rules: RedactionRules): string[] {
  const problems: string[] = [];
  const check = (set: RuleSet, where: string) => {
    for (const type of set.disabled ?? []) {
      if (!(BUILT_IN_TYPES as readonly string[]).includes(type)) {
        problems.push(
          `${where}disabled: unknown type "${type}" (known: ${BUILT_IN_TYPES.join(", ")})`,
        );
      }
    }
    (set.patterns ?? []).forEach((extra, index) => {
      if (!TYPE_NAME.test(extra.type)) {
        problems.push(
          `${where}patterns[${index}].type: "${extra.type}" must be lowercase letters, digits and _`,
        );
      }
      const problem = regexProblem(extra.pattern, extra.flags ?? "");
      if (problem !== undefined) problems.push(`${where}patterns[${index}].pattern: ${problem}`);
      else if (new RegExp(extra.pattern, extra.flags ?? "").test("")) {
        problems.push(`${where}patterns[${index}].pattern: matches the empty string`);
      }
    });
    (set.allowPatterns ?? []).forEach((pattern, index) => {
      const problem = regexProblem(pattern, "i");
      if (problem !== undefined) problems.push(`${where}allowPatterns[${index}]: ${problem}`);
    });
  };
  check(rules, "");
  for (const [customer, set] of Object.entries(rules.customers ?? {})) {
    check(set, `customers.${customer}.`);
  }
  return problems;
}

function regexProblem(pattern: string, flags: string): string | undefined {
  try {
    new RegExp(pattern, flags.includes("g") ? flags : `${flags}g`);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Options of one text's redaction. */
export interface TextOptions {
  /** The text is the value of a key naming a version: dotted quads are not addresses. */
  readonly versionContext?: boolean;
}

/** One customer's (or the global) redaction, ready to run. */
export interface TextRedactor {
  /** The text with every detected value replaced; the same string when nothing was. */
  text(value: string, options?: TextOptions): string;
  /** A value stored whole under a key that names a secret. */
  secret(value: string): string;
  /** `value` replaced whole as a `type`, unless that type is switched off. */
  whole(type: string, value: string): string;
}

interface Compiled {
  readonly detectors: readonly Detector[];
  /** The deployment's own patterns run on every text; built-in ones only where they could match. */
  readonly hasExtras: boolean;
  readonly allow: ReadonlySet<string>;
  readonly allowPatterns: readonly RegExp[];
  /** Most deployments allow nothing: then no found value is lowercased to be looked up. */
  readonly allowsAny: boolean;
}

/**
 * The redaction of one deployment: its rules and its keyed hash.
 *
 * @example
 * ```ts
 * import { Redactor } from "./redactor.ts";
 * import assert from "node:assert/strict";
 * const hash = (value: string) => value.length.toString(16).padStart(6, "0");
 * const redactor = new Redactor({ allow: ["help@vendor.example"] }, hash);
 * assert.equal(
 *   redactor.forCustomer(null).text("mail jane@acme.example or help@vendor.example"),
 *   "mail <email:000011> or help@vendor.example",
 * );
 * ```
 */
export class Redactor {
  readonly #rules: RedactionRules;
  readonly #pseudonymize: Pseudonymize;
  readonly #observe: ReplacementObserver | undefined;
  readonly #global: TextRedactor;
  readonly #byCustomer = new Map<string, TextRedactor>();

  constructor(rules: RedactionRules, pseudonymize: Pseudonymize, observe?: ReplacementObserver) {
    const problems = ruleProblems(rules);
    if (problems.length > 0) {
      throw new RangeError(`Cannot use the redaction rules: ${problems.join("; ")}`);
    }
    this.#rules = rules;
    this.#pseudonymize = pseudonymize;
    this.#observe = observe;
    this.#global = this.#build(rules);
  }

  /** The redaction for a customer's data: the global rules with the customer's own added. */
  forCustomer(customer: string | null | undefined): TextRedactor {
    const own = customer === null || customer === undefined
      ? undefined
      : this.#rules.customers?.[customer];
    if (own === undefined) return this.#global;
    let redactor = this.#byCustomer.get(customer!);
    if (redactor === undefined) {
      const global = this.#rules;
      redactor = this.#build({
        disabled: [...(global.disabled ?? []), ...(own.disabled ?? [])],
        patterns: [...(global.patterns ?? []), ...(own.patterns ?? [])],
        allow: [...(global.allow ?? []), ...(own.allow ?? [])],
        allowPatterns: [...(global.allowPatterns ?? []), ...(own.allowPatterns ?? [])],
      });
      this.#byCustomer.set(customer!, redactor);
    }
    return redactor;
  }

  #build(rules: RuleSet): TextRedactor {
    const disabled = new Set(rules.disabled ?? []);
    const extras: Detector[] = (rules.patterns ?? []).map((extra) => ({
      type: extra.type,
      pattern: extraPattern(extra),
      whole: true,
    }));
    const detectors = [...extras, ...DETECTORS.filter((d) => !disabled.has(d.type))];
    const allow = new Set((rules.allow ?? []).map((value) => value.toLowerCase()));
    const allowPatterns = (rules.allowPatterns ?? []).map((pattern) => new RegExp(pattern, "i"));
    const compiled: Compiled = {
      detectors,
      hasExtras: extras.length > 0,
      allow,
      allowPatterns,
      allowsAny: allow.size > 0 || allowPatterns.length > 0,
    };
    return {
      text: (value, options) => this.#text(compiled, value, options?.versionContext ?? false),
      secret: (value) =>
        value === "" || isPlaceholder(value) || allowed(compiled, value)
          ? value
          : this.#placeholder("secret", value),
      whole: (type, value) =>
        value === "" || disabled.has(type) || isPlaceholder(value)
          ? value
          : this.#placeholder(type, value),
    };
  }

  #text(compiled: Compiled, text: string, versionContext: boolean): string {
    if (text.length === 0 || compiled.detectors.length === 0) return text;
    const possible = candidates(text);
    if (possible === 0 && !compiled.hasExtras) return text;
    let result = text;
    for (const detector of compiled.detectors) {
      if (detector.bit !== undefined && (possible & detector.bit) === 0) continue;
      result = this.#apply(compiled, detector, result, versionContext);
    }
    return result;
  }

  #apply(compiled: Compiled, detector: Detector, text: string, versionContext: boolean): string {
    const pattern = detector.pattern;
    pattern.lastIndex = 0;
    let out = "";
    let copied = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match[0] === "") {
        pattern.lastIndex++;
        continue;
      }
      let value: string;
      let index: number;
      if (detector.whole) {
        value = match.groups?.value ?? match[0];
        index = match.index + match[0].indexOf(value);
      } else {
        value = match[2]!;
        index = match.index + match[1]!.length;
      }
      if (detector.unquote && value.length >= 2 && (value[0] === '"' || value[0] === "'")) {
        value = value.slice(1, -1);
        index++;
      }
      if (detector.trim !== undefined) value = detector.trim(value);
      if (
        value === "" || insidePlaceholder(text, index, index + value.length) ||
        (detector.accept !== undefined &&
          !detector.accept({ value, text, index, versionContext })) ||
        allowed(compiled, value)
      ) {
        // A look-alike may hide the start of a real value (`0000 0000 4000 0000 0000 0002`):
        // look again from the next character. Built-in patterns cannot start inside a word.
        if (!detector.whole) pattern.lastIndex = match.index + 1;
        continue;
      }
      out += text.slice(copied, index) +
        this.#placeholder(detector.type, detector.canonical?.(value) ?? value);
      copied = index + value.length;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  #placeholder(type: string, value: string): string {
    this.#observe?.(type, value);
    return `<${type}:${this.#pseudonymize(value).slice(0, PSEUDONYM_HEX_DIGITS)}>`;
  }
}

function extraPattern(extra: ExtraPattern): RegExp {
  const flags = (extra.flags ?? "").replace(/[gy]/g, "");
  return new RegExp(extra.pattern, `${flags}g`);
}

function allowed(compiled: Compiled, value: string): boolean {
  if (!compiled.allowsAny) return false;
  if (compiled.allow.has(value.toLowerCase())) return true;
  for (const pattern of compiled.allowPatterns) if (pattern.test(value)) return true;
  return false;
}

function isPlaceholder(value: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  return PLACEHOLDER.exec(value)?.[0].length === value.length;
}

/** Whether [start, end) overlaps a placeholder left by an earlier pass. */
function insidePlaceholder(text: string, start: number, end: number): boolean {
  // Only a placeholder starting in this window can overlap; looking no further
  // keeps a long line with many look-alikes linear.
  for (let open = Math.max(0, start - PLACEHOLDER_MAX_LENGTH); open < end; open++) {
    if (text.charCodeAt(open) !== 60) continue;
    PLACEHOLDER.lastIndex = open;
    const match = PLACEHOLDER.exec(text);
    if (match !== null && open + match[0].length > start) return true;
  }
  return false;
}

/**
 * A parsed record with its message and attributes redacted; the same object
 * when nothing was found. An attribute whose key names a secret is replaced
 * whole; a number that is a valid card number becomes a placeholder. With a
 * `follower`, a private key begun in an earlier record is replaced too.
 *
 * @example
 * ```ts
 * import { Redactor, redactParsedLog } from "./redactor.ts";
 * import assert from "node:assert/strict";
 * const redactor = new Redactor({}, () => "abcdef").forCustomer(null);
 * const parsed = redactParsedLog(
 *   { message: "login by 10.1.2.3", attributes: { password: "hunter2", app_version: "1.2.3.4" } },
 *   redactor,
 * );
 * assert.equal(parsed.message, "login by <ipv4:abcdef>");
 * assert.deepEqual(parsed.attributes, { password: "<secret:abcdef>", app_version: "1.2.3.4" });
 * ```
 */
export function redactParsedLog(
  parsed: ParsedLog,
  redactor: TextRedactor,
  follower?: PrivateKeyFollower,
): ParsedLog {
  const message = follower === undefined
    ? redactor.text(parsed.message)
    : follower.redact(parsed.message, redactor);
  const attributes = redactAttributes(parsed.attributes, redactor);
  return message === parsed.message && attributes === parsed.attributes
    ? parsed
    : { ...parsed, message, attributes };
}

/** Attributes redacted; the same object when nothing was found. */
export function redactAttributes(attributes: Attributes, redactor: TextRedactor): Attributes {
  let changed: Record<string, AttributeValue> | undefined;
  for (const key in attributes) {
    const value = attributes[key]!;
    const redacted = redactValue(key, value, redactor);
    if (redacted === value) continue;
    changed ??= { ...attributes };
    changed[key] = redacted;
  }
  return changed ?? attributes;
}

const PLAIN_KEY = 0;
const SECRET_KEY_KIND = 1;
const VERSION_KEY_KIND = 2;
const KEY_KINDS_LIMIT = 10_000;
// Attribute keys recur on every record of a source: each is matched against
// the key patterns once, not per record.
const keyKinds = new Map<string, number>();

function keyKind(key: string): number {
  let kind = keyKinds.get(key);
  if (kind === undefined) {
    kind = SECRET_KEY.test(key)
      ? SECRET_KEY_KIND
      : VERSION_KEY.test(key)
      ? VERSION_KEY_KIND
      : PLAIN_KEY;
    if (keyKinds.size >= KEY_KINDS_LIMIT) keyKinds.clear();
    keyKinds.set(key, kind);
  }
  return kind;
}

const VERSION_CONTEXT: TextOptions = { versionContext: true };

function redactValue(key: string, value: AttributeValue, redactor: TextRedactor): AttributeValue {
  if (typeof value === "string") {
    const kind = keyKind(key);
    if (kind === SECRET_KEY_KIND) return redactor.secret(value);
    return redactor.text(value, kind === VERSION_KEY_KIND ? VERSION_CONTEXT : undefined);
  }
  if (typeof value === "number") {
    if (keyKind(key) === SECRET_KEY_KIND) return redactor.secret(String(value));
    // A card number sent as a JSON number.
    if (Number.isInteger(value) && value >= 1e12) {
      const digits = String(value);
      if (isCardNumber(digits)) {
        const redacted = redactor.text(digits);
        return redacted === digits ? value : redacted;
      }
    }
  }
  return value;
}
