/**
 * `deno task serve`: the HTTP service on an LMDB store in a local folder.
 * One process writes a store: the miner's state follows the log it appends.
 */
import { newUlid } from "../../adapters/ulid_ids.ts";
import denoJson from "../../deno.json" with { type: "json" };
import { SERVE_USAGE, serveConfig } from "../../adapters/cli/config.ts";
import type { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { privacyConfig } from "../../adapters/cli/privacy_config.ts";
import { markCompactionPending } from "../../adapters/lmdb/lmdb_env.ts";
import type { LmdbProjectionStore } from "../../adapters/lmdb/projection_store.ts";
import { BodyParsers } from "../../adapters/log_sources/body_parsers.ts";
import { OtlpDecoders } from "../../adapters/otlp/decoders.ts";
import { loadRedactionSettings } from "../../adapters/redaction/settings.ts";
import { startSyslog, syslogMetrics } from "../../adapters/syslog/listener.ts";
import { SyslogParsers } from "../../adapters/syslog/parsers.ts";
import { ticketingConfig } from "../../adapters/ticketing/config.ts";
import { compose } from "../app/compose.ts";
import {
  loadedOrExit,
  openLocalStore,
  parsedOrExit,
  storeOpenFailure,
  systemClock,
} from "./cli.ts";
import type { ImpactService } from "../impact/service.ts";
import { warmHourly } from "../app/warm.ts";
import type { TrendService } from "../trends/service.ts";

/**
 * Trends and impact summaries are kept per hour of data; when ingest brings
 * a new hour, they are recomputed in the background (after the ingest that
 * brought it was acknowledged) rather than by the next request.
 */
function warmEveryHourOfData(
  store: LmdbEventStore,
  projections: LmdbProjectionStore,
  impact: ImpactService,
  trends: TrendService,
): void {
  // A stale summary answers as it was while its successor is worked out in slices.
  impact.keepFreshInBackground();
  let hour = -1;
  let running = false;
  const warm = async () => {
    const now = Math.floor(impact.asOf() / 3_600_000);
    if (running || now === hour) return;
    running = true;
    hour = now;
    try {
      await warmHourly(projections, impact, trends);
    } catch (error) {
      console.error("Cannot precompute trends:", error);
    } finally {
      running = false;
    }
  };
  store.onAppend(() => setTimeout(warm, 50));
  void warm();
}

/**
 * Workers that parse pushed bodies; the main thread mines, appends and
 * projects. Two on our two cores: the main thread has more than one core's
 * worth of work only in bursts.
 */
const BODY_PARSERS = 2;
const RETENTION_EVERY_MS = 3_600_000;

if (import.meta.main) {
  // A failed commit (disk full, I/O error) is a state the store reports as 507,
  // but lmdb-js also rejects a promise nobody awaits: the service stays up.
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    console.error("Unhandled rejection (service kept running):", event.reason);
  });
  const env = Deno.env.toObject();
  const { config, ticketing, privacy } = parsedOrExit(() => ({
    config: serveConfig(Deno.args, env),
    ticketing: ticketingConfig(env),
    privacy: privacyConfig(env),
  }), SERVE_USAGE);
  const redaction = await loadedOrExit(() => loadRedactionSettings(env, config.dataDir));
  const clock = systemClock;
  let opened;
  try {
    opened = await openLocalStore(config.dataDir, {
      encryption: privacy.encryption,
      clock,
      onCompacted: () =>
        console.log(`Compacted ${config.dataDir}: no freed page keeps erased data`),
    });
  } catch (error) {
    console.error(
      storeOpenFailure(config.dataDir, error, { cannot: "start Loupe", again: "start again" }),
    );
    Deno.exit(1);
  }
  const { environment, store, projectionStore } = opened;
  const bodyParsers = new BodyParsers(BODY_PARSERS, redaction);
  const otlpDecoders = new OtlpDecoders(BODY_PARSERS);
  const syslogParsers = config.syslogTcpPort === undefined && config.syslogUdpPort === undefined
    ? undefined
    : new SyslogParsers(BODY_PARSERS, redaction);
  // The syslog listeners need the app, so they start after it: /metrics reads their counters late.
  const syslogCounters = { text: (): string => "" };
  // A store written by an older layout rebuilds its views here, which can take
  // minutes: say so rather than sit silent.
  let starting = true;
  let reportedAt = performance.now();
  const app = await compose({
    store,
    projectionStore,
    clock,
    newId: newUlid,
    http: {
      maxBodyBytes: config.maxBodyBytes,
      maxLineBytes: config.maxLineBytes,
      maxLines: config.maxLines,
      corsOrigins: config.corsOrigins,
      ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
      otlpCustomerAttribute: config.otlpCustomerAttribute,
      otlpDecoders,
      redaction,
    },
    parseBody: (bytes, options) => bodyParsers.parse(bytes, options),
    redaction,
    ticketing,
    extraMetrics: () => syslogCounters.text(),
    version: denoJson.version,
    onProgress: (position) => {
      if (!starting || performance.now() - reportedAt < 2_000) return;
      reportedAt = performance.now();
      console.error(`Bringing views up to date: event ${position} of ${store.headPosition()}`);
    },
    onSyncError: (error) => console.error("Sync:", (error as Error).message ?? error),
    retentionDays: privacy.retentionDays,
    onErased: () => markCompactionPending(config.dataDir),
  });
  starting = false;
  const { loupe, http, impact, trends } = app;
  loupe.projector.follow((error) => console.error("Projection failed:", error));
  const syslog = await startSyslog({
    app: loupe,
    clock,
    hostname: config.hostname,
    ...(config.syslogTcpPort === undefined ? {} : { tcpPort: config.syslogTcpPort }),
    ...(config.syslogUdpPort === undefined ? {} : { udpPort: config.syslogUdpPort }),
    maxMessageBytes: config.maxLineBytes,
    environment: config.syslogEnvironment,
    redaction,
    ...(syslogParsers === undefined ? {} : { parsers: syslogParsers }),
  });
  syslogCounters.text = () => syslogMetrics(syslog.counters);
  if (syslog.tcpPort !== undefined) {
    console.log(`Syslog listening on tcp://${config.hostname}:${syslog.tcpPort}`);
  }
  if (syslog.udpPort !== undefined) {
    console.log(`Syslog listening on udp://${config.hostname}:${syslog.udpPort}`);
  }
  warmEveryHourOfData(store, projectionStore, impact, trends);
  // Retention drops whole days: an hourly run drops each within the hour it expires.
  const applyRetention = () =>
    app.erasure.applyRetention().then(
      (receipt) => {
        for (const drop of receipt.dropped) {
          console.log(`Retention: dropped ${drop.customerId}'s data before ${drop.before}`);
        }
      },
      (error) => console.error("Retention:", (error as Error).message ?? error),
    );
  const retentionTimer = store.forgets
    ? setInterval(applyRetention, RETENTION_EVERY_MS)
    : undefined;
  if (store.forgets) void applyRetention();
  const server = Deno.serve({
    hostname: config.hostname,
    port: config.port,
    onListen: ({ hostname, port }) => {
      console.log(`Loupe listening on http://${hostname}:${port} (data in ${config.dataDir})`);
    },
  }, http.fetch);
  const stop = async () => {
    await server.shutdown();
    await syslog.close();
    await app.stop();
    clearInterval(retentionTimer);
    app.stop();
    bodyParsers.close();
    otlpDecoders.close();
    await store.close();
    syslogParsers?.close();
    await environment.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
