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

type Role =
  | "time"
  | "level"
  | "severityNumber"
  | "message"
  | "service"
  | "customer"
  | "environment"
  | "version";

/** Every known field name, with its role and its rank among that role's names. */
const ROLES = new Map<string, { role: Role; rank: number }>();
for (
  const [role, names] of [
    ["time", TIME_FIELDS],
    ["level", LEVEL_FIELDS],
    ["severityNumber", SEVERITY_NUMBER_FIELDS],
    ["message", MESSAGE_FIELDS],
    ["service", SERVICE_FIELDS],
    ["customer", CUSTOMER_FIELDS],
    ["environment", ENVIRONMENT_FIELDS],
    ["version", VERSION_FIELDS],
  ] as const
) names.forEach((name, rank) => ROLES.set(name, { role, rank }));

interface Chosen {
  name: string;
  value: AttributeValue;
  rank: number;
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
 * message, and a time field that is present must be a real time. One pass,
 * no deletes: this runs for every structured line.
 */
export function recordFromFields(fields: Attributes): ParsedLog | string {
  const chosen: Partial<Record<Role, Chosen>> = {};
  let attributes: Attributes = {};
  let passed: Chosen[] | undefined;
  for (const name in fields) {
    const value = fields[name]!;
    const known = ROLES.get(name);
    if (known === undefined || value === null || value === "" || typeof value === "boolean") {
      attributes[name] = value;
      continue;
    }
    const current = chosen[known.role];
    if (current === undefined || known.rank < current.rank) {
      if (current !== undefined) (passed ??= []).push(current);
      chosen[known.role] = { name, value, rank: known.rank };
    } else {
      (passed ??= []).push({ name, value, rank: known.rank });
    }
  }
  // Fields that lost to a better-known name stay as attributes.
  if (passed !== undefined) {
    attributes = { ...attributes };
    for (const field of passed) attributes[field.name] = field.value;
  }
  const message = chosen.message;
  if (message === undefined) return `no message field (looked for ${MESSAGE_FIELD_LIST})`;
  const parsed: { -readonly [K in keyof ParsedLog]: ParsedLog[K] } = {
    message: String(message.value),
    attributes,
  };
  const time = chosen.time;
  if (time !== undefined) {
    const timestamp = parseTimeValue(time.value);
    if (timestamp === undefined) return `${time.name} "${time.value}" is not a valid date`;
    parsed.timestamp = timestamp;
  }
  const number = chosen.severityNumber;
  const level = chosen.level;
  let severity: Severity | undefined;
  if (number !== undefined && typeof number.value === "number") {
    severity = parseSeverity(number.value);
  } else if (number !== undefined) attributes[number.name] = number.value;
  if (level !== undefined) {
    const fromLevel = typeof level.value === "number"
      ? numericLevel(level.value)
      : parseSeverity(level.value);
    severity ??= fromLevel;
    if (fromLevel === undefined) attributes[level.name] = level.value;
  }
  if (severity !== undefined) parsed.severity = severity;
  if (chosen.service !== undefined) parsed.service = String(chosen.service.value);
  if (chosen.customer !== undefined) parsed.customer = String(chosen.customer.value);
  if (chosen.environment !== undefined) parsed.environment = String(chosen.environment.value);
  if (chosen.version !== undefined) parsed.version = String(chosen.version.value);
  return parsed;
}
