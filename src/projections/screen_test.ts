import assert from "node:assert/strict";
import type { StoredEvent } from "../../ports/event_store.ts";
import { unusableReason, usableEvents } from "./screen.ts";

const event = (position: number, type: string, data: unknown): StoredEvent => ({
  position,
  type,
  data,
  stream: "s",
  streamVersion: position,
  id: `e${position}`,
  recordedAt: 0,
});

Deno.test("events with times no calendar holds are unusable, with the reason; the rest pass in order", () => {
  const good = event(1, "LogBatchIngested", {
    receivedAt: 5,
    records: [{ timestamp: 1_700_000_000_000 }],
  });
  const poison = event(2, "LogBatchIngested", { receivedAt: 5, records: [{ timestamp: 1e308 }] });
  const ticket = event(3, "TicketOpened", { at: 1, window: { from: -9e15, to: 0 } });
  const fine = event(4, "TicketCommented", { at: 1_700_000_000_000, body: "x" });
  assert.equal(unusableReason(good), undefined);
  assert.equal(unusableReason(poison), "record timestamp outside 1970-01-01 .. 2200-01-01");
  assert.equal(unusableReason(ticket), "from outside 1970-01-01 .. 2200-01-01");
  assert.deepEqual(usableEvents([good, poison, ticket, fine]).map((e) => e.position), [1, 4]);
});
