import assert from "node:assert/strict";
import type { StoredEvent } from "../../ports/event_store.ts";
import { unusableReason, usableEvents } from "./screen.ts";
import { storedRecordOf } from "../../domain/events.ts";
import { eventRowCodec } from "../../adapters/lmdb/row_codec.ts";

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

Deno.test("a batch read in groups is judged by every record's time, as one read whole", () => {
  const codec = eventRowCodec();
  const stored = (times: readonly number[]) => {
    const records = times.map((timestamp, line) => ({
      ...storedRecordOf({ message: "m", attributes: {} }, {}, timestamp, line + 1, undefined, "s"),
      timestamp,
    }));
    const row = { type: "LogBatchIngested", data: { receivedAt: 5, records } };
    return event(
      1,
      "LogBatchIngested",
      (codec.decode(codec.encode(row)) as { data: unknown }).data,
    );
  };
  // Enough records to be kept in groups; the odd one last, in the second group.
  const times = (last: number) => [...Array.from({ length: 1100 }, () => 1_700_000_000_000), last];
  assert.equal(unusableReason(stored(times(1_700_000_000_001))), undefined);
  // Past 2200.
  assert.equal(
    unusableReason(stored(times(1e15))),
    "record timestamp outside 1970-01-01 .. 2200-01-01",
  );
  // Not a number, which no group's earliest or latest time shows.
  assert.equal(
    unusableReason(stored(times(Number.NaN))),
    "record timestamp outside 1970-01-01 .. 2200-01-01",
  );
});
