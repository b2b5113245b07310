import assert from "node:assert/strict";
import fc from "fast-check";
import {
  canTransition,
  decide,
  evolve,
  type OpenTicket,
  replayTicket,
  TICKET_FIELD_NAMES,
  TICKET_SEVERITIES,
  TICKET_STATUSES,
  type TicketCommand,
  type TicketEvent,
  type TicketFields,
  TicketRuleViolation,
  type TicketState,
} from "./mod.ts";

const name = fc.constantFrom("ann", "bob", "eve", "");
const signature = fc.constantFrom("sig_a", "sig_b", "sig_c");
const logEvent = fc.constantFrom("1:0", "1:1", "7:3", "0:1");

const OPEN: OpenTicket = {
  type: "OpenTicket",
  ticketId: "t1",
  customer: "acme",
  environment: "prod",
  subject: "Checkout fails",
  description: "Payment fails",
  severity: "high",
  reporter: "ann",
  externalRef: null,
  window: null,
  openedAt: null,
};

const command: fc.Arbitrary<TicketCommand> = fc.oneof(
  fc.constant<TicketCommand>(OPEN),
  fc.record({
    type: fc.constant("ChangeTicketStatus" as const),
    status: fc.constantFrom(...TICKET_STATUSES),
    reason: fc.constant(null),
  }, { noNullPrototype: true }),
  fc.record({ type: fc.constant("AssignTicket" as const), assignee: fc.option(name) }, {
    noNullPrototype: true,
  }),
  fc.record({
    type: fc.constant("ChangeTicketSeverity" as const),
    severity: fc.constantFrom(...TICKET_SEVERITIES),
  }, { noNullPrototype: true }),
  fc.record({
    type: fc.constantFrom("LinkSignature" as const, "UnlinkSignature" as const),
    signatureId: signature,
  }, { noNullPrototype: true }),
  fc.record({
    type: fc.constantFrom("LinkLogEvent" as const, "UnlinkLogEvent" as const),
    logEventId: logEvent,
  }, { noNullPrototype: true }),
  fc.record({
    type: fc.constant("CommentOnTicket" as const),
    commentId: fc.constantFrom("c1", "c2", "c3", "c4"),
    author: name,
    body: fc.constantFrom("hi", ""),
    visibility: fc.constantFrom("public" as const, "internal" as const),
  }, { noNullPrototype: true }),
  fc.record({
    type: fc.constant("ResolveTicket" as const),
    rootCause: fc.constantFrom("cert expired", "disk full", ""),
    solution: fc.constantFrom("renewed", "cleaned up", " "),
    prevention: fc.constantFrom(null, "alert on expiry"),
    resolver: name,
  }, { noNullPrototype: true }),
  fc.record({
    type: fc.constant("EditTicket" as const),
    subject: fc.constantFrom("Checkout fails", "Card payments fail"),
  }, { noNullPrototype: true }),
);

interface Run {
  readonly state: TicketState;
  readonly events: TicketEvent[];
}

/** Applies the commands in order, skipping the refused ones, as the service would. */
function run(commands: readonly TicketCommand[], check: (before: Run, after: Run) => void): Run {
  let current: Run = { state: null, events: [] };
  commands.forEach((cmd, i) => {
    let produced: TicketEvent[];
    try {
      produced = decide(cmd, current.state, { at: 1_000 + i, by: null });
    } catch (error) {
      assert.ok(error instanceof TicketRuleViolation, String(error));
      return;
    }
    const next = {
      state: produced.reduce<TicketState>(evolve, current.state),
      events: [...current.events, ...produced],
    };
    check(current, next);
    current = next;
  });
  return current;
}

Deno.test("no sequence of accepted commands reaches an illegal state", () => {
  fc.assert(
    fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
      const linked = new Set<string>();
      const { state, events } = run(commands, (before, after) => {
        const ticket = after.state!;
        assert.ok(ticket !== null);
        assert.equal(ticket.version, after.events.length, "version = number of events");
        const finished = ticket.status === "solved" || ticket.status === "closed";
        assert.equal(ticket.resolution !== null, finished, "solved and closed say why");
        assert.equal(ticket.closedAt !== null, finished);
        assert.ok(
          ticket.resolutions.length >= (before.state?.resolutions.length ?? 0),
          "resolution history only grows",
        );
        assert.deepEqual(
          ticket.resolutions.slice(0, before.state?.resolutions.length ?? 0),
          before.state?.resolutions ?? [],
        );
        if (before.state?.status === "closed") assert.equal(ticket.status, "closed");
        assert.equal(new Set(ticket.signatures).size, ticket.signatures.length);
        assert.equal(new Set(ticket.logEvents).size, ticket.logEvents.length);
        for (const event of after.events.slice(before.events.length)) {
          if (event.type === "TicketStatusChanged") {
            assert.ok(canTransition(event.data.from, event.data.to), JSON.stringify(event));
          }
          if (event.type === "TicketSignatureLinked") linked.add(event.data.signatureId);
          if (event.type === "TicketSignatureUnlinked") linked.delete(event.data.signatureId);
        }
        assert.deepEqual(new Set(ticket.signatures), linked);
      });
      assert.deepEqual(events.reduce<TicketState>(evolve, null), state, "replay gives the same");
    }),
    { numRuns: 500 },
  );
});

Deno.test("a command decided again on the state it produced changes nothing, unless it appends", () => {
  const idempotent = new Set([
    "ChangeTicketStatus",
    "AssignTicket",
    "ChangeTicketSeverity",
    "LinkSignature",
    "UnlinkSignature",
    "LinkLogEvent",
    "UnlinkLogEvent",
    "ResolveTicket",
    "EditTicket",
  ]);
  fc.assert(
    fc.property(fc.array(command, { maxLength: 30 }), command, (commands, last) => {
      const { state } = run(commands, () => {});
      if (state === null || !idempotent.has(last.type)) return;
      let events: TicketEvent[];
      try {
        events = decide(last, state, { at: 5_000, by: null });
      } catch {
        return;
      }
      const after = events.reduce<TicketState>(evolve, state);
      assert.deepEqual(decide(last, after, { at: 6_000, by: null }), []);
    }),
    { numRuns: 300 },
  );
});

Deno.test("every editable field (TICKET_FIELDS) opens, edits and replays through one path", () => {
  // The fields that may be null are left out: they open as null.
  const { externalRef: _, window: __, ...withoutNullable } = OPEN;
  const opened = decide(withoutNullable, null, { at: 1_000, by: null });
  const ticket = replayTicket(opened)!;
  for (const name of TICKET_FIELD_NAMES) {
    assert.ok(name in opened[0]!.data, `TicketOpened records ${name}`);
    assert.deepEqual(ticket[name], (opened[0]!.data as TicketFields)[name]);
  }
  const other: TicketFields = {
    subject: "Checkout fails at night",
    description: "Payment fails after 22:00",
    window: { from: 0, to: 500 },
    externalRef: { system: "zendesk", id: "42" },
  };
  for (const name of TICKET_FIELD_NAMES) {
    const edit = { type: "EditTicket" as const, [name]: other[name] };
    const events = decide(edit, ticket, { at: 2_000, by: "agent" });
    assert.deepEqual(events.map((e) => e.type), ["TicketEdited"], name);
    const { ticketId: _, at: __, by: ___, ...changed } = events[0]!.data;
    assert.deepEqual(changed, { [name]: other[name] }, `only ${name} is in the event`);
    const edited = events.reduce<TicketState>(evolve, ticket)!;
    assert.deepEqual(edited[name], other[name]);
    assert.deepEqual(decide(edit, edited, { at: 3_000, by: "agent" }), [], "the same value again");
  }
});
