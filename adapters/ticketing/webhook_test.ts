import assert from "node:assert/strict";
import { ticketingContract } from "../../test/contracts/ticketing_contract.ts";
import { FakeWebhookReceiver } from "../../test/ticketing/fake_webhook.ts";
import { WebhookAdapter } from "./webhook.ts";
import { RemoteError } from "../../ports/ticketing.ts";

ticketingContract("webhook", {
  open() {
    const receiver = new FakeWebhookReceiver("hook-secret");
    return Promise.resolve({
      system: new WebhookAdapter({ url: receiver.url, secret: "hook-secret" }),
      target: "chat",
      notes: (_target: string, text: string) =>
        Promise.resolve(
          [...receiver.received.values()].filter((body) =>
            String(body.body).includes(text) || `[loupe:${body.marker}]` === text
          ).length,
        ),
      chaos: receiver.chaos,
      close: () => receiver.close(),
    });
  },
});

Deno.test("webhook: a receiver with another secret refuses the signature", async () => {
  const receiver = new FakeWebhookReceiver("hook-secret");
  try {
    const adapter = new WebhookAdapter({ url: receiver.url, secret: "other-secret" });
    const error = await adapter.deliver({
      kind: "note",
      target: "chat",
      body: "x",
      marker: "m",
      tags: [],
    })
      .then(() => null, (e) => e);
    assert.ok(error instanceof RemoteError);
    assert.equal(error.status, 401);
    assert.equal(receiver.received.size, 0);
  } finally {
    await receiver.close();
  }
});
