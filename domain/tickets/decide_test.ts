import assert from "node:assert/strict";
import {
  decide,
  evolve,
  type OpenTicket,
  type TicketCommand,
  type TicketEvent,
  TicketRuleViolation,
  type TicketState,
  type TicketViolationCode,
} from "./mod.ts";

const AT = 1_800_000_000_000;
const META = { at: AT, by: "agent@support" };

const OPEN: OpenTicket = {
  type: "OpenTicket",
  ticketId: "t1",
  customer: "acme",
  environment: "prod",
  subject: "Checkout is broken",
  description: "Payment fails for every card since this morning",
  severity: "high",
  reporter: "ann@acme.test",
  externalRef: { system: "zendesk", id: "4711" },
  window: null,
  openedAt: null,
};

const opened: TicketEvent = {
  type: "TicketOpened",
  data: {
    ticketId: "t1",
    customer: "acme",
    environment: "prod",
    subject: "Checkout is broken",
    description: "Payment fails for every card since this morning",
    severity: "high",
    reporter: "ann@acme.test",
    externalRef: { system: "zendesk", id: "4711" },
    window: null,
    openedAt: AT - 10,
    at: AT - 10,
    by: null,
  },
};

interface Base {
  readonly ticketId: string;
  readonly at: number;
  readonly by: string | null;
}
const base: Base = { ticketId: "t1", at: AT, by: "agent@support" };
const earlier: Base = { ticketId: "t1", at: AT - 5, by: null };

const statusChanged = (from: string, to: string, data = earlier): TicketEvent =>
  ({ type: "TicketStatusChanged", data: { ...data, from, to, reason: null } }) as TicketEvent;
const resolved = (rootCause = "Expired gateway certificate", data = earlier): TicketEvent => ({
  type: "TicketResolved",
  data: {
    ...data,
    rootCause,
    solution: "Renewed the certificate",
    prevention: null,
    resolver: "bob",
  },
});

/** given events, when a command: then these events, a refusal, or nothing. */
function given(...history: TicketEvent[]) {
  const state = history.reduce<TicketState>(evolve, null);
  return {
    when(command: TicketCommand) {
      return {
        then(expected: TicketEvent[]) {
          assert.deepEqual(decide(command, state, META), expected);
        },
        thenNothing() {
          assert.deepEqual(decide(command, state, META), []);
        },
        thenRefuses(code: TicketViolationCode, message: RegExp) {
          assert.throws(() => decide(command, state, META), (error: unknown) => {
            assert.ok(error instanceof TicketRuleViolation);
            assert.equal(error.code, code);
            assert.match(error.message, message);
            assert.match(error.message, /^Cannot /);
            assert.doesNotMatch(error.message, /\.$/);
            return true;
          });
        },
      };
    },
  };
}

const solvedHistory = [opened, resolved(), statusChanged("new", "solved")];
const closedHistory = [...solvedHistory, statusChanged("solved", "closed")];

Deno.test("OpenTicket", async (t) => {
  await t.step("opens a new ticket, opened now unless the report says when", () => {
    given().when(OPEN).then([{
      type: "TicketOpened",
      data: { ...(opened.data as object), openedAt: AT, at: AT, by: "agent@support" },
    } as TicketEvent]);
    given().when({ ...OPEN, openedAt: AT - 3_600_000 }).then([{
      type: "TicketOpened",
      data: { ...(opened.data as object), openedAt: AT - 3_600_000, at: AT, by: "agent@support" },
    } as TicketEvent]);
  });
  await t.step("refuses a ticket that exists", () => {
    given(opened).when(OPEN).thenRefuses("already_exists", /exists already/);
  });
  await t.step("refuses empty fields, an unknown severity and a backwards window", () => {
    given().when({ ...OPEN, subject: "  " }).thenRefuses("invalid", /subject is empty/);
    given().when({ ...OPEN, customer: "" }).thenRefuses("invalid", /customer is empty/);
    given().when({ ...OPEN, description: "" }).thenRefuses("invalid", /description is empty/);
    given().when({ ...OPEN, severity: "urgent" as "high" }).thenRefuses("invalid", /severity/);
    given().when({ ...OPEN, window: { from: 10, to: 5 } }).thenRefuses(
      "invalid",
      /window must start before it ends/,
    );
    given().when({ ...OPEN, externalRef: { system: "jira", id: "" } }).thenRefuses(
      "invalid",
      /external id is empty/,
    );
  });
});

Deno.test("commands on a ticket that does not exist are refused", () => {
  given().when({ type: "AssignTicket", assignee: "bob" }).thenRefuses(
    "not_found",
    /does not exist/,
  );
});

Deno.test("EditTicket", async (t) => {
  await t.step("records only the fields that changed", () => {
    given(opened).when({
      type: "EditTicket",
      subject: "Checkout is broken",
      description: "Payment fails on the second attempt",
      window: { from: 1, to: 2 },
    }).then([{
      type: "TicketEdited",
      data: {
        ...base,
        description: "Payment fails on the second attempt",
        window: { from: 1, to: 2 },
      },
    }]);
  });
  await t.step("no change, no event", () => {
    given(opened).when({ type: "EditTicket", subject: "Checkout is broken", window: null })
      .thenNothing();
  });
  await t.step("refuses an empty subject and a closed ticket", () => {
    given(opened).when({ type: "EditTicket", subject: "" }).thenRefuses("invalid", /subject/);
    given(...closedHistory).when({ type: "EditTicket", subject: "x" }).thenRefuses(
      "closed",
      /closed/,
    );
  });
});

Deno.test("CommentOnTicket", async (t) => {
  const comment = {
    type: "CommentOnTicket",
    commentId: "c1",
    author: "bob",
    body: "Looking into it",
    visibility: "internal",
  } as const;
  await t.step("adds a public reply or an internal note", () => {
    given(opened).when(comment).then([{
      type: "TicketCommented",
      data: {
        ...base,
        commentId: "c1",
        author: "bob",
        body: "Looking into it",
        visibility: "internal",
      },
    }]);
  });
  await t.step("a solved ticket can still be commented on", () => {
    given(...solvedHistory).when({ ...comment, visibility: "public" }).then([{
      type: "TicketCommented",
      data: {
        ...base,
        commentId: "c1",
        author: "bob",
        body: "Looking into it",
        visibility: "public",
      },
    }]);
  });
  await t.step("refuses an empty body, a reused id and a closed ticket", () => {
    given(opened).when({ ...comment, body: " " }).thenRefuses("invalid", /body is empty/);
    const first = decide(comment, evolve(null, opened), META)[0]!;
    given(opened, first).when(comment).thenRefuses("already_exists", /c1/);
    given(...closedHistory).when(comment).thenRefuses("closed", /closed ticket is final/);
  });
});

Deno.test("ChangeTicketStatus", async (t) => {
  const to = (status: string) =>
    ({ type: "ChangeTicketStatus", status, reason: null }) as TicketCommand;
  await t.step("moves along a legal transition", () => {
    given(opened).when(to("open")).then([statusChanged("new", "open", base)]);
    given(opened, statusChanged("new", "open")).when(to("escalated"))
      .then([statusChanged("open", "escalated", base)]);
    given(...solvedHistory).when(to("open")).then([statusChanged("solved", "open", base)]);
    given(...solvedHistory).when(to("closed")).then([statusChanged("solved", "closed", base)]);
  });
  await t.step("the same status is a no-op", () => {
    given(opened).when(to("new")).thenNothing();
    given(...closedHistory).when(to("closed")).thenNothing();
  });
  await t.step("refuses illegal transitions with the allowed ones", () => {
    given(opened, statusChanged("new", "open")).when(to("new")).thenRefuses(
      "illegal_transition",
      /from open to new: allowed are pending, escalated/,
    );
    given(opened).when(to("closed")).thenRefuses("illegal_transition", /new to closed/);
    given(...solvedHistory).when(to("pending")).thenRefuses("illegal_transition", /solved/);
  });
  await t.step("solved is reached only through a resolution", () => {
    given(opened).when(to("solved")).thenRefuses("illegal_transition", /record a resolution/);
  });
  await t.step("a closed ticket is final", () => {
    given(...closedHistory).when(to("open")).thenRefuses("closed", /final/);
  });
  await t.step("refuses an unknown status", () => {
    given(opened).when(to("done")).thenRefuses("invalid", /status must be one of/);
  });
});

Deno.test("AssignTicket", async (t) => {
  await t.step("assigns and unassigns", () => {
    given(opened).when({ type: "AssignTicket", assignee: "bob" }).then([{
      type: "TicketAssigned",
      data: { ...base, assignee: "bob", previous: null },
    }]);
    given(opened, {
      type: "TicketAssigned",
      data: { ...earlier, assignee: "bob", previous: null },
    }).when({ type: "AssignTicket", assignee: null }).then([{
      type: "TicketAssigned",
      data: { ...base, assignee: null, previous: "bob" },
    }]);
  });
  await t.step("assigning the current assignee is a no-op", () => {
    given(opened, {
      type: "TicketAssigned",
      data: { ...earlier, assignee: "bob", previous: null },
    }).when({ type: "AssignTicket", assignee: "bob" }).thenNothing();
  });
  await t.step("refuses an empty assignee and a closed ticket", () => {
    given(opened).when({ type: "AssignTicket", assignee: "" }).thenRefuses("invalid", /assignee/);
    given(...closedHistory).when({ type: "AssignTicket", assignee: "bob" }).thenRefuses(
      "closed",
      /assign/,
    );
  });
});

Deno.test("ChangeTicketSeverity", async (t) => {
  await t.step("changes it", () => {
    given(opened).when({ type: "ChangeTicketSeverity", severity: "critical" }).then([{
      type: "TicketSeverityChanged",
      data: { ...base, from: "high", to: "critical" },
    }]);
  });
  await t.step("the same severity is a no-op", () => {
    given(opened).when({ type: "ChangeTicketSeverity", severity: "high" }).thenNothing();
  });
  await t.step("refuses an unknown severity and a closed ticket", () => {
    given(opened).when({ type: "ChangeTicketSeverity", severity: "p1" as "low" }).thenRefuses(
      "invalid",
      /severity must be one of critical, high, medium, low/,
    );
    given(...closedHistory).when({ type: "ChangeTicketSeverity", severity: "low" }).thenRefuses(
      "closed",
      /severity/,
    );
  });
});

Deno.test("LinkSignature and UnlinkSignature", async (t) => {
  const linked: TicketEvent = {
    type: "TicketSignatureLinked",
    data: { ...earlier, signatureId: "sig_pay" },
  };
  await t.step("links and unlinks", () => {
    given(opened).when({ type: "LinkSignature", signatureId: "sig_pay" }).then([{
      type: "TicketSignatureLinked",
      data: { ...base, signatureId: "sig_pay" },
    }]);
    given(opened, linked).when({ type: "UnlinkSignature", signatureId: "sig_pay" }).then([{
      type: "TicketSignatureUnlinked",
      data: { ...base, signatureId: "sig_pay" },
    }]);
  });
  await t.step("linking what is linked, or unlinking what is not, is a no-op", () => {
    given(opened, linked).when({ type: "LinkSignature", signatureId: "sig_pay" }).thenNothing();
    given(opened).when({ type: "UnlinkSignature", signatureId: "sig_pay" }).thenNothing();
  });
  await t.step("a closed ticket still takes links: diagnosis knowledge keeps growing", () => {
    given(...closedHistory).when({ type: "LinkSignature", signatureId: "sig_pay" }).then([{
      type: "TicketSignatureLinked",
      data: { ...base, signatureId: "sig_pay" },
    }]);
  });
  await t.step("refuses an empty id", () => {
    given(opened).when({ type: "LinkSignature", signatureId: "" }).thenRefuses(
      "invalid",
      /signature id is empty/,
    );
  });
});

Deno.test("LinkLogEvent and UnlinkLogEvent", async (t) => {
  await t.step("links and unlinks a log event by position and index", () => {
    given(opened).when({ type: "LinkLogEvent", logEventId: "42:7" }).then([{
      type: "TicketLogEventLinked",
      data: { ...base, logEventId: "42:7" },
    }]);
    const linked: TicketEvent = {
      type: "TicketLogEventLinked",
      data: { ...earlier, logEventId: "42:7" },
    };
    given(opened, linked).when({ type: "LinkLogEvent", logEventId: "42:7" }).thenNothing();
    given(opened, linked).when({ type: "UnlinkLogEvent", logEventId: "42:7" }).then([{
      type: "TicketLogEventUnlinked",
      data: { ...base, logEventId: "42:7" },
    }]);
    given(opened).when({ type: "UnlinkLogEvent", logEventId: "42:7" }).thenNothing();
  });
  await t.step("refuses an id that is not <position>:<index>", () => {
    for (const id of ["42", "0:1", "a:b", "4:-1", ""]) {
      given(opened).when({ type: "LinkLogEvent", logEventId: id }).thenRefuses(
        "invalid",
        /<position>:<index>/,
      );
    }
  });
});

Deno.test("ResolveTicket", async (t) => {
  const resolve = {
    type: "ResolveTicket",
    rootCause: "Expired gateway certificate",
    solution: "Renewed the certificate",
    prevention: null,
    resolver: "bob",
  } as const;
  await t.step("records the resolution and solves the ticket", () => {
    given(opened).when(resolve).then([resolved(undefined, base), {
      type: "TicketStatusChanged",
      data: { ...base, from: "new", to: "solved", reason: "resolution recorded" },
    }]);
  });
  await t.step("a solved ticket's resolution can be amended; the same one is a no-op", () => {
    given(...solvedHistory).when({ ...resolve, rootCause: "Clock skew" }).then([
      resolved("Clock skew", base),
    ]);
    given(...solvedHistory).when(resolve).thenNothing();
  });
  await t.step("a reopened ticket is resolved again, its history kept", () => {
    const history = [...solvedHistory, statusChanged("solved", "open")];
    const events = decide(resolve, history.reduce<TicketState>(evolve, null), META);
    assert.deepEqual(events.map((e) => e.type), ["TicketResolved", "TicketStatusChanged"]);
    const ticket = [...history, ...events].reduce<TicketState>(evolve, null)!;
    assert.equal(ticket.status, "solved");
    assert.equal(ticket.resolutions.length, 2);
  });
  await t.step("refuses an empty root cause or solution, and a closed ticket", () => {
    given(opened).when({ ...resolve, rootCause: " " }).thenRefuses("invalid", /root cause/);
    given(opened).when({ ...resolve, solution: "" }).thenRefuses("invalid", /solution/);
    given(...closedHistory).when(resolve).thenRefuses("closed", /resolve/);
  });
});

Deno.test("evolve keeps the ticket's history: version, comments, resolution, closing time", () => {
  const history: TicketEvent[] = [
    opened,
    statusChanged("new", "open"),
    resolved(),
    statusChanged("open", "solved"),
    statusChanged("solved", "open"),
  ];
  const ticket = history.reduce<TicketState>(evolve, null)!;
  assert.equal(ticket.version, 5);
  assert.equal(ticket.status, "open");
  assert.equal(ticket.resolution, null, "reopening clears the resolution in force");
  assert.equal(ticket.resolutions.length, 1);
  assert.equal(ticket.closedAt, null);
  assert.equal(evolve(null, resolved()), null);
});
