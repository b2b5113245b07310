import assert from "node:assert/strict";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import {
  type DeliveryResult,
  type OutboundAction,
  RemoteError,
  type TicketingSystem,
} from "../../ports/ticketing.ts";
import { ZendeskAdapter } from "../../adapters/ticketing/zendesk.ts";
import { FakeZendesk } from "../../test/ticketing/fake_zendesk.ts";
import { limitRate } from "../../test/ticketing/chaos.ts";
import { Outbox, type OutboxDeps } from "./outbox.ts";

/** A remote that fails as scripted, then records each action once by marker. */
class ScriptedRemote implements TicketingSystem {
  constructor(readonly system: TicketingSystem["system"] = "zendesk") {}
  readonly failures: (RemoteError | Error)[] = [];
  readonly calls: { marker: string; at: number }[] = [];
  readonly effects: string[] = [];

  deliver(action: OutboundAction): Promise<DeliveryResult> {
    const marker = "marker" in action ? action.marker : "";
    this.calls.push({ marker, at: Date.now() });
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    if (this.effects.includes(marker)) {
      return Promise.resolve({ remoteId: null, alreadyDone: true });
    }
    this.effects.push(marker);
    return Promise.resolve({ remoteId: null, alreadyDone: false });
  }
}

let ids = 0;
function deps(store: MemoryEventStore, remote: TicketingSystem, config = {}): OutboxDeps {
  return {
    store,
    clock: { now: () => Date.now() },
    newId: () => `d${String(++ids).padStart(6, "0")}`,
    random: () => 0.5,
    systems: [remote],
    config: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 4, ...config },
  };
}

const note = (marker: string, target = "1"): OutboundAction => ({
  kind: "note",
  target,
  body: "b",
  marker,
  tags: [],
});

Deno.test("outbox: a delivery survives failures and is delivered once", async () => {
  const store = new MemoryEventStore();
  const remote = new ScriptedRemote();
  remote.failures.push(new RemoteError("busy", 503, true), new RemoteError("busy", 429, true));
  const outbox = await Outbox.open(deps(store, remote));
  try {
    const d = await outbox.enqueue({
      system: "zendesk",
      action: note("a"),
      orderKey: "t1",
      origin: "loupe",
      dedupeKey: "a",
    });
    await outbox.idle();
    assert.deepEqual(remote.effects, ["a"]);
    assert.equal(outbox.get(d.deliveryId)!.status, "delivered");
    assert.equal(outbox.get(d.deliveryId)!.attempts, 1, "the 503 counts, the 429 does not");
    assert.equal(outbox.get(d.deliveryId)!.throttled, 1);
  } finally {
    outbox.stop();
  }
});

Deno.test("outbox: Retry-After is waited for, never less", async () => {
  const store = new MemoryEventStore();
  const remote = new ScriptedRemote();
  remote.failures.push(new RemoteError("slow down", 429, true, 1_000));
  const outbox = await Outbox.open(deps(store, remote));
  try {
    await outbox.enqueue({
      system: "zendesk",
      action: note("r"),
      orderKey: "t",
      origin: "loupe",
      dedupeKey: "r",
    });
    await outbox.idle();
    assert.equal(remote.calls.length, 2);
    assert.ok(remote.calls[1]!.at - remote.calls[0]!.at >= 990, "waited for Retry-After");
  } finally {
    outbox.stop();
  }
});

Deno.test("outbox: dead-lettered after the attempts allowed, visible, and retryable", async () => {
  const store = new MemoryEventStore();
  const remote = new ScriptedRemote();
  for (let i = 0; i < 4; i++) remote.failures.push(new RemoteError("down", 500, true));
  const outbox = await Outbox.open(deps(store, remote));
  try {
    const d = await outbox.enqueue({
      system: "zendesk",
      action: note("x"),
      orderKey: "t",
      origin: "loupe",
      dedupeKey: "x",
    });
    await outbox.idle();
    assert.deepEqual(outbox.list("failed").map((f) => f.deliveryId), [d.deliveryId]);
    assert.equal(outbox.get(d.deliveryId)!.attempts, 4);
    assert.deepEqual(remote.effects, []);
    await outbox.retry(d.deliveryId);
    await outbox.idle();
    assert.equal(outbox.get(d.deliveryId)!.status, "delivered");
    await assert.rejects(outbox.retry(d.deliveryId), /not failed/);
  } finally {
    outbox.stop();
  }
});

Deno.test("outbox: a failure that quotes a delivery goes with its customers when they are forgotten", async () => {
  const store = new MemoryEventStore();
  const remote = new ScriptedRemote();
  remote.failures.push(
    new RemoteError("422: body 'flamingo vault is down' is invalid", 422, true),
    new RemoteError("422: body 'flamingo vault is down' is invalid", 422, false),
  );
  const outbox = await Outbox.open(deps(store, remote));
  try {
    await outbox.enqueue({
      system: "zendesk",
      action: note("f"),
      orderKey: "t",
      origin: "loupe",
      dedupeKey: "f",
      customers: ["globex", "acme"],
    });
    await outbox.idle();
  } finally {
    outbox.stop();
  }
  const readable = async () => JSON.stringify((await store.readAll(0, 100)).map((e) => e.data));
  assert.match(await readable(), /flamingo/);
  await store.shred({ customer: "acme" });
  assert.doesNotMatch(await readable(), /flamingo/);
  // Whatever is left still opens: the outbox starts, and the delivery is gone with them.
  const reopened = await Outbox.open(deps(store, remote));
  try {
    assert.deepEqual(reopened.list("failed"), []);
  } finally {
    reopened.stop();
  }
});

Deno.test("outbox: a refusal that cannot succeed is dead-lettered at once", async () => {
  const store = new MemoryEventStore();
  const remote = new ScriptedRemote();
  remote.failures.push(new RemoteError("no such ticket", 404, false));
  const outbox = await Outbox.open(deps(store, remote));
  try {
    await outbox.enqueue({
      system: "zendesk",
      action: note("n"),
      orderKey: "t",
      origin: "loupe",
      dedupeKey: "n",
    });
    await outbox.idle();
    assert.equal(outbox.list("failed").length, 1);
    assert.equal(remote.calls.length, 1);
  } finally {
    outbox.stop();
  }
});

Deno.test("outbox: one order key is delivered in order, even through failures", async () => {
  const store = new MemoryEventStore();
  const remote = new ScriptedRemote();
  remote.failures.push(new RemoteError("busy", 429, true));
  const outbox = await Outbox.open(deps(store, remote));
  try {
    for (const m of ["1", "2", "3"]) {
      await outbox.enqueue({
        system: "zendesk",
        action: note(m),
        orderKey: "t",
        origin: "loupe",
        dedupeKey: m,
      });
    }
    await outbox.idle();
    assert.deepEqual(remote.effects, ["1", "2", "3"]);
  } finally {
    outbox.stop();
  }
});

Deno.test("outbox: queued twice under one key is one delivery", async () => {
  const store = new MemoryEventStore();
  const remote = new ScriptedRemote();
  const outbox = await Outbox.open(deps(store, remote));
  try {
    const a = await outbox.enqueue({
      system: "zendesk",
      action: note("k"),
      orderKey: "t",
      origin: "loupe",
      dedupeKey: "k",
    });
    const b = await outbox.enqueue({
      system: "zendesk",
      action: note("k"),
      orderKey: "t",
      origin: "loupe",
      dedupeKey: "k",
    });
    assert.equal(a.deliveryId, b.deliveryId);
    await outbox.idle();
    assert.equal(remote.calls.length, 1);
  } finally {
    outbox.stop();
  }
});

Deno.test("outbox: what was pending when the process stopped is delivered after a restart", async () => {
  const store = new MemoryEventStore();
  const remote = new ScriptedRemote();
  // Fails long enough that the first outbox stops with the delivery pending.
  remote.failures.push(new RemoteError("slow down", 429, true, 60_000));
  const first = await Outbox.open(deps(store, remote));
  await first.enqueue({
    system: "zendesk",
    action: note("p"),
    orderKey: "t",
    origin: "loupe",
    dedupeKey: "p",
  });
  while (remote.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 20));
  first.stop();
  assert.equal(first.list("pending").length, 1);
  // A minute later (the Retry-After has passed), a new process.
  const second = await Outbox.open({
    ...deps(store, remote),
    clock: { now: () => Date.now() + 61_000 },
  });
  try {
    await second.idle();
    assert.deepEqual(remote.effects, ["p"]);
    assert.equal(second.list("delivered")[0]!.throttled, 1);
  } finally {
    second.stop();
  }
});

Deno.test("outbox: rate-limit refusals never dead-letter a delivery", async () => {
  const store = new MemoryEventStore();
  const remote = new ScriptedRemote();
  for (let i = 0; i < 12; i++) remote.failures.push(new RemoteError("slow down", 429, true));
  const outbox = await Outbox.open(deps(store, remote));
  try {
    await outbox.enqueue({
      system: "zendesk",
      action: note("z"),
      orderKey: "t",
      origin: "loupe",
      dedupeKey: "z",
    });
    await outbox.idle();
    assert.deepEqual(remote.effects, ["z"]);
    assert.equal(outbox.list("failed").length, 0);
  } finally {
    outbox.stop();
  }
});

Deno.test("outbox: a remote whose quota is spent gets no call before the reset; others go on", async () => {
  const store = new MemoryEventStore();
  const zendesk = new ScriptedRemote();
  const jira = new ScriptedRemote("jira");
  // The first answer says: nearly nothing left, the window resets in 400 ms.
  let told = false;
  const deliver = zendesk.deliver.bind(zendesk);
  zendesk.deliver = async (action) => {
    const result = await deliver(action);
    if (told) return result;
    told = true;
    return { ...result, quotaWaitMs: 400 };
  };
  const outbox = await Outbox.open({ ...deps(store, zendesk), systems: [zendesk, jira] });
  try {
    await outbox.enqueue({
      system: "zendesk",
      action: note("q1", "1"),
      orderKey: "zendesk:1",
      origin: "loupe",
      dedupeKey: "q1",
    });
    while (zendesk.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    // Another ticket (its own order key) and another system, queued while the quota is spent.
    await outbox.enqueue({
      system: "zendesk",
      action: note("q2", "2"),
      orderKey: "zendesk:2",
      origin: "loupe",
      dedupeKey: "q2",
    });
    await outbox.enqueue({
      system: "jira",
      action: note("j1", "K-1"),
      orderKey: "jira:K-1",
      origin: "loupe",
      dedupeKey: "j1",
    });
    await outbox.idle();
    assert.deepEqual(zendesk.effects, ["q1", "q2"]);
    assert.ok(
      zendesk.calls[1]!.at - zendesk.calls[0]!.at >= 390,
      `waited for the reset: ${zendesk.calls[1]!.at - zendesk.calls[0]!.at} ms`,
    );
    assert.ok(jira.calls[0]!.at - zendesk.calls[0]!.at < 300, "Jira was not held back");
    assert.ok(outbox.list().every((d) => d.throttled === 0 && d.attempts === 0));
  } finally {
    outbox.stop();
  }
});

Deno.test("outbox: Zendesk's rate-limit headers are honoured, so it never has to refuse", async () => {
  const fake = new FakeZendesk({ exportLagMs: 0 });
  const store = new MemoryEventStore();
  const adapter = new ZendeskAdapter({
    url: fake.url,
    email: "agent@example.test",
    apiToken: "zendesk-token",
  });
  const jo = fake.addUser("jo@acme.example");
  const ticket = fake.createTicket({ subject: "t", body: "x", requesterId: jo });
  // Two calls a note (read the comments, write the note): 5 a second is 2 notes, then a wait.
  limitRate(fake.chaos, 5, 1_000);
  const outbox = await Outbox.open(deps(store, adapter));
  const started = Date.now();
  try {
    for (const n of [0, 1, 2, 3, 4, 5]) {
      await outbox.enqueue({
        system: "zendesk",
        action: note(`rl-${n}`, String(ticket.id)),
        orderKey: `zendesk:${ticket.id}`,
        origin: "loupe",
        dedupeKey: `rl-${n}`,
      });
    }
    await outbox.idle();
    assert.deepEqual(
      fake.notesWith(ticket.id, "[loupe:rl-").map((c) => /rl-(\d)/.exec(c.body)![1]),
      ["0", "1", "2", "3", "4", "5"],
    );
    assert.equal(fake.chaos.rateLimited, 0, "no call over the quota");
    assert.ok(outbox.list().every((d) => d.throttled === 0), "no call held back either");
    assert.ok(Date.now() - started >= 2_000, "three windows for six notes");
  } finally {
    outbox.stop();
    await fake.close();
  }
});
