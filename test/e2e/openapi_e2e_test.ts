/**
 * Real responses from a real server, each checked against what
 * `/openapi.json` says of its route and status.
 */
import assert from "node:assert/strict";
import { startServer } from "../support/server.ts";
import { ResponseValidator } from "../support/openapi.ts";

Deno.test({
  name: "responses of a running server match its OpenAPI document",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "loupe-openapi-" });
    const server = await startServer(dir);
    try {
      const document = await (await fetch(`${server.url}/openapi.json`)).json();
      assert.equal(document.openapi, "3.1.0");
      const validator = new ResponseValidator(document);
      const call = (method: string, path: string, url: string, init?: RequestInit) =>
        fetch(`${server.url}${url}`, { method: method.toUpperCase(), ...init })
          .then((r) => validator.check(method, path, r));

      await call("get", "/healthz", "/healthz");
      const pushed = await call("post", "/v1/logs", "/v1/logs?customer=acme&environment=prod", {
        headers: { "content-type": "application/x-ndjson" },
        body: [
          JSON.stringify({
            message: "Disk full on volume 3",
            level: "error",
            ts: "2026-12-04T10:00:00Z",
          }),
          JSON.stringify({
            message: "Disk full on volume 7",
            level: "error",
            ts: "2026-12-04T10:01:00Z",
          }),
          "{not json",
        ].join("\n"),
      }) as { accepted: number; quarantined: number };
      assert.equal(pushed.accepted, 2);
      assert.equal(pushed.quarantined, 1);
      await call("post", "/v1/logs", "/v1/logs", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          resourceLogs: [{
            resource: { attributes: [{ key: "service.name", value: { stringValue: "api" } }] },
            scopeLogs: [{ logRecords: [{ body: { stringValue: "hello" } }, {}] }],
          }],
        }),
      });
      const page = await call("get", "/v1/signatures", "/v1/signatures?severity=ERROR") as {
        items: { id: string }[];
      };
      assert.ok(page.items.length > 0);
      await call("get", "/v1/signatures/{id}", `/v1/signatures/${page.items[0]!.id}`);
      await call("get", "/v1/signatures/{id}", "/v1/signatures/no-such-signature");
      // The older routes' answers, each against its stated schema (issue 23).
      const signatureId = page.items[0]!.id;
      const imported = await call("post", "/v1/customers/import", "/v1/customers/import", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify([{
          customer_id: "acme",
          name: "Acme",
          tier: "enterprise",
          contract_value: 120000,
          environments: ["acme/prod"],
        }]),
      }) as { registered: string[] };
      assert.deepEqual(imported.registered, ["acme"]);
      await call("get", "/v1/customers/{id}", "/v1/customers/acme");
      await call("get", "/v1/customers/{id}/impact", "/v1/customers/acme/impact");
      await call("get", "/v1/signatures/{id}/impact", `/v1/signatures/${signatureId}/impact`);
      await call(
        "get",
        "/v1/signatures/{id}/trend",
        `/v1/signatures/${signatureId}/trend?bucket=hour&customer=acme`,
      );
      const issue = await call(
        "get",
        "/v1/signatures/{id}/issue",
        `/v1/signatures/${signatureId}/issue`,
      ) as { id: string };
      await call("get", "/v1/issues/{id}", `/v1/issues/${issue.id}`);
      await call("get", "/v1/signatures", "/v1/signatures?limit=0");
      await call("get", "/v1/quarantine", "/v1/quarantine");
      await call("post", "/v1/logs", "/v1/logs", {
        headers: { "content-type": "image/png" },
        body: "x",
      });
      await call("get", "/v1/trends", "/v1/trends");
      await call("get", "/v1/issues", "/v1/issues");
      await call("get", "/v1/priorities", "/v1/priorities");
      await call("get", "/v1/customers", "/v1/customers");
      await call("get", "/v1/rules", "/v1/rules");
      const ticket = await call("post", "/v1/tickets", "/v1/tickets", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          customer: "acme",
          environment: "prod",
          subject: "Uploads fail",
          description: "Disk full errors since this morning",
          severity: "high",
          reporter: "ops@acme.example",
        }),
      }) as { id: string };
      await call("get", "/v1/tickets/{id}", `/v1/tickets/${ticket.id}`);
      await call("get", "/v1/tickets/{id}/candidates", `/v1/tickets/${ticket.id}/candidates`);
      await call("get", "/v1/tickets", "/v1/tickets?status=new");
      const ticketPath = `/v1/tickets/${ticket.id}`;
      const json = (body: unknown, headers: Record<string, string> = {}) => ({
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      await call("get", "/v1/tickets/{id}/comments", `${ticketPath}/comments`);
      await call(
        "post",
        "/v1/tickets/{id}/comments",
        `${ticketPath}/comments`,
        { method: "POST", ...json({ author: "agent", body: "Looking", visibility: "internal" }) },
      );
      await call("post", "/v1/tickets/{id}/links", `${ticketPath}/links`, {
        method: "POST",
        ...json({ signature_id: signatureId }),
      });
      await call("get", "/v1/tickets/{id}/links", `${ticketPath}/links`);
      await call(
        "delete",
        "/v1/tickets/{id}/links/signatures/{signatureId}",
        `${ticketPath}/links/signatures/${signatureId}`,
      );
      await call("patch", "/v1/tickets/{id}", ticketPath, json({ assignee: "sam" }));
      await call("post", "/v1/tickets/{id}/resolution", `${ticketPath}/resolution`, {
        method: "POST",
        ...json({ root_cause: "Volume 3 full", solution: "Grew it", resolver: "sam" }),
      });
      await call("get", "/v1/tickets/{id}/resolution", `${ticketPath}/resolution`);
      await call("get", "/v1/tickets/{id}", ticketPath);
      const metrics = await fetch(`${server.url}/metrics`);
      assert.equal(metrics.status, 200);
      await metrics.body?.cancel();
    } finally {
      await server.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
