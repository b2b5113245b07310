/**
 * Every route file's OpenAPI entries: a route file that `src/main.ts` mounts
 * adds its list here, and the coverage test fails until it does.
 */
import { analyticsRouteDocs } from "./analytics_routes.ts";
import { coreRouteDocs } from "./app.ts";
import { customerRouteDocs } from "./customer_routes.ts";
import { impactRouteDocs } from "./impact_routes.ts";
import { integrationRouteDocs } from "./integration_routes.ts";
import { issueRouteDocs } from "./issue_routes.ts";
import { kbRouteDocs } from "./kb_routes.ts";
import { openApiRouteDocs, type RouteDoc } from "./openapi.ts";
import { privacyRouteDocs } from "./privacy_routes.ts";
import { ticketRouteDocs } from "./ticket_routes.ts";
import { trendRouteDocs } from "./trend_routes.ts";

export const ROUTE_DOCS: readonly RouteDoc[] = [
  ...coreRouteDocs,
  ...ticketRouteDocs,
  ...customerRouteDocs,
  ...impactRouteDocs,
  ...trendRouteDocs,
  ...issueRouteDocs,
  ...integrationRouteDocs,
  ...analyticsRouteDocs,
  ...kbRouteDocs,
  ...privacyRouteDocs,
  ...openApiRouteDocs,
];
