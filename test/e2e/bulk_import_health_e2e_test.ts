/**
 * Issue 25: a bulk import (customers, tickets, articles) never leaves
 * /healthz unanswered. How fast it answers is the bench's business
 * (`deno task bench customer-import ticket-import article-import`); here,
 * only that every probe during each import is answered, and the import lands.
 */
import assert from "node:assert/strict";
import {
  articleImport,
  customerImport,
  probingHealth,
  sendImport,
  ticketImport,
} from "../support/bulk_imports.ts";
import { startServer } from "../support/server.ts";

Deno.test("/healthz answers during every kind of bulk import", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-bulk-health-" });
  const server = await startServer(dataDir);
  try {
    for (
      const [bulk, landed] of [
        [customerImport(3_000), (body: Record<string, unknown>) => body.received === 3_000],
        [ticketImport(300), (body: Record<string, unknown>) => body.imported === 300],
        [articleImport(150), (body: Record<string, unknown>) => body.created === 150],
      ] as const
    ) {
      await t.step(bulk.kind, async () => {
        const { result, latenciesMs, failures } = await probingHealth(
          server.url,
          () => sendImport(server.url, bulk),
        );
        assert.equal(result.status, 200, JSON.stringify(result.body).slice(0, 300));
        assert.ok(landed(result.body), JSON.stringify(result.body).slice(0, 300));
        assert.ok(latenciesMs.length >= 1, "no probe was answered during the import");
        assert.equal(failures, 0);
      });
    }
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
