import assert from "node:assert/strict";
import { fleetLogs, send } from "../support/e2e.ts";
import { startServer } from "../support/server.ts";

const ARTICLES = [
  {
    id: "KB-PAY",
    title: "Card payments are declined by the provider",
    symptom: "the payment provider declines cards",
    steps: ["Ask the customer to retry with another card"],
  },
  {
    id: "KB-GW",
    title: "Gateway timeouts during peak hours",
    cause: "the upstream gateway is saturated",
    steps: ["Raise the gateway pool size", "Retry failed orders"],
  },
];

Deno.test("knowledge base over real HTTP: import, correlate, suggest, mark helpful, rank higher next time", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-kb-e2e-" });
  const server = await startServer(dataDir);
  try {
    for (const customer of ["acme", "globex"]) {
      const response = await fetch(
        `${server.url}/v1/logs?customer=${customer}&environment=prod&service=checkout`,
        {
          method: "POST",
          headers: { "content-type": "application/x-ndjson" },
          body: fleetLogs(customer, true),
        },
      );
      assert.equal(response.status, 200);
      await response.body?.cancel();
    }
    const imported = await send(`${server.url}/v1/kb/articles/import`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: ARTICLES.map((a) => JSON.stringify(a)).join("\n"),
    });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.equal(imported.body.created, 2);

    const open = async (customer: string) =>
      (await send(`${server.url}/v1/tickets`, {
        method: "POST",
        json: {
          customer,
          environment: "prod",
          subject: "Checkout broken",
          description: "Payment fails for our customers since about 10am",
          severity: "high",
          reporter: `ann@${customer}.test`,
          opened_at: "2026-03-01T11:00:00Z",
        },
      })).body.id as string;
    const first = await open("acme");
    const gateway = async (ticketId: string) => {
      const list = await send(`${server.url}/v1/tickets/${ticketId}/articles`);
      assert.equal(list.status, 200, JSON.stringify(list.body));
      const items = list.body.items as { article_id: string; score: number }[];
      const rank = items.findIndex((s) => s.article_id === "KB-GW");
      return { rank, score: items[rank]?.score ?? 0 };
    };
    const before = await gateway(first);

    const candidates = await send(`${server.url}/v1/tickets/${first}/candidates`);
    const root = candidates.body.candidates[0].signature_id as string;
    const linked = await send(`${server.url}/v1/tickets/${first}/links`, {
      method: "POST",
      json: { signature_ids: [root] },
    });
    assert.ok(linked.status < 300, JSON.stringify(linked.body));

    const feedback = await send(`${server.url}/v1/tickets/${first}/articles/KB-GW/feedback`, {
      method: "POST",
      json: { kind: "helpful" },
    });
    assert.equal(feedback.status, 201, JSON.stringify(feedback.body));

    const article = await send(`${server.url}/v1/kb/articles/KB-GW`);
    assert.equal(article.body.helpful, 1);
    assert.deepEqual(article.body.linked_signatures, [root]);
    assert.deepEqual(article.body.tickets.map((t: { ticket_id: string }) => t.ticket_id), [first]);

    const next = await open("globex");
    const after = await gateway(next);
    assert.equal(after.rank, 0, "the next similar ticket gets the helpful article first");
    assert.ok(after.score > before.score, `${after.score} > ${before.score}: it ranks higher`);
    const issue = await send(`${server.url}/v1/issues/${root}/articles`);
    assert.equal(issue.body.items[0].article_id, "KB-GW");
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
