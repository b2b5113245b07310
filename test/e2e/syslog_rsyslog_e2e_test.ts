/**
 * A real rsyslog relays syslog to Loupe's TCP listener: messages go into
 * rsyslog's own TCP input, and its omfwd action forwards them octet-counted
 * in RFC 5424, as a site's relay would.
 */
import assert from "node:assert/strict";
import { startServer } from "../support/server.ts";

const SYSLOG_PORT = 18_601;
const RSYSLOG_INPUT_PORT = 18_602;

async function rsyslogd(): Promise<string | undefined> {
  for (const path of ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"]) {
    try {
      await Deno.stat(path);
      return path;
    } catch {
      // not there
    }
  }
  return undefined;
}

const binary = await rsyslogd();

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

Deno.test({
  name:
    "rsyslog forwards RFC 5424 and BSD messages to the TCP listener: records, context and times",
  ignore: binary === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "loupe-rsyslog-" });
    const server = await startServer(`${dir}/data`, {
      LOUPE_SYSLOG_TCP_PORT: String(SYSLOG_PORT),
    });
    await Deno.mkdir(`${dir}/work`);
    await Deno.writeTextFile(
      `${dir}/rsyslog.conf`,
      `global(workDirectory="${dir}/work")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="${RSYSLOG_INPUT_PORT}")
action(type="omfwd" target="127.0.0.1" port="${SYSLOG_PORT}" protocol="tcp"
       TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format"
       queue.type="LinkedList" queue.filename="loupe" action.resumeRetryCount="-1")
`,
    );
    const rsyslog = new Deno.Command(binary!, {
      args: ["-n", "-f", `${dir}/rsyslog.conf`, "-i", `${dir}/rsyslogd.pid`],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(rsyslog.stderr).text();
    try {
      const conn = await waitFor("rsyslog's input", async () => {
        try {
          return await Deno.connect({ hostname: "127.0.0.1", port: RSYSLOG_INPUT_PORT });
        } catch {
          return undefined;
        }
      });
      const lines = [
        "<163>1 2026-12-04T08:15:30.125Z acme-prod checkout 4242 - - payment gateway timeout after 3000 ms",
        "<163>1 2026-12-04T08:15:31.500Z acme-prod checkout 4242 - - payment gateway timeout after 2950 ms",
        "<14>Dec  4 08:16:00 globex-prod billing[77]: invoice batch started",
      ];
      await conn.write(new TextEncoder().encode(lines.map((l) => `${l}\n`).join("")));
      conn.close();
      const signatures = await waitFor("the forwarded records", async () => {
        const reply = await (await fetch(`${server.url}/v1/signatures?limit=50`)).json();
        const total = reply.items.reduce((n: number, s: { count: number }) => n + s.count, 0);
        return total >= 3 ? reply.items : undefined;
      });
      const examples = (await Promise.all(
        signatures.map(async (s: { id: string }) =>
          (await (await fetch(`${server.url}/v1/signatures/${s.id}`)).json()).examples
        ),
      )).flat();
      const timeout = examples.find((e: { message: string }) =>
        e.message.startsWith("payment gateway timeout")
      );
      assert.equal(timeout.customer, "acme-prod");
      assert.equal(timeout.environment, "prod");
      assert.equal(timeout.service, "checkout");
      assert.equal(timeout.severity, "ERROR");
      assert.ok(
        ["2026-12-04T08:15:30.125Z", "2026-12-04T08:15:31.500Z"].includes(timeout.time),
        timeout.time,
      );
      const invoice = examples.find((e: { message: string }) =>
        e.message === "invoice batch started"
      );
      assert.equal(invoice.customer, "globex-prod");
      assert.equal(invoice.service, "billing");
      assert.equal(invoice.severity, "INFO");
      assert.match(invoice.time, /-12-04T08:16:00\.000Z$/);
    } finally {
      rsyslog.kill("SIGTERM");
      await rsyslog.status;
      await stderr;
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
