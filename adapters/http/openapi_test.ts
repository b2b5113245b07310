import assert from "node:assert/strict";
import { ResponseValidator } from "../../test/support/openapi.ts";
import { openApiDocument, openApiPath } from "./openapi.ts";
import { ROUTE_DOCS } from "./route_docs.ts";
import { fullHttpApp } from "../../test/support/full_app.ts";

Deno.test("every route the service mounts is in the OpenAPI document, and nothing else", async () => {
  const http = await fullHttpApp();
  const document = await (await http.request("/openapi.json")).json();
  const mounted = new Set(
    // The console's pages are HTML for people, not API: they have no OpenAPI doc.
    http.routes.filter((r) =>
      r.method !== "ALL" && r.path !== "/" && !r.path.startsWith("/console")
    )
      .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
  );
  const documented = new Set(
    Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations as object).map((method) => `${method} ${path}`)
    ),
  );
  assert.deepEqual([...mounted].filter((r) => !documented.has(r)), [], "routes without a doc");
  assert.deepEqual([...documented].filter((r) => !mounted.has(r)), [], "docs without a route");
});

Deno.test("the document is OpenAPI 3.1 whose schemas compile, with the error shape and query parameters", () => {
  const document = openApiDocument(ROUTE_DOCS, { version: "1.2.3" });
  assert.equal(document.openapi, "3.1.0");
  assert.equal(document.info.version, "1.2.3");
  const compiled = new ResponseValidator(document).compileAll();
  assert.ok(compiled > 40, `compiled ${compiled}`);
  const signatures = document.paths["/v1/signatures"]?.get;
  assert.deepEqual(
    signatures?.parameters.map((p) => p.name),
    ["customer", "severity", "from", "to", "limit", "offset"],
  );
  assert.ok(signatures?.parameters.every((p) => !p.required));
  assert.deepEqual(
    Object.keys(signatures!.responses).sort(),
    ["200", "400", "401", "403", "500"],
  );
  assert.ok("Error" in document.components.schemas);
});

Deno.test("GET /docs serves a viewer and its files locally", async () => {
  const http = await fullHttpApp();
  const page = await http.request("/docs");
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.doesNotMatch(html, /https?:\/\//);
  for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
    const file = await http.request(src[1]!);
    assert.equal(file.status, 200, src[1]);
    assert.ok((await file.arrayBuffer()).byteLength > 0);
  }
  assert.equal((await http.request("/docs/nothing.js")).status, 404);
});
