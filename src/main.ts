/**
 * `deno task serve`: the HTTP service on an LMDB store in a local folder.
 * One process writes a store: the miner's state follows the log it appends.
 */
import { ulid } from "ulid";
import { SERVE_USAGE, serveConfig } from "../adapters/cli/config.ts";
import { createHttpApp } from "../adapters/http/app.ts";
import { readRuleFile, ticketRoutes } from "../adapters/http/ticket_routes.ts";
import { LmdbEventStore } from "../adapters/lmdb/event_store.ts";
import { openLmdb } from "../adapters/lmdb/lmdb_env.ts";
import { LmdbProjectionStore } from "../adapters/lmdb/projection_store.ts";
import { BodyParsers } from "../adapters/log_sources/body_parsers.ts";
import type { Clock } from "../ports/clock.ts";
import { Loupe } from "./loupe.ts";
import { TicketService } from "./tickets/mod.ts";
import { AnalyticsService, predictionOrNull } from "./analytics/service.ts";
import { analyticsRoutes, predictionJson } from "../adapters/http/analytics_routes.ts";
import { customerRoutes } from "../adapters/http/customer_routes.ts";
import { impactRoutes } from "../adapters/http/impact_routes.ts";
import { ImpactService } from "./impact.ts";
import { trendRoutes } from "../adapters/http/trend_routes.ts";
import { TrendService } from "./trends.ts";
import { issueRoutes } from "../adapters/http/issue_routes.ts";
import { IssueService } from "./issues.ts";
import { recentSignatures } from "./projections/signatures.ts";
import { kbRoutes } from "../adapters/http/kb_routes.ts";
import { kbService } from "./kb/mod.ts";
import { startSyslog, syslogMetrics } from "../adapters/syslog/listener.ts";
import { OtlpDecoders } from "../adapters/otlp/decoders.ts";
import { openApiDocument, openApiRoutes } from "../adapters/http/openapi.ts";
import { ROUTE_DOCS } from "../adapters/http/route_docs.ts";
import denoJson from "../deno.json" with { type: "json" };
import { loadRedactionSettings } from "../adapters/redaction/settings.ts";
import { redactorOf } from "../adapters/redaction/log_redaction.ts";
import { type TicketingConfig, ticketingConfig } from "../adapters/ticketing/config.ts";
import { ZendeskAdapter } from "../adapters/ticketing/zendesk.ts";
import { JiraAdapter } from "../adapters/ticketing/jira.ts";
import { WebhookAdapter } from "../adapters/ticketing/webhook.ts";
import { integrationRoutes } from "../adapters/http/integration_routes.ts";
import { SyncService } from "./sync/service.ts";
import { issueFactsOver } from "./sync/issue_facts.ts";

/**
 * Trends and impact summaries are kept per hour of data; when ingest brings
 * a new hour, they are recomputed in the background (after the ingest that
 * brought it was acknowledged) rather than by the next request. One
 * signature at a time, with the event loop free in between: a request that
 * arrives meanwhile waits for one signature's recompute, not for all of them.
 */
function warmEveryHourOfData(
  store: LmdbEventStore,
  projections: LmdbProjectionStore,
  impact: ImpactService,
  trends: TrendService,
): void {
  let hour = -1;
  let running = false;
  const warm = async () => {
    const now = Math.floor(impact.asOf() / 3_600_000);
    if (running || now === hour) return;
    running = true;
    hour = now;
    try {
      for (const { signatureId } of recentSignatures(projections, 13)) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        trends.trend(signatureId);
        impact.affectedSummary(signatureId);
      }
    } catch (error) {
      console.error("Cannot precompute trends:", error);
    } finally {
      running = false;
    }
  };
  store.onAppend(() => setTimeout(warm, 50));
  void warm();
}

/** Why the store could not be opened, in one sentence an operator can act on. */
function startupFailure(dataDir: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (
    error instanceof Deno.errors.PermissionDenied ||
    /EACCES|EROFS|read-only|permission/i.test(message)
  ) {
    return `Cannot start Loupe: the data directory ${dataDir} cannot be written (${
      message.split("\n")[0]
    }); give this user write access or pass --data with a writable directory.`;
  }
  if (/ENOSPC|No space left/i.test(message)) {
    return `Cannot start Loupe: the disk holding ${dataDir} is full; free some space and start again.`;
  }
  return `Cannot start Loupe: ${message.split("\n")[0]}`;
}

/**
 * Workers that parse pushed bodies; the main thread mines, appends and
 * projects. Two on our two cores: the main thread has more than one core's
 * worth of work only in bursts.
 */
const BODY_PARSERS = 2;

if (import.meta.main) {
  // A failed commit (disk full, I/O error) is a state the store reports as 507,
  // but lmdb-js also rejects a promise nobody awaits: the service stays up.
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    console.error("Unhandled rejection (service kept running):", event.reason);
  });
  let config;
  let ticketing: TicketingConfig;
  try {
    config = serveConfig(Deno.args, Deno.env.toObject());
    ticketing = ticketingConfig(Deno.env.toObject());
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${SERVE_USAGE}`);
    Deno.exit(2);
  }
  let redaction;
  try {
    redaction = await loadRedactionSettings(Deno.env.toObject(), config.dataDir);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  const clock: Clock = { now: () => Date.now() };
  let environment;
  try {
    environment = openLmdb(config.dataDir);
  } catch (error) {
    console.error(startupFailure(config.dataDir, error));
    Deno.exit(1);
  }
  const store = new LmdbEventStore(environment, { clock });
  const projectionStore = new LmdbProjectionStore(environment);
  // A store written by an older layout rebuilds its views here, which can take
  // minutes: say so rather than sit silent.
  let starting = true;
  let reportedAt = performance.now();
  const loupe = await Loupe.start({
    store,
    projectionStore,
    clock,
    newId: () => ulid(),
    onProgress: (position) => {
      if (!starting || performance.now() - reportedAt < 2_000) return;
      reportedAt = performance.now();
      console.error(`Bringing views up to date: event ${position} of ${store.headPosition()}`);
    },
  });
  starting = false;
  loupe.projector.follow((error) => console.error("Projection failed:", error));
  const bodyParsers = new BodyParsers(BODY_PARSERS);
  const otlpDecoders = new OtlpDecoders(BODY_PARSERS);
  const syslog = await startSyslog({
    app: loupe,
    clock,
    hostname: config.hostname,
    ...(config.syslogTcpPort === undefined ? {} : { tcpPort: config.syslogTcpPort }),
    ...(config.syslogUdpPort === undefined ? {} : { udpPort: config.syslogUdpPort }),
    maxMessageBytes: config.maxLineBytes,
    environment: config.syslogEnvironment,
  });
  if (syslog.tcpPort !== undefined) {
    console.log(`Syslog listening on tcp://${config.hostname}:${syslog.tcpPort}`);
  }
  if (syslog.udpPort !== undefined) {
    console.log(`Syslog listening on udp://${config.hostname}:${syslog.udpPort}`);
  }
  const bodyParsers = new BodyParsers(BODY_PARSERS, redaction);
  const http = createHttpApp({
    extraMetrics: () => syslogMetrics(syslog.counters),
    app: loupe,
    clock,
    parseBody: (bytes, options) => bodyParsers.parse(bytes, options),
    config: {
      maxBodyBytes: config.maxBodyBytes,
      maxLineBytes: config.maxLineBytes,
      maxLines: config.maxLines,
      corsOrigins: config.corsOrigins,
      ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
      otlpCustomerAttribute: config.otlpCustomerAttribute,
      otlpDecoders,
    },
  });
  const tickets = new TicketService({
    store,
    projections: projectionStore,
    clock,
    newId: () => ulid(),
    defaultRules: await readRuleFile(
      new URL("../fixtures/rules/default_rules.json", import.meta.url),
    ),
    settled: () => loupe.settled(),
    attribution: loupe.attribution,
    redactor: redactorOf(redaction),
  });
  const analytics = new AnalyticsService({
    store,
    projections: projectionStore,
    attribution: loupe.attribution,
    clock,
    settled: () => loupe.settled(),
  });
  http.route("/", analyticsRoutes(analytics, { maxBodyBytes: config.maxBodyBytes }));
  http.route(
    "/",
    ticketRoutes(tickets, {
      clock,
      maxBodyBytes: config.maxBodyBytes,
      predictionOf: (ticketId) => {
        const prediction = predictionOrNull(analytics, ticketId);
        return prediction === null ? null : predictionJson(prediction);
      },
    }),
  );
  http.route("/", customerRoutes(loupe.customerService(), { maxBodyBytes: config.maxBodyBytes }));
  const impact = new ImpactService(projectionStore, loupe.attribution);
  const trends = new TrendService(projectionStore, loupe.attribution);
  const issues = new IssueService(projectionStore, loupe.attribution, impact, trends);
  const customers = loupe.customerService();
  const sync = await SyncService.start({
    store,
    clock,
    newId: () => ulid(),
    random: Math.random,
    tickets,
    issues: issueFactsOver(issues, (id) => loupe.signature(id), impact),
    customers: () => customers.customers(),
    settled: () => loupe.settled(),
    ...(ticketing.zendesk === null ? {} : { zendesk: new ZendeskAdapter(ticketing.zendesk) }),
    ...(ticketing.jira === null ? {} : { jira: new JiraAdapter(ticketing.jira) }),
    ...(ticketing.webhook === null ? {} : { webhook: new WebhookAdapter(ticketing.webhook) }),
    config: {
      publicUrl: ticketing.publicUrl,
      jiraReopenStatus: ticketing.jiraReopenStatus,
      autoLinkMinScore: 0.5,
      autoLinkMargin: 0.1,
      inbound: {
        statusMap: ticketing.statusMap,
        environmentField: ticketing.environmentField,
        environmentTagPrefix: ticketing.environmentTagPrefix,
        historySince: ticketing.historySince,
      },
      outbox: { maxAttempts: ticketing.maxAttempts },
    },
    onError: (error) => console.error("Sync:", (error as Error).message ?? error),
  });
  // Before the ticket routes: it adds the `sync` section to GET /v1/tickets/:id.
  http.route(
    "/",
    issueRoutes(
      new IssueService(projectionStore, loupe.attribution, impact, trends, {
        store,
        clock,
        settled: () => loupe.settled(),
      }),
    ),
  );
  http.route(
    "/",
    kbRoutes(kbService(loupe, store, projectionStore, tickets, clock), {
      maxBodyBytes: config.maxBodyBytes,
    }),
  );
  http.route(
    "/",
    openApiRoutes(() => openApiDocument(ROUTE_DOCS, { version: denoJson.version })),
    integrationRoutes(sync, {
      clock,
      maxBodyBytes: config.maxBodyBytes,
      ...(ticketing.zendeskWebhookSecret === null
        ? {}
        : { zendeskWebhookSecret: ticketing.zendeskWebhookSecret }),
      ...(ticketing.jiraWebhookSecret === null
        ? {}
        : { jiraWebhookSecret: ticketing.jiraWebhookSecret }),
    }),
  );
  if (ticketing.zendesk !== null) sync.follow(ticketing.catchUpEveryMs);
  http.route("/", ticketRoutes(tickets, { clock, maxBodyBytes: config.maxBodyBytes }));
  http.route("/", customerRoutes(customers, { maxBodyBytes: config.maxBodyBytes }));
  http.route("/", impactRoutes(impact));
  http.route("/", trendRoutes(trends));
  http.route("/", issueRoutes(issues));
  warmEveryHourOfData(store, projectionStore, impact, trends);
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
    sync.stop();
    bodyParsers.close();
    otlpDecoders.close();
    loupe.projector.stop();
    await environment.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
