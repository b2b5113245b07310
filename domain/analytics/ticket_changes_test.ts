import assert from "node:assert/strict";
import fc from "fast-check";
import type { TicketEvent, TicketSeverity } from "../tickets/mod.ts";
import { ticketSteps } from "./ticket_changes.ts";
import { ticketRecorder } from "./ticket_features.ts";

const SEVERITIES: readonly TicketSeverity[] = ["critical", "high", "medium", "low"];
const base = { ticketId: "t1", by: null };

function opened(): TicketEvent {
  return {
    type: "TicketOpened",
    data: {
      ...base,
      at: 0,
      customer: "acme",
      environment: "prod",
      subject: "Export fails",
      description: "The nightly export fails",
      severity: "medium",
      reporter: "ann",
      externalRef: null,
      window: null,
      openedAt: 0,
    },
  };
}

/** A change at `at`: a severity change or a comment by the reporter or an agent. */
const change = fc.record({
  gap: fc.integer({ min: 1, max: 10_000 }),
  kind: fc.constantFrom("severity", "reporter", "agent"),
  word: fc.constantFrom("outage", "slow", "urgent", "thanks"),
  severity: fc.constantFrom(...SEVERITIES),
}, { noNullPrototype: true });

interface Change {
  readonly gap: number;
  readonly kind: string;
  readonly word: string;
  readonly severity: TicketSeverity;
}

function eventsOf(changes: readonly Change[]): TicketEvent[] {
  const events: TicketEvent[] = [opened()];
  let at = 0;
  let severity: TicketSeverity = "medium";
  changes.forEach((c, i) => {
    at += c.gap;
    if (c.kind === "severity") {
      if (c.severity === severity) return;
      events.push({
        type: "TicketSeverityChanged",
        data: { ...base, at, from: severity, to: c.severity },
      });
      severity = c.severity;
    } else {
      events.push({
        type: "TicketCommented",
        data: {
          ...base,
          at,
          commentId: `c${i}`,
          author: c.kind === "reporter" ? "ann" : "farid",
          body: `it is ${c.word}`,
          visibility: "public",
        },
      });
    }
  });
  return events;
}

Deno.test("property: the ticket as of a moment, and its model record, ignore every change after that moment", () => {
  const recordOf = ticketRecorder([], () => "business");
  fc.assert(
    fc.property(
      fc.array(change, { maxLength: 12 }),
      fc.array(change, { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 0, max: 60_000 }),
      (history, later, cutAt) => {
        const events = eventsOf(history);
        const cut = Math.max(cutAt, events.at(-1)!.data.at);
        // Whatever comes after the cut, whenever it comes.
        const shifted = eventsOf([...history, {
          ...later[0]!,
          gap: cut - events.at(-1)!.data.at + 1,
        }, ...later.slice(1)]);
        const before = ticketSteps(events, cut).at(-1)!;
        const withLater = ticketSteps(shifted, cut).at(-1)!;
        assert.deepEqual(withLater.state, before.state);
        assert.deepEqual(recordOf(withLater.state), recordOf(before.state));
        assert.ok(shifted.length > events.length || later.every((c) => c.kind === "severity"));
      },
    ),
  );
});

Deno.test("the reporter's comments join the ticket's text; agents' replies do not", () => {
  const recordOf = ticketRecorder([], () => "business");
  const steps = ticketSteps(eventsOf([
    { gap: 10, kind: "agent", word: "thanks", severity: "low" },
    { gap: 10, kind: "reporter", word: "outage", severity: "low" },
  ]));
  const text = recordOf(steps.at(-1)!.state).text;
  assert.match(text, /it is outage/);
  assert.doesNotMatch(text, /it is thanks/);
  assert.deepEqual(steps.map((s) => s.change), [
    "opened (medium)",
    "comment by farid",
    "comment by ann (the reporter)",
  ]);
});
