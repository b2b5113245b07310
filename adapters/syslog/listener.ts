/**
 * Syslog listeners: RFC 5424 and RFC 3164 messages over TCP (RFC 6587
 * framing) and UDP (one message per datagram), stored as HTTP ingest stores
 * a push.
 *
 * TCP has no acknowledgement in syslog, so durability rides on flow control:
 * a connection is not read again while two of its reads are not yet flushed
 * to disk. A sender that is faster than the store waits in its TCP window
 * instead of filling Loupe's memory, and a crash loses at most the last two
 * reads of each connection besides the bytes the sender still holds as
 * unsent or the kernel holds as unread.
 *
 * UDP cannot push back: datagrams wait in a bounded queue while a batch is
 * stored, and those that find it full are dropped and counted.
 */
import type { RedactionSettings } from "../../ports/redaction.ts";
import dgram from "node:dgram";
import type { LoupeApplication } from "../../ports/application.ts";
import type { Clock } from "../../ports/clock.ts";
import { type Frame, SyslogFramer } from "./framing.ts";
import { type PackedFrames, packFrames, recordsOfPacked } from "./messages.ts";
import type { SyslogParsers } from "./parsers.ts";

export interface SyslogConfig {
  readonly app: LoupeApplication;
  readonly clock: Clock;
  readonly hostname: string;
  /** 0 picks a free port; undefined keeps the listener off. */
  readonly tcpPort?: number;
  readonly udpPort?: number;
  /** Longest message kept; longer ones are quarantined. */
  readonly maxMessageBytes: number;
  /** The environment of a message whose structured data names none. */
  readonly environment: string;
  /** Datagrams held while a batch is stored; more are dropped and counted. */
  readonly udpQueueLimit?: number;
  /** Personal data and secrets are replaced before anything is stored. */
  readonly redaction?: RedactionSettings;
  /**
   * Workers that parse the frames (they redact with their own settings);
   * without them, frames are parsed on the listening thread.
   */
  readonly parsers?: SyslogParsers;
}

/** What the listeners did since they started. */
export interface SyslogCounters {
  received: number;
  accepted: number;
  quarantined: number;
  /** Datagrams dropped because the queue was full. */
  udpDropped: number;
}

export interface SyslogListeners {
  readonly tcpPort?: number;
  readonly udpPort?: number;
  readonly counters: Readonly<SyslogCounters>;
  /** Stops accepting, then waits for what was received to be stored. */
  close(): Promise<void>;
}

const READ_BUFFER_BYTES = 256 * 1024;
const UDP_BATCH = 2000;
const DEFAULT_UDP_QUEUE = 100_000;

/** Starts the listeners the config asks for (none when both ports are undefined). */
export async function startSyslog(config: SyslogConfig): Promise<SyslogListeners> {
  const counters: SyslogCounters = { received: 0, accepted: 0, quarantined: 0, udpDropped: 0 };
  const store: Store = (source, frames, firstLine, after) => {
    const count = frames.ends.length;
    let handOver!: () => void;
    let fail!: (error: unknown) => void;
    const handedOver = new Promise<void>((resolve, reject) => {
      handOver = resolve;
      fail = reject;
    });
    // Awaited by the next batch, if there is one.
    handedOver.catch(() => {});
    const stored = (async () => {
      try {
        const options = {
          source,
          firstLine,
          now: config.clock.now(),
          environment: config.environment,
        };
        const batch = count === 0 ? undefined : config.parsers === undefined
          ? recordsOfPacked(
            frames,
            config.redaction === undefined ? options : { ...options, redaction: config.redaction },
          )
          : await config.parsers.parsePacked(frames, options);
        // Batches of one connection reach the store in the order they arrived.
        await after;
        if (batch === undefined) {
          handOver();
          return;
        }
        counters.received += count;
        const receipt = config.app.ingest({
          source,
          format: "syslog",
          context: {},
          records: batch.records,
          quarantined: batch.quarantined,
        });
        handOver();
        const { accepted, quarantined } = await receipt;
        counters.accepted += accepted;
        counters.quarantined += quarantined;
      } catch (error) {
        fail(error);
        throw error;
      }
    })();
    // Awaited by the reader, later: a failure must not count as unhandled meanwhile.
    stored.catch(() => {});
    return { handedOver, stored };
  };

  const connections = new Set<Promise<void>>();
  let tcp: Deno.TcpListener | undefined;
  let accepting: Promise<void> | undefined;
  if (config.tcpPort !== undefined) {
    tcp = Deno.listen({ hostname: config.hostname, port: config.tcpPort, transport: "tcp" });
    const listener = tcp;
    accepting = (async () => {
      try {
        for await (const conn of listener) {
          const done = serveConnection(conn, config, store).finally(() => connections.delete(done));
          connections.add(done);
        }
      } catch (error) {
        if (!(error instanceof Deno.errors.BadResource)) console.error("Syslog TCP:", error);
      }
    })();
  }

  let udp: dgram.Socket | undefined;
  let udpDrained: () => Promise<void> = () => Promise.resolve();
  if (config.udpPort !== undefined) {
    const socket = dgram.createSocket("udp4");
    udp = socket;
    const limit = config.udpQueueLimit ?? DEFAULT_UDP_QUEUE;
    let queue: Frame[] = [];
    let storing: Promise<void> | undefined;
    let line = 0;
    const drain = () => {
      if (storing !== undefined || queue.length === 0) return;
      const frames = queue.splice(0, UDP_BATCH);
      const first = line + 1;
      line += frames.length;
      storing = store("syslog-udp", packFrames(frames), first, Promise.resolve()).stored
        .catch((error) => console.error("Syslog UDP batch not stored:", error))
        .finally(() => {
          storing = undefined;
          drain();
        });
    };
    socket.on("message", (message: Uint8Array) => {
      if (queue.length >= limit) {
        counters.udpDropped++;
        return;
      }
      queue.push(
        message.length > config.maxMessageBytes
          ? {
            refused:
              `Cannot read syslog datagram: over the limit of ${config.maxMessageBytes} bytes`,
          }
          : { bytes: trimEnd(message) },
      );
      // Datagrams arriving in one turn of the event loop go into one batch.
      if (queue.length === 1) queueMicrotask(() => setTimeout(drain, 0));
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(config.udpPort, config.hostname, () => resolve());
    });
    udpDrained = async () => {
      while (storing !== undefined || queue.length > 0) {
        drain();
        await storing;
      }
      queue = [];
    };
  }

  return {
    ...(tcp === undefined ? {} : { tcpPort: (tcp.addr as Deno.NetAddr).port }),
    ...(udp === undefined ? {} : { udpPort: udp.address().port }),
    counters,
    async close() {
      tcp?.close();
      await accepting;
      await Promise.all(connections);
      if (udp !== undefined) {
        const socket = udp;
        await new Promise<void>((resolve) => socket.close(() => resolve()));
      }
      await udpDrained();
    },
  };
}

/**
 * Stores a batch of frames once `after` (the hand-over of the batch before it)
 * has settled: `handedOver` when the batch is queued for the store, `stored`
 * when it is on disk.
 */
type Store = (
  source: string,
  frames: PackedFrames,
  firstLine: number,
  after: Promise<void>,
) => { readonly handedOver: Promise<void>; readonly stored: Promise<void> };

/**
 * Reads one connection. A read's frames are parsed and stored while the next
 * read is taken, and no read is taken while two are not yet on disk: the
 * sender is held back by TCP, and the flush of one batch overlaps the parsing
 * of the next instead of leaving the connection idle for the fsync.
 */
async function serveConnection(
  conn: Deno.TcpConn,
  config: SyslogConfig,
  store: Store,
): Promise<void> {
  const framer = new SyslogFramer(config.maxMessageBytes);
  const peer = conn.remoteAddr;
  const source = `syslog-tcp:${peer.hostname}:${peer.port}`;
  const buffer = new Uint8Array(READ_BUFFER_BYTES);
  let line = 1;
  let handedOver = Promise.resolve();
  let unflushed: Promise<void> | undefined;
  try {
    for (;;) {
      const read = await conn.read(buffer);
      // The framer copies what it keeps: the buffer can be read into again.
      const frames = read === null
        ? packFrames(framer.end())
        : framer.pushPacked(buffer.subarray(0, read));
      const batch = store(source, frames, line, handedOver);
      handedOver = batch.handedOver;
      await unflushed;
      unflushed = batch.stored;
      line += frames.ends.length;
      if (read === null) break;
    }
    await unflushed;
  } catch (error) {
    if (
      !(error instanceof Deno.errors.BadResource || error instanceof Deno.errors.ConnectionReset)
    ) {
      console.error("Syslog connection failed:", error);
    }
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed by the peer.
    }
  }
}

function trimEnd(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d || bytes[end - 1] === 0)) {
    end--;
  }
  return end === bytes.length ? bytes : bytes.subarray(0, end);
}

/**
 * The counters as Prometheus text, for `/metrics`.
 *
 * @example
 * ```ts
 * import { syslogMetrics } from "./listener.ts";
 * import assert from "node:assert/strict";
 * const text = syslogMetrics({ received: 10, accepted: 9, quarantined: 1, udpDropped: 2 });
 * assert.match(text, /^loupe_syslog_udp_dropped_total 2$/m);
 * ```
 */
export function syslogMetrics(counters: Readonly<SyslogCounters>): string {
  const lines: [string, string, number][] = [
    ["loupe_syslog_messages_received_total", "Syslog messages received", counters.received],
    [
      "loupe_syslog_udp_dropped_total",
      "Syslog datagrams dropped on a full queue",
      counters.udpDropped,
    ],
  ];
  return lines.map(([name, help, value]) =>
    `# HELP ${name} ${help}\n# TYPE ${name} counter\n${name} ${value}\n`
  ).join("");
}
