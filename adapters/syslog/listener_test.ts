import assert from "node:assert/strict";
import dgram from "node:dgram";
import { memoryLoupe } from "../../test/support/app.ts";
import { startSyslog } from "./listener.ts";
import { SyslogParsers } from "./parsers.ts";

const clock = { now: () => Date.UTC(2026, 11, 4, 12) };

async function listeners(parsers?: SyslogParsers) {
  const { loupe } = await memoryLoupe();
  const syslog = await startSyslog({
    ...(parsers === undefined ? {} : { parsers }),
    app: loupe,
    clock,
    hostname: "127.0.0.1",
    tcpPort: 0,
    udpPort: 0,
    maxMessageBytes: 1024,
    environment: "prod",
  });
  return { loupe, syslog };
}

function examples(loupe: Awaited<ReturnType<typeof memoryLoupe>>["loupe"]) {
  return loupe.listSignatures({ limit: 100, offset: 0 }).items
    .flatMap((s) => loupe.signature(s.signatureId).examples);
}

for (const workers of [0, 2]) {
  const where = workers === 0 ? "parsed on the listening thread" : "parsed on workers";
  const withListeners = async (
    test: (started: Awaited<ReturnType<typeof listeners>>) => Promise<void>,
  ) => {
    const parsers = workers === 0 ? undefined : new SyslogParsers(workers);
    try {
      await test(await listeners(parsers));
    } finally {
      parsers?.close();
    }
  };

  Deno.test(`syslog TCP, ${where}: octet-counted and LF-framed messages in any chunks, RFC 5424 and 3164`, () =>
    withListeners(async ({ loupe, syslog }) => {
      const rfc5424 =
        '<165>1 2026-12-04T10:00:00.250Z acme checkout 42 ID7 [loupe@32473 environment="staging"] card declined';
      const rfc3164 = "<11>Dec  4 09:30:00 globex billing[7]: invoice job failed";
      const stream = new TextEncoder().encode(
        `${new TextEncoder().encode(rfc5424).length} ${rfc5424}${rfc3164}\nnot syslog at all\n`,
      );
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: syslog.tcpPort! });
      for (let i = 0; i < stream.length; i += 7) await conn.write(stream.subarray(i, i + 7));
      conn.close();
      await syslog.close();
      const byMessage = new Map(examples(loupe).map((e) => [e.message, e]));
      const declined = byMessage.get("card declined");
      assert.equal(declined?.customer, "acme");
      assert.equal(declined?.environment, "staging");
      assert.equal(declined?.service, "checkout");
      assert.equal(declined?.timestamp, Date.UTC(2026, 11, 4, 10, 0, 0, 250));
      assert.equal(declined?.severityText, "INFO");
      const invoice = byMessage.get("invoice job failed");
      assert.equal(invoice?.customer, "globex");
      assert.equal(invoice?.environment, "prod");
      assert.equal(invoice?.severityText, "ERROR");
      assert.equal(invoice?.timestamp, Date.UTC(2026, 11, 4, 9, 30));
      assert.equal(loupe.status().recordsIngested, 2);
      assert.equal(loupe.quarantine(10, 0).items.length, 1);
      assert.equal(syslog.counters.received, 3);
    }));

  Deno.test(`syslog UDP, ${where}: one message per datagram, stored in batches`, () =>
    withListeners(async ({ loupe, syslog }) => {
      const socket = dgram.createSocket("udp4");
      for (let i = 0; i < 20; i++) {
        await new Promise<void>((resolve, reject) =>
          socket.send(
            `<12>Dec  4 11:00:${String(i).padStart(2, "0")} umbrella api: queue depth ${i}\n`,
            syslog.udpPort!,
            "127.0.0.1",
            (error) => (error ? reject(error) : resolve()),
          )
        );
      }
      socket.close();
      // UDP gives no acknowledgement: wait until all arrived (bounded).
      for (let i = 0; i < 100 && syslog.counters.received < 20; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await syslog.close();
      assert.equal(syslog.counters.received + syslog.counters.udpDropped, 20);
      assert.equal(loupe.status().recordsIngested, syslog.counters.received);
      assert.ok(examples(loupe).every((e) => e.customer === "umbrella" && e.service === "api"));
    }));
}
