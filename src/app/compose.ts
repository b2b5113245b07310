/**
 * The one place that builds the whole application: Loupe, every use-case
 * service, and every HTTP route in the order they must be mounted. `serve`
 * and the tests that need the real thing both call it, so a new feature is
 * wired once.
 */
import type { Hono } from "hono";
import { accessRoutes } from "../../adapters/http/access_routes.ts";
import { consoleRoutes } from "../../adapters/console/mod.ts";
import { analyticsRoutes, predictionJson } from "../../adapters/http/analytics_routes.ts";
import { type BodyParser, createHttpApp, type HttpConfig } from "../../adapters/http/app.ts";
import { customerRoutes } from "../../adapters/http/customer_routes.ts";
import { impactRoutes } from "../../adapters/http/impact_routes.ts";
import { integrationRoutes } from "../../adapters/http/integration_routes.ts";
import { issueRoutes } from "../../adapters/http/issue_routes.ts";
import { kbRoutes } from "../../adapters/http/kb_routes.ts";
import { openApiDocument, openApiRoutes } from "../../adapters/http/openapi.ts";
import { ROUTE_DOCS } from "../../adapters/http/route_docs.ts";
import { ticketRoutes } from "../../adapters/http/ticket_routes.ts";
import { metricRoutes } from "../../adapters/http/metric_routes.ts";
import { ruleRoutes } from "../../adapters/http/rule_routes.ts";
import { readRuleFile } from "../../adapters/rules/rule_set.ts";
import { trendRoutes } from "../../adapters/http/trend_routes.ts";
import { redactorOf } from "../../adapters/redaction/log_redaction.ts";
import type { TicketingConfig } from "../../adapters/ticketing/config.ts";
import { JiraAdapter } from "../../adapters/ticketing/jira.ts";
import { WebhookAdapter } from "../../adapters/ticketing/webhook.ts";
import { ZendeskAdapter } from "../../adapters/ticketing/zendesk.ts";
import type { Clock, NewId } from "../../ports/clock.ts";
import type { EventStore } from "../../ports/event_store.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { RedactionSettings } from "../../ports/redaction.ts";
import { AuditRecorder } from "../access/audit.ts";
import { EventTokenStore } from "../access/tokens.ts";
import { AnalyticsService, predictionOrNull } from "../analytics/service.ts";
import { ImpactService } from "../impact/service.ts";
import { type IssueCommands, IssueService } from "../issues/service.ts";
import type { Attribution } from "../customers/attribution.ts";
import { type KbService, kbService } from "../kb/mod.ts";
import { erasureOf, Loupe } from "./loupe.ts";
import { issueFactsOver } from "../sync/issue_facts.ts";
import { SyncService } from "../sync/service.ts";
import { TicketService } from "../tickets/mod.ts";
import { TrendService } from "../trends/service.ts";
import type { ErasureService } from "../privacy/erasure.ts";
import { privacyRoutes } from "../../adapters/http/privacy_routes.ts";

export interface ComposeDeps {
  readonly store: EventStore;
  readonly projectionStore: ProjectionStore;
  readonly clock: Clock;
  readonly newId: NewId;
  readonly http: HttpConfig;
  /** Parses pushed bodies; by default on the thread that serves. */
  readonly parseBody?: BodyParser;
  /** Redacts ticket texts before they are stored; log lines are redacted where they are parsed. */
  readonly redaction?: RedactionSettings;
  /** Zendesk, Jira and webhook remotes; none when every part is null. */
  readonly ticketing: TicketingConfig;
  /** Jitter for delivery retries. */
  readonly random?: () => number;
  /** Extra Prometheus lines (the syslog listeners' counters). */
  readonly extraMetrics?: () => string;
  /** The version `/openapi.json` states. */
  readonly version: string;
  readonly onProgress?: (position: number) => void;
  readonly onSyncError?: (error: unknown) => void;
  /** `LOUPE_RETENTION_DAYS`: days of data kept for customers without their own setting; none = until forgotten. */
  readonly retentionDays?: number | null;
  /** Called after data was erased and the views rebuilt (serve asks for a compaction of the file). */
  readonly onErased?: () => void;
}

/** Everything `compose` built, for the entry point to serve and stop. */
export interface ComposedLoupe {
  readonly loupe: Loupe;
  readonly http: Hono;
  readonly tickets: TicketService;
  readonly impact: ImpactService;
  readonly trends: TrendService;
  readonly issues: IssueService;
  readonly analytics: AnalyticsService;
  readonly kb: KbService;
  readonly sync: SyncService;
  readonly tokens: EventTokenStore;
  readonly audit: AuditRecorder;
  readonly erasure: ErasureService;
  /** Stops following the log; resolves once the buffered audit trail is stored. */
  stop(): Promise<void>;
}

/**
 * The read side over a projection store: impact, trends and issues, each
 * built on the ones before it. `replay` writes its reports with these too,
 * over a scratch store; `commands` lets people correct the issue grouping.
 */
export function queryServices(
  projections: ProjectionStore,
  attribution: Attribution,
  commands?: IssueCommands,
): { impact: ImpactService; trends: TrendService; issues: IssueService } {
  const impact = new ImpactService(projections, attribution);
  const trends = new TrendService(projections, attribution);
  const issues = new IssueService(projections, attribution, impact, trends, commands);
  return { impact, trends, issues };
}

const DEFAULT_RULES = new URL("../../fixtures/rules/default_rules.json", import.meta.url);

export async function compose(deps: ComposeDeps): Promise<ComposedLoupe> {
  const { store, projectionStore, clock, newId, ticketing } = deps;
  const loupe = await Loupe.start({
    store,
    projectionStore,
    clock,
    newId,
    ...(deps.onProgress === undefined ? {} : { onProgress: deps.onProgress }),
  });
  const settled = () => loupe.settled();
  const maxBodyBytes = deps.http.maxBodyBytes;
  const tokens = await EventTokenStore.open({
    store,
    clock,
    newId,
    ...(deps.http.apiKey === undefined ? {} : { apiKey: deps.http.apiKey }),
  });
  const audit = new AuditRecorder({ store, projections: projectionStore, settled });
  const http = createHttpApp({
    app: loupe,
    clock,
    config: deps.http,
    access: {
      authenticator: tokens,
      audit,
      ticketCustomer: async (ticketId) => {
        try {
          return (await tickets.ticket(ticketId)).ticket.customer;
        } catch (error) {
          if (error instanceof LoupeError && error.code === "not_found") return null;
          throw error;
        }
      },
      signatureSeenBy: (signatureId, customer) => {
        try {
          return loupe.signature(signatureId).byCustomer.some((c) => c.customer === customer);
        } catch (error) {
          if (error instanceof LoupeError && error.code === "not_found") return false;
          throw error;
        }
      },
    },
    ...(deps.parseBody === undefined ? {} : { parseBody: deps.parseBody }),
    ...(deps.extraMetrics === undefined ? {} : { extraMetrics: deps.extraMetrics }),
  });
  const redactor = deps.redaction === undefined ? undefined : redactorOf(deps.redaction);
  const tickets = new TicketService({
    store,
    projections: projectionStore,
    clock,
    newId,
    defaultRules: await readRuleFile(DEFAULT_RULES),
    settled,
    attribution: loupe.attribution,
    ...(redactor === undefined ? {} : { redactor }),
  });
  const customers = loupe.customerService();
  const { impact, trends, issues } = queryServices(projectionStore, loupe.attribution, {
    store,
    clock,
    settled,
  });
  const analytics = new AnalyticsService({
    store,
    projections: projectionStore,
    attribution: loupe.attribution,
    clock,
    settled,
    ...(redactor === undefined ? {} : { redactor }),
  });
  const kb = kbService(loupe, store, projectionStore, tickets, clock, {
    newId,
    ...(redactor === undefined ? {} : { redactor }),
  });
  const sync = await SyncService.start({
    store,
    clock,
    newId,
    ...(redactor === undefined ? {} : { redactor }),
    random: deps.random ?? Math.random,
    tickets,
    issues: issueFactsOver(issues, (id) => loupe.signature(id), impact),
    customers: () => customers.customers(),
    settled,
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
    onError: deps.onSyncError ?? ((error) => console.error("Sync:", error)),
  });

  // Order matters where two route files share a path: the integration routes
  // wrap GET /v1/tickets/:id to add its `sync` section, so they come first.
  http.route(
    "/",
    integrationRoutes(sync, {
      clock,
      maxBodyBytes,
      ...(ticketing.zendeskWebhookSecret === null
        ? {}
        : { zendeskWebhookSecret: ticketing.zendeskWebhookSecret }),
      ...(ticketing.jiraWebhookSecret === null
        ? {}
        : { jiraWebhookSecret: ticketing.jiraWebhookSecret }),
    }),
  );
  http.route("/", analyticsRoutes(analytics, { maxBodyBytes }));
  http.route(
    "/",
    ticketRoutes(tickets, {
      predictionOf: (ticketId) => {
        const prediction = predictionOrNull(analytics, ticketId);
        return prediction === null ? null : predictionJson(prediction);
      },
    }),
  );
  http.route("/", metricRoutes(tickets, { clock, maxBodyBytes }));
  http.route("/", ruleRoutes(tickets));
  http.route("/", customerRoutes(customers, { maxBodyBytes }));
  http.route("/", impactRoutes(impact));
  http.route("/", trendRoutes(trends));
  http.route("/", issueRoutes(issues));
  http.route("/", kbRoutes(kb, { maxBodyBytes }));
  const erasure = erasureOf(loupe, {
    store,
    clock,
    defaultRetentionDays: deps.retentionDays ?? null,
    eraseAndRebuild: async (erase, rebuildIf = () => true) => {
      // Reads recorded before the erasure are stored first, under the keys it deletes.
      await audit.flush();
      const result = await loupe.eraseAndRebuild(erase, rebuildIf);
      if (rebuildIf(result)) {
        for (const service of [impact, trends, issues, analytics, kb]) service.forgetCaches();
        await sync.reload();
        await tokens.reload();
        deps.onErased?.();
      }
      return result;
    },
  });
  http.route("/", privacyRoutes(erasure));
  http.route("/", accessRoutes(tokens, audit));
  http.route("/", openApiRoutes(() => openApiDocument(ROUTE_DOCS, { version: deps.version })));
  // Last: the console's pages are HTML at `/` and `/console/*`, never under /v1.
  http.route(
    "/",
    consoleRoutes({
      app: loupe,
      tickets,
      issues,
      impact,
      trends,
      analytics,
      kb,
      customers,
      authenticator: tokens,
      audit,
      clock,
    }),
  );
  if (ticketing.zendesk !== null) sync.follow(ticketing.catchUpEveryMs);

  return {
    loupe,
    http,
    tickets,
    impact,
    trends,
    issues,
    analytics,
    kb,
    sync,
    tokens,
    audit,
    erasure,
    stop: async () => {
      sync.stop();
      await audit.stop();
      loupe.projector.stop();
    },
  };
}
