/**
 * Message templates: `Order {order_id:order} placed` is text with named,
 * typed variables. A template renders to a message plus the variables as
 * fields (what structured loggers write beside the message), and its
 * signature is the text with `<*>` for each variable: the ground truth a
 * signature miner should find.
 *
 * @module
 */
import type { Rng } from "./rng.ts";
import { FIRST_NAMES, LAST_NAMES } from "./names.ts";

/** What variables may depend on: the site the line is about. */
export interface VarContext {
  /** The customer's e-mail domain, e.g. `northwind-logistics.example`. */
  readonly domain: string;
}

type VarValue = string | number;
type VarGenerator = (r: Rng, context: VarContext) => VarValue;

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const HEX = "0123456789abcdef";

function base36(r: Rng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[r.int(36)];
  return out;
}

function hex(r: Rng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += HEX[r.int(16)];
  return out;
}

function digits(r: Rng, length: number): string {
  let out = String(1 + r.int(9));
  for (let i = 1; i < length; i++) out += String(r.int(10));
  return out;
}

/** An address the public internet could send from (no private ranges). */
export function publicIp(r: Rng): string {
  const first = [
    23,
    31,
    45,
    62,
    77,
    81,
    86,
    92,
    104,
    109,
    151,
    176,
    185,
    188,
    203,
    212,
  ][r.int(16)]!;
  return `${first}.${r.int(256)}.${r.int(256)}.${1 + r.int(254)}`;
}

export function uuid(r: Rng): string {
  return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${"89ab"[r.int(4)]}${hex(r, 3)}-${hex(r, 12)}`;
}

export function email(r: Rng, domain: string): string {
  const first = FIRST_NAMES[r.int(FIRST_NAMES.length)]!.toLowerCase();
  const last = LAST_NAMES[r.int(LAST_NAMES.length)]!.toLowerCase().replace(/[^a-z]/g, "");
  return r.chance(0.7) ? `${first}.${last}@${domain}` : `${first[0]}${last}${r.int(100)}@${domain}`;
}

const pickFrom = (items: readonly string[]): VarGenerator => (r) => items[r.int(items.length)]!;

/** The variable kinds; values never hold spaces, quotes or backslashes. */
const KINDS: Record<string, VarGenerator> = {
  order: (r) => `ord_${base36(r, 10)}`,
  cart: (r) => `cart_${base36(r, 8)}`,
  user: (r) => `usr_${base36(r, 8)}`,
  payment: (r) => `pay_${base36(r, 12)}`,
  refund: (r) => `re_${base36(r, 10)}`,
  session: (r) => `sess_${base36(r, 16)}`,
  report: (r) => `rpt_${base36(r, 8)}`,
  job: (r) => `job-${digits(r, 7)}`,
  msgid: (r) => `<${hex(r, 12)}@mail.internal>`,
  client: (r) => `cli_${base36(r, 6)}`,
  uuid: (r) => uuid(r),
  hex8: (r) => hex(r, 8),
  ip: (r) => publicIp(r),
  ms: (r) => Math.round(r.lognormal(35, 0.8)),
  slowms: (r) => Math.round(r.lognormal(1600, 0.5)),
  timeoutms: pickFrom(["3000", "5000", "10000", "30000"]),
  bytes: (r) => Math.round(r.lognormal(24_000, 1.1)),
  email: (r, c) => email(r, c.domain),
  sku: (r) => `SKU-${digits(r, 6)}`,
  amount: (r) => r.lognormal(58, 0.9).toFixed(2),
  n: (r) => 1 + r.int(40),
  count: (r) => Math.round(r.lognormal(300, 1.2)),
  retry: (r) => 1 + r.int(5),
  ttl: pickFrom(["900", "3600", "7200", "86400"]),
  delay: (r) => 5 + r.int(600),
  pct: (r) => r.int(101),
  currency: pickFrom(["EUR", "USD", "GBP", "CHF", "SEK", "JPY"]),
  country: pickFrom(["DE", "US", "FR", "GB", "NL", "ES", "IT", "SE", "PL", "JP", "SG", "CA"]),
  carrier: pickFrom(["dhl", "ups", "fedex", "postnl", "colissimo", "royalmail"]),
  psp: pickFrom(["stripe", "adyen", "braintree", "mollie", "checkout.com"]),
  decline: pickFrom(["05", "51", "54", "57", "61", "65", "91"]),
  orderstatus: pickFrom(["PAID", "PACKED", "SHIPPED", "DELIVERED", "CANCELLED"]),
  loginmethod: pickFrom(["password", "google", "saml", "magic-link"]),
  promo: pickFrom(["SPRING10", "WELCOME5", "FREESHIP", "VIP20", "BUNDLE3", "SUMMER15"]),
  query: pickFrom([
    "running-shoes",
    "usb-c",
    "espresso",
    "gift-card",
    "winter+jacket",
    "laptop+sleeve",
    "yoga-mat",
    "led+strip",
    "notebook",
    "tent",
  ]),
  prefix: pickFrom(["sh", "lap", "cof", "gi", "win", "ye", "bl", "ca", "ten", "mou"]),
  index: (r) => `products_v${1 + r.int(9)}`,
  esnode: (r) => `es-data-${r.int(6)}.internal`,
  rtemplate: pickFrom([
    "sales-by-day",
    "inventory-aging",
    "top-customers",
    "refunds",
    "tax-summary",
  ]),
  emailtemplate: pickFrom([
    "order-confirmation",
    "shipping-update",
    "password-reset",
    "invoice",
    "abandoned-cart",
  ]),
  webhook: (r, c) => `https://hooks.${c.domain}/${["orders", "erp", "crm", "sync"][r.int(4)]}`,
  importfile: (r) =>
    `/data/imports/${["products", "prices", "stock", "customers"][r.int(4)]}-${digits(r, 6)}.csv`,
  column: pickFrom(["ean13", "colour", "sizeEU", "vat_class", "weight_g", "brand_id"]),
  dbhost: (r) => `pg-${r.int(4)}.internal:5432`,
  redishost: (r) => `redis-${r.int(3)}.internal:6379`,
  smtphost: (r) => `smtp-${r.int(3)}.mailrelay.net:587`,
  idphost: (_r, c) => `sso.${c.domain}`,
  sftphost: (_r, c) => `sftp.${c.domain}`,
  bucket: (_r, c) => `s3://${c.domain.replace(/\./g, "-")}-reports`,
  keysuffix: (r) => `...${base36(r, 4)}`,
  date: pickFrom(["2025-12-31", "2026-01-02", "2025-11-30"]),
  telemetry: pickFrom(["https://telemetry.acme-platform.io/v2/ping"]),
  favicon: pickFrom(["/favicon.ico", "/apple-touch-icon.png", "/favicon-32x32.png"]),
  feed: (r) => `feed-${hex(r, 6)}`,
  pos: (r) => 1 + r.int(60),
};

/** A compiled template: literal parts between the variables. */
export interface Template {
  readonly text: string;
  /** The text with `<*>` for every variable. */
  readonly signature: string;
  /** Literals, one more than there are variables. */
  readonly literals: readonly string[];
  readonly names: readonly string[];
  readonly generators: readonly VarGenerator[];
  /** Whether each variable is a number in structured output. */
  readonly numeric: readonly boolean[];
}

const NUMERIC_KINDS = new Set([
  "ms",
  "slowms",
  "bytes",
  "n",
  "count",
  "retry",
  "delay",
  "pct",
  "pos",
]);

/**
 * Compiles `text {name:kind} more` (the kind defaults to the name).
 *
 * @example
 * ```ts
 * import { compileTemplate } from "./template.ts";
 * import assert from "node:assert/strict";
 * const t = compileTemplate("Order {order_id:order} took {duration_ms:ms} ms");
 * assert.equal(t.signature, "Order <*> took <*> ms");
 * assert.deepEqual(t.names, ["order_id", "duration_ms"]);
 * ```
 */
export function compileTemplate(text: string): Template {
  const literals: string[] = [];
  const names: string[] = [];
  const generators: VarGenerator[] = [];
  const numeric: boolean[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{(\w+)(?::(\w+))?\}/g)) {
    literals.push(text.slice(last, m.index));
    const name = m[1]!;
    const kind = m[2] ?? name;
    const generator = KINDS[kind];
    if (generator === undefined) {
      throw new Error(`Cannot compile template: unknown variable kind ${kind} in "${text}"`);
    }
    names.push(name);
    generators.push(generator);
    numeric.push(NUMERIC_KINDS.has(kind) || (kind === "timeoutms" || kind === "ttl"));
    last = m.index + m[0].length;
  }
  literals.push(text.slice(last));
  return {
    text,
    signature: literals.join("<*>"),
    literals,
    names,
    generators,
    numeric,
  };
}

/** A rendered template: the message and the variable values, in order. */
export interface Rendered {
  readonly message: string;
  readonly values: readonly VarValue[];
}

export function renderTemplate(template: Template, r: Rng, context: VarContext): Rendered {
  const { literals, generators } = template;
  let message = literals[0]!;
  const values: VarValue[] = new Array(generators.length);
  for (let i = 0; i < generators.length; i++) {
    const value = generators[i]!(r, context);
    values[i] = value;
    message += value + literals[i + 1]!;
  }
  return { message, values };
}

/**
 * A regular expression that matches exactly the messages of a signature:
 * literals as they are, each `<*>` one token without spaces.
 *
 * @example
 * ```ts
 * import { signaturePattern } from "./template.ts";
 * import assert from "node:assert/strict";
 * assert.ok(signaturePattern("took <*> ms").test("took 12 ms"));
 * assert.ok(!signaturePattern("took <*> ms").test("took a long ms"));
 * ```
 */
export function signaturePattern(signature: string): RegExp {
  const parts = signature.split("<*>").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(parts.join("\\S+"));
}
