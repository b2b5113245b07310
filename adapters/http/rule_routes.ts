/** Threshold rules over HTTP: read them, or replace them as a whole. */
import { Hono } from "hono";
import { z } from "zod";
import type { RuleSetView, TicketApi } from "../../ports/tickets.ts";
import { parseRuleSet, ruleSetSchema } from "../rules/rule_set.ts";
import type { RouteDoc } from "./openapi.ts";
import { readJsonBody, writeOptionsOf } from "./request.ts";
import { etag } from "./versions.ts";

/** A rule set is a few hundred rules at most. */
const RULES_JSON_BYTES = 1024 * 1024;

export function ruleRoutes(api: TicketApi): Hono {
  const http = new Hono();

  http.get("/v1/rules", (c) => {
    const rules = api.rules();
    c.header("ETag", etag(rules.version));
    return c.json(ruleSetJson(rules));
  });

  http.put("/v1/rules", async (c) => {
    const rules = parseRuleSet(await readJsonBody(c.req.raw, { maxBytes: RULES_JSON_BYTES }));
    const configured = await api.configureRules(rules, writeOptionsOf(c));
    c.header("ETag", etag(configured.version));
    return c.json(ruleSetJson(configured));
  });

  return http;
}

function ruleSetJson(view: RuleSetView) {
  return { version: view.version, source: view.source, rules: view.rules };
}

export const ruleRouteDocs: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/v1/rules",
    summary: "Threshold rules",
    tag: "tickets",
    responses: { 200: { description: "Threshold rules", schema: z.object({}).loose() } },
    errors: [401, 403],
  },
  {
    method: "put",
    path: "/v1/rules",
    summary: "Replace the threshold rules",
    tag: "tickets",
    body: { "application/json": ruleSetSchema },
    responses: {
      200: { description: "Replace the threshold rules", schema: z.object({}).loose() },
    },
    errors: [400, 401, 403],
  },
];
