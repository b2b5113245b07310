import assert from "node:assert/strict";
import { fullHttpApp } from "../../test/support/full_app.ts";
import { isConsolePath, matchRule, ROUTE_RULES } from "./access.ts";
import { ROUTE_DOCS } from "./route_docs.ts";

Deno.test("every mounted route has exactly its own access rule, and every rule a route", async () => {
  const http = await fullHttpApp();
  const mounted = new Set(
    http.routes.filter((r) => r.method !== "ALL" && !isConsolePath(r.path))
      .map((r) => `${r.method} ${r.path}`),
  );
  const withoutRule = [...mounted].filter((route) => !(route in ROUTE_RULES));
  assert.deepEqual(withoutRule, [], "routes without an access rule");
  const withoutRoute = Object.keys(ROUTE_RULES).filter((route) => !mounted.has(route));
  assert.deepEqual(withoutRoute, [], "rules without a route");
  for (const route of mounted) {
    const [method, path] = route.split(" ") as [string, string];
    // A concrete path (each parameter filled in) finds this route's own rule.
    const concrete = path.replace(/:[A-Za-z_]+/g, "x1");
    const matched = matchRule(method, concrete);
    const sameShape = Object.keys(ROUTE_RULES).filter((other) => {
      const [m, p] = other.split(" ") as [string, string];
      return m === method && p.replace(/:[A-Za-z_]+/g, "x1") === concrete;
    });
    if (sameShape.length === 1) assert.equal(matched?.route, route, concrete);
  }
});

Deno.test("literal path segments win over parameters", () => {
  assert.equal(matchRule("POST", "/v1/tickets/import")?.route, "POST /v1/tickets/import");
  assert.equal(matchRule("POST", "/v1/customers/import")?.route, "POST /v1/customers/import");
  assert.equal(matchRule("GET", "/v1/customers/acme")?.params.id, "acme");
  assert.equal(matchRule("GET", "/v1/customers/a%20b")?.params.id, "a b");
  assert.equal(matchRule("HEAD", "/v1/tickets")?.route, "GET /v1/tickets");
  assert.equal(matchRule("GET", "/v1/nothing-here"), undefined);
});

Deno.test("every guarded route documents 401 and 403; public ones do not need a token", () => {
  for (const doc of ROUTE_DOCS) {
    const rule = ROUTE_RULES[`${doc.method.toUpperCase()} ${doc.path}`];
    assert.ok(rule, `${doc.method} ${doc.path} has no rule`);
    if (rule.customers === "public") continue;
    assert.ok(doc.errors?.includes(401), `${doc.method} ${doc.path} documents no 401`);
    assert.ok(doc.errors?.includes(403), `${doc.method} ${doc.path} documents no 403`);
  }
});
