/**
 * Structured records (JSON lines, logfmt, CSV rows) name the same things in
 * many ways; this maps the common names onto a ParsedLog. When a record has
 * several names for one thing, the first one listed wins and the others stay
 * attributes.
 *
 * @module
 */
import type { Attributes, AttributeValue, ParsedLog } from "../../domain/log_record.ts";
import { parseSeverity, type Severity } from "../../domain/severity.ts";
import { parseTimeValue } from "../../domain/time.ts";

// Serilog writes `Timestamp`/`Level`/`RenderedMessage` (JSON) or `@t`/`@l`/`@m`
// (compact JSON); Splunk exports `_time` and `_raw`.
const TIME_FIELDS = [
  "@timestamp",
  "timestamp",
  "time",
  "ts",
  "datetime",
  "date",
  "eventTime",
  "event_time",
  "Timestamp",
  "@t",
  "_time",
  // Grafana's logfmt writes `t=`; so short a name may mean something else.
  "t",
];
/** Time fields that are kept as attributes, not refused, when they hold no time. */
const WEAK_TIME_FIELDS = new Set(["t"]);
const LEVEL_FIELDS = [
  "level",
  "severity",
  "severity_text",
  "severityText",
  "loglevel",
  "log_level",
  "lvl",
  "log.level",
  "levelname",
  "Level",
  "@l",
];
const SEVERITY_NUMBER_FIELDS = ["severity_number", "severityNumber"];
const MESSAGE_FIELDS = [
  "msg",
  "message",
  "log",
  "text",
  "body",
  "event",
  "@message",
  "Message",
  "RenderedMessage",
  "@m",
  "MessageTemplate",
  "@mt",
  "_raw",
];
const SERVICE_FIELDS = ["service", "service.name", "service_name", "app", "application"];
// tenant and tenant_id stay attributes: a tenant of the customer's own product
// is not the customer whose environment Loupe watches.
const CUSTOMER_FIELDS = ["customer", "customer_id", "customerId"];
const ENVIRONMENT_FIELDS = ["environment", "env", "deployment.environment"];
const VERSION_FIELDS = ["version", "service.version", "app_version", "appVersion", "release"];

/** Whether a field of this name holds the version of the software that logged. */
export function isVersionField(name: string): boolean {
  return VERSION_FIELDS.includes(name);
}

/**
 * The message field names a reason lists when there is none: the names most
 * loggers write (the Serilog and Splunk spellings are looked for too, but
 * would only lengthen every such reason).
 */
export const MESSAGE_FIELD_LIST = MESSAGE_FIELDS.slice(0, MESSAGE_FIELDS.indexOf("Message"))
  .join(", ");

const TIME = 0;
const LEVEL = 1;
const SEVERITY_NUMBER = 2;
const MESSAGE = 3;
const SERVICE = 4;
const CUSTOMER = 5;
const ENVIRONMENT = 6;
const VERSION = 7;

/** Every known field name, with its role and its rank among that role's names. */
const ROLES = new Map<string, { readonly role: number; readonly rank: number }>();
for (
  const [role, names] of [
    [TIME, TIME_FIELDS],
    [LEVEL, LEVEL_FIELDS],
    [SEVERITY_NUMBER, SEVERITY_NUMBER_FIELDS],
    [MESSAGE, MESSAGE_FIELDS],
    [SERVICE, SERVICE_FIELDS],
    [CUSTOMER, CUSTOMER_FIELDS],
    [ENVIRONMENT, ENVIRONMENT_FIELDS],
    [VERSION, VERSION_FIELDS],
  ] as const
) names.forEach((name, rank) => ROLES.set(name, { role, rank }));

/**
 * A column name as the field mapping knows it: `Message` and `LEVEL` in a
 * CSV header mean `message` and `level`. Done once per header, not per row.
 */
export function canonicalFieldName(name: string): string {
  if (ROLES.has(name)) return name;
  const lower = name.toLowerCase();
  return ROLES.has(lower) ? lower : name;
}

interface Chosen {
  readonly name: string;
  readonly value: string | number;
  readonly rank: number;
}

/** What one pass over a record's fields gathers. */
interface Gathered {
  readonly chosen: (Chosen | undefined)[];
  readonly attributes: Attributes;
}

/**
 * Maps a record's fields onto a ParsedLog, or says why it cannot: a record
 * needs a message, and a time field that is present must be a real time.
 * Nested objects become dotted attribute keys (`http.status`), arrays JSON
 * text. One pass, no intermediate copies: this runs for every structured line.
 *
 * @example
 * ```ts
 * import { recordFromFields } from "./fields.ts";
 * import assert from "node:assert/strict";
 * const parsed = recordFromFields({ ts: 1709294401, level: 50, msg: "boom", http: { status: 503 } });
 * assert.deepEqual(parsed, {
 *   message: "boom",
 *   timestamp: 1709294401000,
 *   severity: { number: 17, text: "ERROR" },
 *   attributes: { "http.status": 503 },
 * });
 * ```
 */
export function recordFromFields(fields: Readonly<Record<string, unknown>>): ParsedLog | string {
  const gathered: Gathered = { chosen: [], attributes: {} };
  gather(fields, "", gathered);
  const { chosen, attributes } = gathered;
  const message = chosen[MESSAGE];
  if (message === undefined) return `no message field (looked for ${MESSAGE_FIELD_LIST})`;
  const parsed: { -readonly [K in keyof ParsedLog]: ParsedLog[K] } = {
    message: String(message.value),
    attributes,
  };
  const time = chosen[TIME];
  if (time !== undefined) {
    const timestamp = parseTimeValue(time.value);
    if (timestamp !== undefined) parsed.timestamp = timestamp;
    else if (WEAK_TIME_FIELDS.has(time.name)) attributes[time.name] = time.value;
    else return `${time.name} "${time.value}" is not a valid date`;
  }
  const severity = severityOf(chosen[SEVERITY_NUMBER], chosen[LEVEL], attributes);
  if (severity !== undefined) parsed.severity = severity;
  const service = chosen[SERVICE];
  if (service !== undefined) parsed.service = String(service.value);
  const customer = chosen[CUSTOMER];
  if (customer !== undefined) parsed.customer = String(customer.value);
  const environment = chosen[ENVIRONMENT];
  if (environment !== undefined) parsed.environment = String(environment.value);
  const version = chosen[VERSION];
  if (version !== undefined) parsed.version = String(version.value);
  return parsed;
}

function gather(fields: Readonly<Record<string, unknown>>, prefix: string, into: Gathered): void {
  const { chosen, attributes } = into;
  for (const key in fields) {
    const value = fields[key];
    // As a plain key it would set the attributes' prototype, not a field.
    const safe = key === "__proto__" ? "[__proto__]" : key;
    const name = prefix === "" ? safe : `${prefix}.${safe}`;
    if (value !== null && typeof value === "object") {
      if (Array.isArray(value)) attributes[name] = JSON.stringify(value);
      else gather(value as Record<string, unknown>, name, into);
      continue;
    }
    const known = ROLES.get(name);
    if (known === undefined || (typeof value !== "string" && typeof value !== "number")) {
      attributes[name] = scalar(value);
      continue;
    }
    if (value === "") {
      attributes[name] = value;
      continue;
    }
    const current = chosen[known.role];
    if (current === undefined || known.rank < current.rank) {
      if (current !== undefined) attributes[current.name] = current.value;
      chosen[known.role] = { name, value, rank: known.rank };
    } else {
      attributes[name] = value;
    }
  }
}

function scalar(value: unknown): AttributeValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (value === undefined) return null;
  return String(value);
}

/**
 * An OpenTelemetry severity number wins over a level; a level that is no
 * severity stays an attribute, so nothing the line said is lost.
 */
function severityOf(
  number: Chosen | undefined,
  level: Chosen | undefined,
  attributes: Attributes,
): Severity | undefined {
  let severity: Severity | undefined;
  if (number !== undefined) {
    severity = parseSeverity(Number(number.value));
    if (severity === undefined) attributes[number.name] = number.value;
  }
  if (level !== undefined) {
    const fromLevel = levelSeverity(level.value);
    if (fromLevel === undefined) attributes[level.name] = level.value;
    severity ??= fromLevel;
  }
  return severity;
}

const BUNYAN_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"];

/** Words, OpenTelemetry numbers, and bunyan/pino's 10 (trace) to 60 (fatal). */
function levelSeverity(value: string | number): Severity | undefined {
  const number = typeof value === "number"
    ? value
    : value.length <= 2 && /^\d+$/.test(value)
    ? Number(value)
    : undefined;
  if (number === undefined) return parseSeverity(value);
  if (number >= 10 && number <= 60 && number % 10 === 0) {
    return parseSeverity(BUNYAN_LEVELS[number / 10 - 1]);
  }
  return parseSeverity(number);
}
