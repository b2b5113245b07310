import type { Hono } from "hono";
import { createHttpApp } from "../../adapters/http/app.ts";
import { readRuleFile, ticketRoutes } from "../../adapters/http/ticket_routes.ts";
import { customerRoutes } from "../../adapters/http/customer_routes.ts";
import { impactRoutes } from "../../adapters/http/impact_routes.ts";
import { trendRoutes } from "../../adapters/http/trend_routes.ts";
import { issueRoutes } from "../../adapters/http/issue_routes.ts";
import { openApiDocument, openApiRoutes } from "../../adapters/http/openapi.ts";
import { ROUTE_DOCS } from "../../adapters/http/route_docs.ts";
import { TicketService } from "../../src/tickets/mod.ts";
import { ImpactService } from "../../src/impact.ts";
import { TrendService } from "../../src/trends.ts";
import { IssueService } from "../../src/issues.ts";
import { memoryLoupe } from "./app.ts";

/**
 * Every route `src/main.ts` mounts, on memory stores: what the OpenAPI
 * coverage test compares the document with. Mount a new route file here as
 * main.ts does.
 */
export async function fullHttpApp(): Promise<Hono> {
  const { loupe, store, projectionStore } = await memoryLoupe();
  const clock = { now: () => 1_800_000_000_000 };
  const http = createHttpApp({
    app: loupe,
    clock,
    config: { maxBodyBytes: 1 << 20, maxLineBytes: 65536 },
  });
  let id = 0;
  const tickets = new TicketService({
    store,
    projections: projectionStore,
    clock,
    newId: () => `t${++id}`,
    defaultRules: await readRuleFile(
      new URL("../../fixtures/rules/default_rules.json", import.meta.url),
    ),
    settled: () => loupe.settled(),
    attribution: loupe.attribution,
  });
  http.route("/", ticketRoutes(tickets, { clock, maxBodyBytes: 1 << 20 }));
  http.route("/", customerRoutes(loupe.customerService(), { maxBodyBytes: 1 << 20 }));
  const impact = new ImpactService(projectionStore, loupe.attribution);
  const trends = new TrendService(projectionStore, loupe.attribution);
  http.route("/", impactRoutes(impact));
  http.route("/", trendRoutes(trends));
  http.route(
    "/",
    issueRoutes(new IssueService(projectionStore, loupe.attribution, impact, trends)),
  );
  http.route("/", openApiRoutes(() => openApiDocument(ROUTE_DOCS, { version: "test" })));
  return http;
}
