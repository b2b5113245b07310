import type { Attributes, ParsedLog } from "../../domain/log_record.ts";
import { severityFromNumber } from "../../domain/severity.ts";
import { lineParser, type RecordParser } from "./format.ts";
import { monthIndex, utcTime } from "../../domain/time.ts";

// host ident user [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326 ["referer" "agent"] [extra...]
const ACCESS =
  /^(\S+) (\S+) (\S+) \[(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? ([+-]\d{4})\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?(?: (.*))?$/;

/**
 * Apache and nginx common and combined access logs, with an optional request
 * time after them (nginx `$request_time`, Apache `%D`/`%T`). The message is
 * `METHOD path status`: what signature mining should group on, with the query
 * string (which varies per request) kept as an attribute.
 */
export function accessLogParser(): RecordParser {
  return lineParser(parseAccessLine);
}

/**
 * One access log line as a record, or why it is not one.
 *
 * @example
 * ```ts
 * import { parseAccessLine } from "./access.ts";
 * import assert from "node:assert/strict";
 * const parsed = parseAccessLine(
 *   '10.0.0.9 - - [01/Mar/2026:10:00:00 +0000] "POST /api/pay?cart=9 HTTP/1.1" 502 157 "-" "curl/8.5.0"',
 * );
 * assert.ok(typeof parsed !== "string");
 * assert.equal(parsed.message, "POST /api/pay 502");
 * assert.equal(parsed.severity?.text, "ERROR");
 * assert.equal(parsed.attributes.query, "cart=9");
 * ```
 */
export function parseAccessLine(text: string): ParsedLog | string {
  const m = ACCESS.exec(text);
  if (m === null) return "Cannot parse access log line: not in common or combined log format";
  const [
    ,
    client,
    ,
    user,
    day,
    mon,
    year,
    h,
    mi,
    s,
    fraction,
    zone,
    request,
    status,
    bytes,
    referer,
    agent,
    extra,
  ] = m;
  const month = monthIndex(mon!);
  if (month === undefined) return `timestamp month "${mon}" is not a month`;
  const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  const sign = zone!.startsWith("-") ? -1 : 1;
  const offset = sign * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(3, 5)));
  const utc = utcTime(Number(year), month, Number(day), Number(h), Number(mi), Number(s), ms);
  if (utc === undefined) {
    return `timestamp "${day}/${mon}/${year}:${h}:${mi}:${s}" is not a valid date`;
  }
  const attributes: Attributes = { client_ip: client! };
  if (user !== "-") attributes.user = user!;
  const [method, target, protocol] = request!.split(" ");
  const [path, query] = (target ?? "").split("?", 2);
  if (method !== undefined && target !== undefined) {
    attributes.method = method;
    attributes.path = path!;
    if (query !== undefined) attributes.query = query;
    if (protocol !== undefined) attributes.protocol = protocol;
  }
  const code = status === "-" ? undefined : Number(status);
  if (code !== undefined) attributes.status = code;
  if (bytes !== "-") attributes.bytes = Number(bytes);
  if (referer !== undefined && referer !== "-") attributes.referer = referer;
  if (agent !== undefined && agent !== "-") attributes.user_agent = agent;
  if (extra !== undefined) {
    const time = /^(\d+(?:\.\d+)?)\b/.exec(extra.trim());
    if (time !== null) attributes.request_time = Number(time[1]);
  }
  // Mining reads the message: method, path without query, and status make
  // the event; the query string varies per request.
  const message = method !== undefined && target !== undefined
    ? `${method} ${path} ${status}`
    : `${request} ${status}`;
  return {
    timestamp: utc - offset * 60_000,
    message,
    attributes,
    ...(code === undefined
      ? {}
      : { severity: severityFromNumber(code >= 500 ? 17 : code >= 400 ? 13 : 9) }),
  };
}
