/**
 * Every route file's OpenAPI entries: a route file that `src/app/compose.ts` mounts
 * adds its list here, and the coverage test fails until it does.
 */
import { matchRule } from "./access.ts";
import { accessRouteDocs } from "./access_routes.ts";
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
import { metricRouteDocs } from "./metric_routes.ts";
import { ruleRouteDocs } from "./rule_routes.ts";
import { trendRouteDocs } from "./trend_routes.ts";

const DOCUMENTED: readonly RouteDoc[] = [
  ...coreRouteDocs,
  ...ticketRouteDocs,
  ...metricRouteDocs,
  ...ruleRouteDocs,
  ...customerRouteDocs,
  ...impactRouteDocs,
  ...trendRouteDocs,
  ...issueRouteDocs,
  ...integrationRouteDocs,
  ...analyticsRouteDocs,
  ...kbRouteDocs,
  ...privacyRouteDocs,
  ...openApiRouteDocs,
  ...accessRouteDocs,
];

/**
 * Every route but the public ones answers 401 without a valid token and 403
 * for a token that may not call it (see access.ts).
 */
export const ROUTE_DOCS: readonly RouteDoc[] = DOCUMENTED.map((doc) => {
  const rule = matchRule(doc.method.toUpperCase(), doc.path)?.rule;
  if (rule?.customers === "public") return doc;
  const errors = [...new Set([...(doc.errors ?? []), 401, 403])].sort((a, b) => a - b);
  return { ...doc, errors };
});
