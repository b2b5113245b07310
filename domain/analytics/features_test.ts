import assert from "node:assert/strict";
import fc from "fast-check";
import { openContexts, type TicketRecord } from "./features.ts";
import { earlierResolvedQuantile, ticketRecords } from "./ticket_features.ts";
import { gaussian, xorshift32 } from "../../test/support/random.ts";
import { fixStateAt, type OriginLog } from "./fix_state.ts";
import type { Ticket } from "../tickets/mod.ts";
import { originLog } from "../../test/support/fix_state_logs.ts";

const HOUR = 3_600_000;
const MINUTE = 60_000;

function ticket(
  id: string,
  openedAt: number,
  resolvedAt: number | null,
  issue: string | null,
): Ticket {
  return {
    ticketId: id,
    version: 1,
    customer: `cust-${id.length % 3}`,
    environment: "prod",
    subject: "s",
    description: "d",
    severity: "medium",
    status: resolvedAt === null ? "open" : "solved",
    reporter: "r",
    assignee: null,
    externalRef: null,
    window: null,
    openedAt,
    updatedAt: openedAt,
    closedAt: resolvedAt,
    comments: [],
    signatures: issue === null ? [] : [issue],
    logEvents: [],
    resolution: null,
    resolutions: resolvedAt === null
      ? []
      : [{ rootCause: "x", solution: "y", prevention: null, resolver: "z", at: resolvedAt }],
    escalations: 0,
  };
}

const history = fc.array(
  fc.record({
    openedMinute: fc.integer({ min: 0, max: 30_000 }),
    hours: fc.option(fc.integer({ min: 1, max: 200 }), { nil: null }),
    issue: fc.option(fc.constantFrom("sig-a", "sig-b"), { nil: null }),
  }, { noNullPrototype: true }),
  { minLength: 2, maxLength: 40 },
);

Deno.test("no feature is computed from anything dated after the prediction time", () => {
  fc.assert(
    fc.property(
      history,
      fc.nat(),
      fc.integer({ min: 1, max: 1000 }),
      fc.array(originLog, { minLength: 3, maxLength: 3 }),
      (rows, pick, shiftHours, logs) => {
        const tickets = rows.map((r, i) =>
          ticket(
            `t${i}`,
            r.openedMinute * MINUTE,
            r.hours === null ? null : r.openedMinute * MINUTE + r.hours * HOUR,
            r.issue,
          )
        );
        const target = tickets[pick % tickets.length]!;
        const t = target.openedAt;
        // Everything after the target opened happens later still: opens and resolutions.
        const shifted = tickets.map((o) => {
          if (o.ticketId === target.ticketId) return o;
          const opened = o.openedAt > t ? o.openedAt + shiftHours * HOUR : o.openedAt;
          const resolved = o.closedAt === null
            ? null
            : o.closedAt > t
            ? o.closedAt + shiftHours * HOUR
            : o.closedAt;
          return ticket(o.ticketId, opened, resolved, o.signatures[0] ?? null);
        });
        // The logs move the same way: upgrades and lines after the target opened come later.
        const later = (at: number) => (at > t ? at + shiftHours * HOUR : at);
        const shiftedLogs = logs.map((o): OriginLog => ({
          versions: o.versions.map((v) => ({ ...v, firstSeen: later(v.firstSeen) })),
          lines: o.lines.map((l) => ({
            ...l,
            firstSeen: later(l.firstSeen),
            lastSeen: later(l.lastSeen),
          })),
        }));
        const view = (list: Ticket[], origins: OriginLog[]) => {
          // Issue sig-a's fix shows (or not) on the first two environments; customers run them.
          const fixStateOf = (issue: string, ticket: Ticket, at: number) =>
            issue === "sig-a"
              ? fixStateAt(origins.slice(0, 2), origins[ticket.customer.length % 3]!.versions, at)
              : undefined;
          const records = ticketRecords(list, () => "gold", undefined, fixStateOf);
          const contexts = openContexts(records);
          const i = list.findIndex((o) => o.ticketId === target.ticketId);
          const { resolvedAt: _, ...known } = records[i]! as TicketRecord;
          return { known, context: contexts[i] };
        };
        assert.deepEqual(view(shifted, shiftedLogs), view(tickets, logs));
      },
    ),
  );
});

Deno.test("openContexts: backlog counts tickets still open at the moment, not those resolved by then", () => {
  const t = (id: string, openedAt: number, resolvedAt: number | null): TicketRecord => ({
    id,
    openedAt,
    resolvedAt,
    fields: {},
    text: "",
  });
  const contexts = openContexts([
    t("a", 0, 2 * HOUR),
    t("b", HOUR, null),
    t("c", 3 * HOUR, null),
  ]);
  assert.deepEqual(contexts.map((c) => c.backlog), [0, 1, 1]);
  assert.deepEqual(contexts.map((c) => c.openedLast24h), [0, 1, 2]);
  assert.deepEqual(contexts.map((c) => c.hourOfDay), [0, 1, 3]);
});

Deno.test("property: with no ticket open, an issue's Kaplan-Meier quantile is its plain quantile; open tickets never lower it", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 5, maxLength: 60 }),
      fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { maxLength: 60 }),
      fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      (resolved, open, q) => {
        const sorted = [...resolved].sort((a, b) => a - b);
        const plain = sorted[Math.ceil(q * sorted.length - 1e-12) - 1]!;
        const times = resolved.map((hours) => ({ hours, resolved: true }));
        assert.equal(earlierResolvedQuantile(times, q), plain);
        // A ticket still open is one fewer resolved by any time: the share q is reached no sooner.
        const withOpen = earlierResolvedQuantile(
          [...times, ...open.map((hours) => ({ hours, resolved: false }))],
          q,
        );
        assert.ok(Number.isNaN(withOpen) || withOpen >= plain);
      },
    ),
  );
});

Deno.test("an issue's Kaplan-Meier quantile counts the tickets that never resolve: with two in three never resolving, its fifth is the resolvers' 60%", () => {
  // Tickets opened one an hour, followed up to a common end (censoring by the end of history,
  // not by how long they take); a third resolve, log-normal around 8 h.
  const next = xorshift32(31);
  const end = 4000;
  const resolvers: number[] = [];
  const times = Array.from({ length: 3000 }, (_, i) => {
    const hours = Math.exp(Math.log(8) + 0.5 * gaussian(next));
    const resolves = next() < 1 / 3;
    if (resolves) resolvers.push(hours);
    const followUp = end - i;
    return resolves && hours <= followUp
      ? { hours, resolved: true }
      : { hours: followUp, resolved: false };
  });
  const q20 = earlierResolvedQuantile(times, 0.2);
  resolvers.sort((a, b) => a - b);
  const expected = resolvers[Math.floor(0.6 * resolvers.length)]!;
  assert.ok(Math.abs(Math.log(q20 / expected)) < 0.1, `${q20} vs ${expected}`);
});
