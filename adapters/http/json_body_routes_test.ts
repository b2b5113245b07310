import assert from "node:assert/strict";
import { fullHttpApp } from "../../test/support/full_app.ts";

/** Broken on line 2, column 7: the `}` where a value should be. */
const BROKEN = '{\n  "a": }';

Deno.test("every JSON route says where a malformed body broke, in one shape", async () => {
  const http = await fullHttpApp();
  const routes: [string, string][] = [
    ["POST", "/v1/customers/import"],
    ["POST", "/v1/tickets/import"],
    ["POST", "/v1/tickets"],
    ["POST", "/v1/metrics"],
    ["PUT", "/v1/rules"],
    ["POST", "/v1/kb/articles"],
    ["POST", "/v1/kb/suggest"],
    ["POST", "/v1/issues/iss_1/merge"],
    ["PUT", "/v1/customers/acme/retention"],
    ["POST", "/v1/tokens"],
    ["POST", "/v1/logs"],
  ];
  for (const [method, path] of routes) {
    const response = await http.request(path, {
      method,
      headers: { "content-type": "application/json" },
      body: BROKEN,
    });
    const { error } = await response.json();
    const route = `${method} ${path}`;
    assert.equal(response.status, 400, route);
    assert.equal(error.code, "invalid_json", route);
    assert.match(error.message, /^Cannot parse JSON at line 2, column 8: /, route);
    assert.doesNotMatch(error.message, /\[object Object\]/, route);
    assert.deepEqual(error.details, { line: 2, column: 8 }, route);
  }
});
