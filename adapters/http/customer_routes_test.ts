import assert from "node:assert/strict";
import { fullHttpApp } from "../../test/support/full_app.ts";

Deno.test("a bad customer in a JSON import is a 400 naming where it is, in the error shape", async () => {
  const http = await fullHttpApp();
  const send = (body: unknown) =>
    http.request("/v1/customers/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const good = { customer_id: "acme", name: "Acme" };
  for (
    const [body, path] of [
      [[good, {}], "1.customer_id"],
      [{ customers: [good, { ...good, customer_id: "beta", tier: 7 }] }, "customers.1.tier"],
      [{ customers: [good], extra: true }, ""],
    ] as const
  ) {
    const response = await send(body);
    assert.equal(response.status, 400);
    const { error } = await response.json();
    assert.equal(error.code, "validation_failed");
    if (path !== "") assert.equal(error.details.issues[0].path, path);
  }
  const ok = await send([good]);
  assert.equal(ok.status, 200);
  assert.deepEqual((await ok.json()).registered, ["acme"]);
});

Deno.test("a bulk import of a type no importer reads is refused as such before its body is read", async () => {
  const http = await fullHttpApp();
  // Larger than the body limit: read first, it would be a 413 instead.
  const body = "<customers>" + "x".repeat(2 << 20) + "</customers>";
  for (const path of ["/v1/customers/import", "/v1/tickets/import"]) {
    const response = await http.request(path, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body,
    });
    assert.equal(response.status, 415, path);
    assert.equal((await response.json()).error.code, "unsupported_media_type", path);
  }
});
