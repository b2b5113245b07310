import type { Attributes, ParsedLog } from "../../domain/log_record.ts";
import { parseSeverity, severityFromSyslog } from "../../domain/severity.ts";
import { lineParser, type ParserOptions, type RecordParser } from "./format.ts";
import { isVersionField } from "./fields.ts";
import { monthIndex, parseIsoLike, withInferredYear } from "../../domain/time.ts";

// <PRI>VERSION TIMESTAMP HOST APP PROCID MSGID [SD] MSG
const RFC5424 =
  /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\"]|\\.|"(?:[^"\\]|\\.)*")*\])+)(?: (.*))?$/s;
// [<PRI>]Mmm dd hh:mm:ss HOST TAG[PID]: MSG
const RFC3164 =
  /^(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\S+) ([^:\[\s]+)(?:\[(\d+)\])?:? ?(.*)$/s;
// rsyslog's high-precision file format (Ubuntu, Debian): an RFC 3339 time in
// place of the BSD one. The colon after the tag is required, as text logs
// (`2024-03-01T12:00:01Z WARN Foo: msg`) look alike otherwise.
const RFC3339_FILE =
  /^(?:<(\d{1,3})>)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) (\S+) ([^:\[\s]+)(?:\[(\d+)\])?: ?(.*)$/s;
const ELEMENT = /\[([^\s\]]+)((?:\s+[^=\s]+="(?:[^"\\]|\\.)*")*)\s*\]/g;
const PARAM = /([^=\s]+)="((?:[^"\\]|\\.)*)"/g;

/**
 * Syslog lines: RFC 5424, the older BSD form (RFC 3164, with or without the
 * PRI as in /var/log/syslog) and rsyslog's high-precision file format. BSD
 * times carry no year: the parser picks the one closest to, and not more than
 * a day after, `referenceTime`.
 */
export function syslogParser(options: ParserOptions): RecordParser {
  return lineParser((text) => parseSyslogLine(text, options.referenceTime));
}

/**
 * One syslog line as a record, or why it is not one.
 *
 * @example
 * ```ts
 * import { parseSyslogLine } from "./syslog.ts";
 * import assert from "node:assert/strict";
 * const parsed = parseSyslogLine("<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed", Date.UTC(2024, 0, 1));
 * assert.ok(typeof parsed !== "string");
 * assert.equal(parsed.timestamp, Date.UTC(2023, 9, 11, 22, 14, 15));
 * assert.equal(parsed.service, "su");
 * assert.equal(parsed.severity?.text, "FATAL");
 * ```
 */
export function parseSyslogLine(text: string, referenceTime: number): ParsedLog | string {
  const first = text.charCodeAt(0);
  if (first === 60) {
    const m5424 = RFC5424.exec(text);
    if (m5424 !== null) return from5424(m5424);
  }
  if (first === 60 || (first >= 65 && first <= 90)) {
    const m3164 = RFC3164.exec(text);
    if (m3164 !== null) return from3164(m3164, referenceTime);
  }
  if (first === 60 || (first >= 48 && first <= 57)) {
    const m3339 = RFC3339_FILE.exec(text);
    if (m3339 !== null && parseSeverity(m3339[3]) === undefined) return from3339(m3339);
  }
  return "Cannot parse syslog: neither RFC 5424 nor RFC 3164";
}

function from3164(m: RegExpExecArray, referenceTime: number): ParsedLog | string {
  const [, pri, mon, day, h, mi, s, fraction, host, tag, pid, message] = m;
  const month = monthIndex(mon!);
  if (month === undefined) return `Cannot parse syslog: "${mon}" is not a month`;
  const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  const timestamp = withInferredYear(
    month,
    Number(day),
    Number(h),
    Number(mi),
    Number(s),
    ms,
    referenceTime,
  );
  if (timestamp === undefined) {
    return `timestamp "${mon} ${day} ${h}:${mi}:${s}" is not a valid date`;
  }
  return withPriority(pri, {
    timestamp,
    message: message!,
    service: tag!,
    attributes: hostAndPid(host!, pid),
  });
}

function from3339(m: RegExpExecArray): ParsedLog | string {
  const [, pri, time, host, tag, pid, message] = m;
  const timestamp = parseIsoLike(time!);
  if (timestamp === undefined) return `timestamp "${time}" is not a valid date`;
  return withPriority(pri, {
    timestamp,
    message: message!,
    service: tag!,
    attributes: hostAndPid(host!, pid),
  });
}

function hostAndPid(host: string, pid: string | undefined): Attributes {
  const attributes: Attributes = { host };
  if (pid !== undefined) attributes.pid = Number(pid);
  return attributes;
}

/** PRI is facility * 8 + severity; lines written to files often leave it out. */
function withPriority(pri: string | undefined, parsed: ParsedLog): ParsedLog | string {
  if (pri === undefined) return parsed;
  const value = Number(pri);
  if (value > 191) return `Cannot parse syslog: priority ${pri} is above 191`;
  return {
    ...parsed,
    severity: severityFromSyslog(value % 8),
    attributes: { ...parsed.attributes, facility: Math.floor(value / 8) },
  };
}

function from5424(m: RegExpExecArray): ParsedLog | string {
  const [, pri, , time, host, app, procid, msgid, structured, message] = m;
  const attributes: Attributes = {};
  if (host !== "-") attributes.host = host!;
  if (procid !== "-") attributes.procid = procid!;
  if (msgid !== "-") attributes.msgid = msgid!;
  let version: string | undefined;
  if (structured !== "-") {
    for (const element of structured!.matchAll(ELEMENT)) {
      const id = element[1]!;
      for (const param of element[2]!.matchAll(PARAM)) {
        const value = param[2]!.replace(/\\(["\\\]])/g, "$1");
        // A shared cluster's lines say their release in structured data
        // (`[meta@32473 version="5.8.0" tenant_id="acme"]`): without it every
        // tenant on it had no version, and no release could be blamed there.
        if (version === undefined && value !== "" && isVersionField(param[1]!)) version = value;
        else attributes[`${id}.${param[1]}`] = value;
      }
    }
  }
  let timestamp: number | undefined;
  if (time !== "-") {
    timestamp = parseIsoLike(time!);
    if (timestamp === undefined) return `timestamp "${time}" is not a valid date`;
  }
  return withPriority(pri, {
    ...(timestamp === undefined ? {} : { timestamp }),
    // RFC 5424 lets a UTF-8 message start with a byte order mark.
    message: (message ?? "").replace(/^\uFEFF/, ""),
    ...(app === "-" ? {} : { service: app! }),
    ...(version === undefined ? {} : { version }),
    attributes,
  });
}
