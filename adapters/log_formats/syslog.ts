import type { Attributes, ParsedLog } from "../../domain/log_record.ts";
import { severityFromSyslog } from "../../domain/severity.ts";
import { lineParser, type ParserOptions, type RecordParser } from "./format.ts";
import { monthIndex, parseIsoLike, withInferredYear } from "./time.ts";

// <PRI>VERSION TIMESTAMP HOST APP PROCID MSGID [SD] MSG
const RFC5424 =
  /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (.*))?$/s;
// [<PRI>]Mmm dd hh:mm:ss HOST TAG[PID]: MSG
const RFC3164 =
  /^(?:<(\d{1,3})>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\S+) ([^:\[\s]+)(?:\[(\d+)\])?:? ?(.*)$/s;

/** Syslog lines, RFC 5424 and the older BSD form (RFC 3164, /var/log/syslog). */
export function syslogParser(options: ParserOptions): RecordParser {
  return lineParser((text) => parseSyslogLine(text, options.referenceTime));
}

export function parseSyslogLine(text: string, referenceTime: number): ParsedLog | string {
  if (text.startsWith("<") && RFC5424.test(text)) return parse5424(text);
  const m = RFC3164.exec(text);
  if (m === null) return "Cannot parse syslog: neither RFC 5424 nor RFC 3164";
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
  const attributes: Attributes = { host: host! };
  if (pid !== undefined) attributes.pid = Number(pid);
  if (pri !== undefined) attributes.facility = Math.floor(Number(pri) / 8);
  return {
    timestamp,
    message: message ?? "",
    service: tag!,
    attributes,
    ...(pri === undefined ? {} : { severity: severityFromSyslog(Number(pri) % 8) }),
  };
}

function parse5424(text: string): ParsedLog | string {
  const m = RFC5424.exec(text)!;
  const [, pri, , time, host, app, procid, msgid, structured, message] = m;
  const attributes: Attributes = { facility: Math.floor(Number(pri) / 8) };
  if (host !== "-") attributes.host = host!;
  if (procid !== "-") attributes.procid = procid!;
  if (msgid !== "-") attributes.msgid = msgid!;
  if (structured !== "-") {
    for (
      const element of structured!.matchAll(/\[([^\s\]]+)((?:\s+[^=\s]+="(?:[^"\\]|\\.)*")*)\s*\]/g)
    ) {
      const id = element[1]!;
      for (const param of element[2]!.matchAll(/([^=\s]+)="((?:[^"\\]|\\.)*)"/g)) {
        attributes[`${id}.${param[1]}`] = param[2]!.replace(/\\(["\\\]])/g, "$1");
      }
    }
  }
  let timestamp: number | undefined;
  if (time !== "-") {
    timestamp = parseIsoLike(time!);
    if (timestamp === undefined) return `timestamp "${time}" is not a valid date`;
  }
  return {
    ...(timestamp === undefined ? {} : { timestamp }),
    severity: severityFromSyslog(Number(pri) % 8),
    message: (message ?? "").replace(/^\uFEFF/, ""),
    ...(app === "-" ? {} : { service: app! }),
    attributes,
  };
}
