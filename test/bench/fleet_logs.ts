/**
 * Realistic mixed-format fleet logs for the ingest benchmark, written to
 * `<dir>/<customer>/<environment>/<service>.<ext>`: JSON lines, logfmt,
 * syslog, access logs and log4j text with Java stack traces, with varied
 * ids, IPs, durations, paths and e-mails. Deterministic (seeded).
 */
import { rng } from "./rng.ts";

/** Records the ingest bench imports, and what the redaction bench compares it on. */
export const INGEST_BENCH_RECORDS = Number(Deno.env.get("LOUPE_BENCH_RECORDS") ?? 1_000_000);
const FORMATS = ["jsonl", "logfmt", "syslog", "access", "log4j"] as const;
type Format = (typeof FORMATS)[number];
const EXTENSION: Record<Format, string> = {
  jsonl: "jsonl",
  logfmt: "log",
  syslog: "syslog",
  access: "access.log",
  log4j: "log",
};

const EVENTS: ((r: () => number) => { level: string; msg: string })[] = [
  (r) => ({
    level: "INFO",
    msg: `Order ${Math.floor(r() * 1e6)} placed by user${
      Math.floor(r() * 5000)
    }@example.com total ${(r() * 500).toFixed(2)} EUR`,
  }),
  (r) => ({
    level: "INFO",
    msg: `GET /api/v2/items/${Math.floor(r() * 9999)} completed in ${Math.floor(r() * 300)} ms`,
  }),
  (r) => ({
    level: "DEBUG",
    msg: `Cache hit for key session:${Math.floor(r() * 1e9).toString(16)} in ${
      Math.floor(r() * 5)
    } ms`,
  }),
  (r) => ({
    level: "WARN",
    msg: `Slow query on table orders took ${Math.floor(200 + r() * 3000)} ms`,
  }),
  (r) => ({
    level: "INFO",
    msg: `User ${Math.floor(r() * 5000)} logged in from 10.${Math.floor(r() * 255)}.${
      Math.floor(r() * 255)
    }.${Math.floor(r() * 255)}`,
  }),
  (r) => ({
    level: "ERROR",
    msg: `Payment gateway timeout after ${Math.floor(1000 + r() * 30000)} ms for order ${
      Math.floor(r() * 1e6)
    }`,
  }),
  (r) => ({
    level: "INFO",
    msg: `Uploaded file /data/uploads/${Math.floor(r() * 1e5)}/report.pdf (${
      Math.floor(r() * 1e7)
    } bytes)`,
  }),
  (r) => ({
    level: "ERROR",
    msg: `Connection to db-${Math.floor(r() * 4)}:5432 refused, retry ${Math.floor(r() * 5)} of 5`,
  }),
];

function line(format: Format, r: () => number, time: number, service: string): string {
  const event = EVENTS[Math.floor(r() * EVENTS.length)]!(r);
  const iso = new Date(time).toISOString();
  switch (format) {
    case "jsonl":
      return JSON.stringify({
        time: iso,
        level: event.level.toLowerCase(),
        msg: event.msg,
        service,
        request_id: Math.floor(r() * 1e9).toString(36),
      });
    case "logfmt":
      return `time=${iso} level=${event.level.toLowerCase()} msg="${event.msg}" service=${service}`;
    case "syslog":
      return `<${event.level === "ERROR" ? 11 : event.level === "WARN" ? 12 : 14}>1 ${iso} host-${
        Math.floor(r() * 9)
      } ${service} ${Math.floor(r() * 30000)} - - ${event.msg}`;
    case "access": {
      const status = event.level === "ERROR" ? 502 : r() < 0.05 ? 404 : 200;
      const d = new Date(time);
      const month = [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
      ][d.getUTCMonth()];
      const stamp = `${String(d.getUTCDate()).padStart(2, "0")}/${month}/${d.getUTCFullYear()}:${
        iso.slice(11, 19)
      } +0000`;
      return `10.0.${Math.floor(r() * 255)}.${
        Math.floor(r() * 255)
      } - - [${stamp}] "GET /api/v2/items/${Math.floor(r() * 9999)}?page=${
        Math.floor(r() * 9)
      } HTTP/1.1" ${status} ${Math.floor(r() * 9000)} "-" "Mozilla/5.0"`;
    }
    case "log4j": {
      const head = `${iso.slice(0, 10)} ${iso.slice(11, 23).replace(".", ",")} ${
        event.level.padEnd(5)
      } [worker-${Math.floor(r() * 8)}] com.acme.${service}.Service - ${event.msg}`;
      if (event.level !== "ERROR") return head;
      return `${head}\ncom.acme.${service}.UpstreamException: ${event.msg}\n\tat com.acme.${service}.Client.call(Client.java:${
        Math.floor(r() * 400)
      })\n\tat com.acme.${service}.Service.handle(Service.java:88)\n\t... 14 more`;
    }
  }
}

/** Writes about `records` records over `customers` customers; returns the record count. */
export async function writeFleetLogs(
  dir: string,
  records: number,
  customers = 40,
  seed = 7,
): Promise<number> {
  const services = ["checkout", "billing", "search", "auth", "media"];
  const files = customers * services.length;
  const perFile = Math.ceil(records / files);
  const encoder = new TextEncoder();
  let written = 0;
  for (let c = 0; c < customers; c++) {
    const environment = c % 3 === 0 ? "staging" : "prod";
    await Deno.mkdir(`${dir}/customer-${c}/${environment}`, { recursive: true });
    for (let s = 0; s < services.length; s++) {
      const format = FORMATS[(c + s) % FORMATS.length]!;
      const r = rng(seed * 1_000_003 + c * 101 + s);
      const file = await Deno.open(
        `${dir}/customer-${c}/${environment}/${services[s]}.${EXTENSION[format]}`,
        {
          write: true,
          create: true,
          truncate: true,
        },
      );
      const start = Date.UTC(2026, 2, 1);
      let chunk: string[] = [];
      for (let i = 0; i < perFile; i++) {
        chunk.push(line(format, r, start + i * 1000, services[s]!));
        if (chunk.length === 5000) {
          await file.write(encoder.encode(chunk.join("\n") + "\n"));
          chunk = [];
        }
      }
      if (chunk.length > 0) await file.write(encoder.encode(chunk.join("\n") + "\n"));
      file.close();
      written += perFile;
    }
  }
  return written;
}
