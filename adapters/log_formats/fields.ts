/**
 * Structured records (JSON lines, logfmt, CSV rows) name the same things in
 * many ways; this maps the common names onto a ParsedLog. The first name
 * present wins, in the order listed.
 */
import type { Attributes, AttributeValue, ParsedLog } from "../../domain/log_record.ts";
import { parseSeverity, type Severity } from "../../domain/severity.ts";
import { parseTimeValue } from "./time.ts";

const TIME_FIELDS = [
  "@timestamp",
  "timestamp",
  "time",
  "ts",
  "datetime",
  "date",
  "eventTime",
  "event_time",
  "t",
];
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
  "priority",
];
const SEVERITY_NUMBER_FIELDS = ["severity_number", "severityNumber"];
const MESSAGE_FIELDS = ["msg", "message", "log", "text", "body", "event", "@message"];
const SERVICE_FIELDS = [
  "service",
  "service.name",
  "service_name",
  "app",
  "application",
  "component",
];
const CUSTOMER_FIELDS = ["customer", "customer_id", "customerId"];
const ENVIRONMENT_FIELDS = ["environment", "env", "deployment.environment"];
const VERSION_FIELDS = ["version", "service.version", "app_version", "appVersion", "release"];

export const MESSAGE_FIELD_LIST = MESSAGE_FIELDS.join(", ");

/**
 * Flattens nested objects into dotted keys; arrays become JSON text. A
 * `__proto__` key would set the object's prototype instead of a field (and
 * vanish on the way through the store): it is kept under a safe name.
 */
export function flatten(
  value: Record<string, unknown>,
  prefix = "",
  out: Attributes = {},
): Attributes {
  for (const [raw, inner] of Object.entries(value)) {
    const key = raw === "__proto__" ? "[__proto__]" : raw;
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) {
      flatten(inner as Record<string, unknown>, name, out);
    } else {
      out[name] = scalar(inner);
    }
  }
  return out;
}

function scalar(value: unknown): AttributeValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (value === undefined) return null;
  return JSON.stringify(value);
}

function take(fields: Attributes, names: readonly string[]): [string, AttributeValue] | undefined {
  for (const name of names) {
    const value = fields[name];
    if (value !== undefined && value !== null && value !== "") return [name, value];
  }
  return undefined;
}

/** bunyan and pino write levels as 10..60. */
function numericLevel(value: number): Severity | undefined {
  if (value >= 10 && value <= 60 && value % 10 === 0) {
    return parseSeverity(["trace", "debug", "info", "warn", "error", "fatal"][value / 10 - 1]);
  }
  return parseSeverity(value);
}

/**
 * Maps flat fields onto a record, or says why it cannot: a record needs a
 * message, and a time field that is present must be a real time.
 */
export function recordFromFields(fields: Attributes): ParsedLog | string {
  const attributes: Attributes = { ...fields };
  const message = take(fields, MESSAGE_FIELDS);
  if (message === undefined) return `no message field (looked for ${MESSAGE_FIELD_LIST})`;
  delete attributes[message[0]];
  const parsed: { -readonly [K in keyof ParsedLog]: ParsedLog[K] } = {
    message: String(message[1]),
    attributes,
  };
  const time = take(fields, TIME_FIELDS);
  if (time !== undefined) {
    const timestamp = parseTimeValue(time[1]);
    if (timestamp === undefined) return `${time[0]} "${time[1]}" is not a valid date`;
    parsed.timestamp = timestamp;
    delete attributes[time[0]];
  }
  const number = take(fields, SEVERITY_NUMBER_FIELDS);
  const level = take(fields, LEVEL_FIELDS);
  const severity = number !== undefined && typeof number[1] === "number"
    ? parseSeverity(number[1])
    : level === undefined
    ? undefined
    : typeof level[1] === "number"
    ? numericLevel(level[1])
    : parseSeverity(level[1]);
  if (severity !== undefined) {
    parsed.severity = severity;
    if (level !== undefined) delete attributes[level[0]];
    if (number !== undefined) delete attributes[number[0]];
  }
  for (
    const [key, names] of [
      ["service", SERVICE_FIELDS],
      ["customer", CUSTOMER_FIELDS],
      ["environment", ENVIRONMENT_FIELDS],
      ["version", VERSION_FIELDS],
    ] as const
  ) {
    const found = take(fields, names);
    if (found !== undefined && typeof found[1] !== "boolean") {
      parsed[key] = String(found[1]);
      delete attributes[found[0]];
    }
  }
  return parsed;
}
