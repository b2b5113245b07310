import assert from "node:assert/strict";
import fc from "fast-check";
import { mineCorpus, SignatureMiner } from "./miner.ts";
import type { MinerEvent } from "./miner_events.ts";
import { groupingAccuracy } from "./accuracy.ts";

// Words for templates: plain words, none a month or weekday name, no digits.
const WORDS = [
  "connection",
  "closed",
  "opened",
  "request",
  "failed",
  "worker",
  "started",
  "stopped",
  "session",
  "timeout",
  "cache",
  "flushed",
  "queue",
  "drained",
  "backup",
  "completed",
  "retrying",
  "upload",
  "invalid",
  "token",
  "Disk",
  "Reading",
  "snapshot",
  "for",
  "from",
  "to",
  "with",
  "status:",
  "error:",
  "(client)",
];

/** Generators of values of the variable classes the miner must mask. */
const VALUES: Record<string, fc.Arbitrary<string>> = {
  int: fc.integer({ min: -1_000_000, max: 1_000_000_000 }).map(String),
  float: fc.double({ min: 0, max: 1e6, noNaN: true }).map((x) => x.toFixed(3)),
  hex: fc.integer({ min: 0, max: 0x7fffffff }).map((x) => "0x" + x.toString(16)),
  ip: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join(".")),
  ipPort: fc.tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 65535 })).map(([a, b, p]) =>
    `10.${a}.${b}.1:${p}`
  ),
  uuid: fc.uuid(),
  path: fc.array(fc.constantFrom("var", "log", "tmp", "data", "x1", "app-2"), {
    minLength: 1,
    maxLength: 4,
  })
    .map((p) => "/" + p.join("/")),
  duration: fc.nat(100_000).map((n) => `${n}ms`),
  blockId: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }).map((n) => `blk_${n}`),
};
const KINDS = Object.keys(VALUES);

/** A template: words and variable slots (`{kind}`), at least two words. */
const template = fc.array(
  fc.oneof({ arbitrary: fc.constantFrom(...WORDS), weight: 3 }, {
    arbitrary: fc.constantFrom(...KINDS).map((k) => `{${k}}`),
    weight: 1,
  }),
  { minLength: 2, maxLength: 10 },
).filter((t) => t.filter((x) => !x.startsWith("{")).length >= 2);

function fill(t: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(...t.map((x) => (x.startsWith("{") ? VALUES[x.slice(1, -1)]! : fc.constant(x))))
    .map((parts) => parts.join(" "));
}

Deno.test("lines that differ only in variable values get the same signature", () => {
  fc.assert(
    fc.property(
      template.chain((t) => fc.tuple(fill(t), fill(t))),
      ([a, b]) => {
        const { signatureIds } = new SignatureMiner().mine([a, b]);
        assert.equal(signatureIds[0], signatureIds[1], `${a}\n${b}`);
        const online = new SignatureMiner();
        const [first] = online.mine([a]).signatureIds;
        const [second] = online.mine([b]).signatureIds;
        assert.equal(first, second, `${a}\n${b}`);
      },
    ),
    { numRuns: 300 },
  );
});

/** Lines of a few templates, shuffled. */
const corpus = fc.array(template, { minLength: 1, maxLength: 6 }).chain((ts) =>
  fc.array(fc.nat(ts.length - 1).chain((i) => fill(ts[i]!)), { minLength: 1, maxLength: 60 })
);

Deno.test("mining is deterministic: same input, same batching, same ids, templates and events", () => {
  fc.assert(
    fc.property(corpus, fc.integer({ min: 1, max: 20 }), (lines, batch) => {
      const run = () => {
        const m = new SignatureMiner();
        const out: unknown[] = [];
        for (let i = 0; i < lines.length; i += batch) out.push(m.mine(lines.slice(i, i + batch)));
        return [out, [...m.signatures()]];
      };
      assert.deepEqual(run(), run());
      assert.deepEqual(mineCorpus(lines), mineCorpus(lines));
    }),
    { numRuns: 100 },
  );
});

/**
 * Lines whose grouping depends on statistics (and so on the weights a
 * restored miner must get back): word slots with a few, rare or many values,
 * plain or dotted.
 */
const NAMES = ["alpha", "beta", "gamma", "delta", "com.acme.alpha", "com.acme.beta", "'x'", "'y'"];
const statisticalCorpus = fc.array(
  fc.tuple(
    fc.constantFrom(...WORDS),
    fc.constantFrom(...WORDS),
    fc.subarray(NAMES, { minLength: 1 }),
    fc.constantFrom(...KINDS),
  ),
  { minLength: 1, maxLength: 4 },
).chain((ts) =>
  fc.array(
    fc.nat(ts.length - 1).chain((i) => {
      const [w1, w2, names, kind] = ts[i]!;
      return fc.tuple(fc.constantFrom(...names), VALUES[kind]!).map(([n, v]) =>
        `${w1} ${n} ${w2} ${v}`
      );
    }),
    { minLength: 1, maxLength: 60 },
  )
);

Deno.test("a restored miner behaves exactly like the one that emitted the events", () => {
  fc.assert(
    fc.property(
      fc.oneof(corpus, statisticalCorpus),
      fc.oneof(corpus, statisticalCorpus),
      fc.integer({ min: 1, max: 15 }),
      (a, b, batch) => {
        const original = new SignatureMiner();
        const events: MinerEvent[] = [];
        for (let i = 0; i < a.length; i += batch) {
          events.push(...original.mine(a.slice(i, i + batch)).events);
        }
        // Events are plain JSON.
        const restored = SignatureMiner.restore(JSON.parse(JSON.stringify(events)));
        assert.deepEqual([...restored.signatures()], [...original.signatures()]);
        for (let i = 0; i < b.length; i += batch) {
          const chunk = b.slice(i, i + batch);
          assert.deepEqual(restored.mine(chunk), original.mine(chunk));
        }
        assert.deepEqual([...restored.signatures()], [...original.signatures()]);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("every message gets a signature with a template, empty and odd ones included", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.string(),
          fc.string({ unit: "grapheme" }),
          fc.constantFrom("", " ", "\n", "\r\n", "\t"),
        ),
        {
          maxLength: 30,
        },
      ),
      (messages) => {
        const miner = new SignatureMiner();
        const { signatureIds } = miner.mine(messages);
        assert.equal(signatureIds.length, messages.length);
        for (const id of signatureIds) {
          assert.match(id, /^sig_[0-9a-f]{12}(_\d+)?$/);
          assert.equal(typeof miner.template(id), "string");
        }
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("a signature keeps its id when it learns that a word is a variable", () => {
  const miner = new SignatureMiner();
  const first = miner.mine(["user alice logged in from 10.0.0.1"]);
  const id = first.signatureIds[0]!;
  assert.equal(first.events[0]?.type, "SignatureDiscovered");
  assert.equal(miner.template(id), "user alice logged in from <*>");
  const users = [
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "grace",
    "heidi",
    "ivan",
    "judy",
    "mallory",
  ];
  const second = miner.mine(users.map((u, i) => `user ${u} logged in from 10.0.0.${i}`));
  assert.deepEqual(new Set(second.signatureIds), new Set([id]));
  assert.deepEqual(second.events, [{
    type: "SignatureGeneralized",
    data: {
      signatureId: id,
      previousTemplate: "user alice logged in from <*>",
      template: "user <*> logged in from <*>",
      state: (second.events[0]!.data as { state: unknown }).state,
    },
  }]);
  // The old value still maps to the same signature.
  assert.deepEqual(miner.mine(["user alice logged in from 10.9.9.9"]).signatureIds, [id]);
});

Deno.test("an id depends only on the first template, not on what else was mined", () => {
  const a = new SignatureMiner().mine(["disk full on sda"]).signatureIds[0];
  const b = new SignatureMiner().mine(["something else", "disk full on sda"]).signatureIds[1];
  assert.equal(a, b);
});

Deno.test("well-separated templates are grouped the same whatever the order of lines", () => {
  // Templates with disjoint words and different lengths.
  const templates = [
    ["connection", "{ip}", "closed", "after", "{duration}"],
    ["worker", "{int}", "started", "on", "queue", "{hex}", "now"],
    ["snapshot", "{path}", "flushed"],
    ["Reading", "block", "{blockId}", "of", "size", "{int}", "from", "{ipPort}", "ok"],
  ];
  fc.assert(
    fc.property(
      fc.array(
        fc.nat(templates.length - 1).chain((i) => fill(templates[i]!).map((l) => [l, i] as const)),
        {
          minLength: 1,
          maxLength: 80,
        },
      ),
      (lines) => {
        const truth = lines.map(([, i]) => String(i));
        const forward = mineCorpus(lines.map(([l]) => l)).signatureIds;
        assert.equal(groupingAccuracy(forward, truth), 1);
        const reversed = [...lines].reverse();
        const backward = mineCorpus(reversed.map(([l]) => l)).signatureIds.reverse();
        assert.equal(groupingAccuracy(backward, truth), 1);
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("words that tell events apart stay constant; many distinct words are a variable", () => {
  const lines: string[] = [];
  for (const state of ["Paused", "Resumed", "Started", "Stopped"]) {
    for (let i = 0; i < 5; i++) {
      lines.push(`[instance: ${crypto.randomUUID()}] VM ${state} (Lifecycle Event)`);
    }
  }
  const users = "root admin guest test oracle ubuntu pi postgres user ftp nagios".split(" ");
  for (const u of users) lines.push(`Invalid user ${u} from 10.1.2.${u.length}`);
  const { signatureIds, templates } = mineCorpus(lines);
  assert.equal(new Set(signatureIds.slice(0, 20)).size, 4);
  assert.equal(new Set(signatureIds.slice(20)).size, 1);
  assert.equal(templates.get(signatureIds[20]!), "Invalid user <*> from <*>");
});

Deno.test("a word after an entity noun is a name, even when there are few", () => {
  const lines = [
    ...Array.from({ length: 6 }, () => "session opened for user root by (uid=0)"),
    "session opened for user news by (uid=0)",
    "session opened for user cyrus by (uid=0)",
    "job backup started",
    "job backup stopped",
  ];
  const { signatureIds, templates } = mineCorpus(lines);
  assert.equal(new Set(signatureIds.slice(0, 8)).size, 1);
  assert.equal(templates.get(signatureIds[0]!), "session opened for user <*> by (uid=<*>)");
  assert.notEqual(signatureIds[8], signatureIds[9]);
});

Deno.test("a Java stack trace is keyed by exception class and top frames, not its message", () => {
  const trace = (message: string, frame: string) =>
    `Failed to process request ${Math.floor(message.length * 7)}\n` +
    `java.lang.IllegalStateException: ${message}\n` +
    `\tat com.acme.orders.OrderService.${frame}(OrderService.java:42)\n` +
    `\tat com.acme.orders.OrderController.post(OrderController.java:17)\n` +
    `\tat sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n` +
    `\tat java.lang.Thread.run(Thread.java:748)\n` +
    `Caused by: java.sql.SQLException: connection reset by peer 10.0.0.1\n` +
    `\t... 4 more`;
  const miner = new SignatureMiner();
  const { signatureIds } = miner.mine([
    trace("order 1234 is already paid", "pay"),
    trace("cart of alice has no items left to ship today", "pay"),
    trace("order 1234 is already paid", "refund"),
    "Failed to process request 17",
  ]);
  assert.equal(signatureIds[0], signatureIds[1]);
  assert.notEqual(signatureIds[0], signatureIds[2]);
  assert.notEqual(signatureIds[0], signatureIds[3]);
  assert.equal(
    miner.template(signatureIds[0]!),
    "Failed to process request <*>\njava.lang.IllegalStateException: <*>\n" +
      "\tat com.acme.orders.OrderService.pay\n\tat com.acme.orders.OrderController.post\n" +
      "\tat sun.reflect.NativeMethodAccessorImpl.invoke0\nCaused by: java.sql.SQLException: <*>",
  );
});

Deno.test("a trace without a head line: its template starts with the exception", () => {
  const trace = (message: string) =>
    `java.io.IOException: ${message}\n\tat com.acme.Store.read(Store.java:10)\n\tat com.acme.Main.main(Main.java:3)`;
  const { signatureIds, templates } = mineCorpus([
    trace("disk 1 gone"),
    trace("timeout after 30 s"),
  ]);
  assert.equal(signatureIds[0], signatureIds[1]);
  assert.equal(
    templates.get(signatureIds[0]!),
    "java.io.IOException: <*>\n\tat com.acme.Store.read\n\tat com.acme.Main.main",
  );
});

Deno.test("a Python traceback is keyed by exception class and innermost frames", () => {
  const tb = (message: string, line: number) =>
    "Traceback (most recent call last):\n" +
    `  File "/srv/app/main.py", line ${line}, in handle\n    process(x)\n` +
    `  File "/srv/app/jobs.py", line 88, in process\n    raise ValueError(msg)\n` +
    `ValueError: ${message}`;
  const { signatureIds, templates } = mineCorpus([
    tb("bad input 'x'", 10),
    tb("bad input 'yy' again", 12),
  ]);
  assert.equal(signatureIds[0], signatureIds[1]);
  assert.equal(
    templates.get(signatureIds[0]!),
    "Traceback (most recent call last):\n  File main.py in handle\n  File jobs.py in process\nValueError: <*>",
  );
});
