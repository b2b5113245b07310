/**
 * Header learning on layouts of systems whose logs are not in the shared
 * datasets, written from their general shape (not their templates): syslog
 * without a level, cluster alert lines, HPC-like fields, a bracketed time and
 * a program, Apache, Android, Spark, Windows CBS-like, epoch + component, ISO
 * time + host. Raw lines must group as their bare messages do.
 */
import assert from "node:assert/strict";
import { groupingAccuracy, learnHeader, mineCorpus } from "./mod.ts";
// A tiny deterministic generator.
let seed = 42;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const EVENTS: ((i: number) => string)[] = [
  () => `connection from ${int(256)}.${int(256)}.1.${int(256)} closed by peer after ${int(900)} ms`,
  () => `worker ${int(40)} finished batch ${int(99999)} in ${int(50)}.${int(10)} s`,
  () => `cache miss for key item-${int(99999)}, fetching from origin`,
  () => `disk usage on /var/data${int(4)} at ${int(100)}%`,
  () => `retrying request ${int(1e6)} (attempt ${int(5)} of 5)`,
  () => `configuration reloaded from /etc/app/${pick(["a", "b", "c"])}.conf`,
  () => `queue depth ${int(5000)} exceeds soft limit`,
  () =>
    `session ${int(1e9).toString(16)} expired for user ${
      pick(["alice", "bob", "carol", "dave", "erin"])
    }`,
  () => `heartbeat ok`,
  () => `unable to resolve host ${pick(["db", "cache", "auth"])}-${int(9)}.corp.example`,
];
type Header = (i: number) => string;
const time = () => `${pad(int(24))}:${pad(int(60))}:${pad(int(60))}`;
const HEADERS: Record<string, Header> = {
  syslogNoLevel: () =>
    `${pick(MONTHS)} ${1 + int(28)} ${time()} ${pick(["gw1", "gw2", "labhost"])} ${
      pick(["sshd", "cron", "kernel", "su"])
    }[${int(30000)}]: `,
  syslogPaddedDay: () =>
    `${pick(MONTHS)} ${String(1 + int(28)).padStart(2, " ")} ${time()} node${int(9)} app(pam)[${
      int(30000)
    }]: `,
  clusterAlert: () =>
    `${rnd() < 0.8 ? "-" : pick(["KERNDTLB", "APPSEV"])} ${1131566461 + int(1e6)} 2005.11.${
      pad(1 + int(28))
    } cn${int(900)} ${pick(MONTHS)} ${1 + int(28)} ${time()} cn${int(900)}/cn${int(900)} ${
      pick(["crond", "sshd", "kernel"])
    }[${int(9000)}]: `,
  hpcLike: () =>
    `${int(400000)} node-${int(300)} ${pick(["unix.hw", "boot.x", "action.sys"])} ${
      pick(["state_change.unavailable", "boot_start", "halt"])
    } ${1077804742 + int(1e6)} 1 `,
  bracketTimeProgram: () =>
    `[${pad(1 + int(12))}.${pad(1 + int(28))} ${time()}] ${
      pick(["chrome.exe", "svchost.exe", "outlook.exe", "Dropbox.exe"])
    } - `,
  apacheLike: () =>
    `[${pick(DAYS)} ${pick(MONTHS)} ${pad(1 + int(28))} ${time()} 2005] [${
      pick(["notice", "error", "warn"])
    }] `,
  androidLike: () =>
    `${pad(1 + int(12))}-${pad(1 + int(28))} ${time()}.${pad(int(1000), 3)}  ${int(3000)}  ${
      int(3000)
    } ${pick(["D", "I", "W", "E", "V"])} ${
      pick(["WindowManager", "PowerManagerService", "ActivityManager"])
    }: `,
  sparkLike: () =>
    `17/06/${pad(1 + int(28))} ${time()} ${pick(["INFO", "WARN"])} ${
      pick(["storage.BlockManager", "executor.Executor", "spark.SecurityManager"])
    }: `,
  windowsLike: () =>
    `2016-09-${pad(1 + int(28))} ${time()}, ${pick(["Info", "Warning"])}                  ${
      pick(["CBS", "CSI"])
    }    `,
  epochOnly: () => `${1500000000 + int(1e7)} ${pick(["api", "worker", "sched"])} `,
  isoNoLevel: () =>
    `2024-03-${pad(1 + int(28))}T${time()}.${pad(int(1000), 3)}Z ${
      pick(["web-1", "web-2", "web-3"])
    } `,
};
for (const [name, header] of Object.entries(HEADERS)) {
  Deno.test(`raw lines of a ${name} layout group as their messages do`, () => {
    const raw: string[] = [];
    const truth: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const e = int(EVENTS.length);
      raw.push(header(i) + EVENTS[e]!(i));
      truth.push(String(e));
    }
    const model = learnHeader(raw);
    const stripped = raw.map((l) => model.strip(l).message);
    const ga = groupingAccuracy(mineCorpus(stripped).signatureIds, truth);
    assert.ok(ga >= 0.99, `${name}: GA ${ga}, header ${model.shapes.join(" ")}: ${stripped[0]}`);
  });
}
