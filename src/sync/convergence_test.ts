/**
 * Property: whatever order remote changes (Zendesk comments and status),
 * local changes (an agent links the ticket) and deliveries (webhooks, some
 * duplicated, and catch-ups) arrive in, Loupe and Zendesk end in the same
 * state, and nothing echoes: Loupe's notes are never imported back, and a
 * change from Zendesk never makes a delivery to Zendesk.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { ulid } from "ulid";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { ZendeskAdapter } from "../../adapters/ticketing/zendesk.ts";
import { FakeZendesk } from "../../test/ticketing/fake_zendesk.ts";
import { requestOf } from "../../test/support/app.ts";
import { Loupe } from "../app/loupe.ts";
import { TicketService } from "../tickets/mod.ts";
import { DEFAULT_ZENDESK_STATUS_MAP } from "../../domain/ticketing/mod.ts";
import { isLoupeNote } from "../../ports/ticketing.ts";
import { SyncService } from "./service.ts";
import { DEFAULT_INBOUND_CONFIG } from "./zendesk_inbound.ts";

type Op =
  | { kind: "comment"; text: string; isPublic: boolean }
  | { kind: "status"; status: "open" | "pending" | "hold" | "solved" }
  | { kind: "webhook"; copies: number }
  | { kind: "catchUp" }
  | { kind: "link" };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("comment" as const),
    text: fc.stringMatching(/^[a-z][a-z ]{0,19}$/),
    isPublic: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("status" as const),
    status: fc.constantFrom(
      "open" as const,
      "pending" as const,
      "hold" as const,
      "solved" as const,
    ),
  }),
  fc.record({ kind: fc.constant("webhook" as const), copies: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant("catchUp" as const) }),
  fc.record({ kind: fc.constant("link" as const) }),
);

Deno.test("sync: any interleaving of remote and local changes converges with no echo", async () => {
  const fake = new FakeZendesk({ exportLagMs: 0 });
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const store = new MemoryEventStore({ clock: { now: () => Date.now() } });
        const projections = new MemoryProjectionStore();
        const clock = { now: () => Date.now() };
        const loupe = await Loupe.start({
          store,
          projectionStore: projections,
          clock,
          newId: ulid,
        });
        await loupe.ingest(
          requestOf([{ message: "PaymentGatewayException: timeout", severity: 17 }]),
        );
        const signatureId = loupe.listSignatures({ limit: 1, offset: 0 }).items[0]!.signatureId;
        const tickets = new TicketService({
          store,
          projections,
          clock,
          newId: ulid,
          defaultRules: [],
          settled: () => loupe.settled(),
        });
        const sync = await SyncService.start({
          store,
          clock,
          newId: ulid,
          random: () => 0.5,
          tickets,
          issues: {
            facts: () => undefined,
            issueOfSignature: () => undefined,
            currentVersions: () => [],
          },
          customers: () => [],
          settled: () => loupe.settled(),
          zendesk: new ZendeskAdapter({
            url: fake.url,
            email: "agent@example.test",
            apiToken: "zendesk-token",
          }),
          config: {
            publicUrl: "http://loupe.test",
            jiraReopenStatus: null,
            autoLinkMinScore: 2, // never: links come from the ops
            autoLinkMargin: 0,
            inbound: { ...DEFAULT_INBOUND_CONFIG, historySince: Date.now() - 1000 },
            outbox: { baseDelayMs: 5, maxDelayMs: 20 },
          },
        });
        try {
          const jo = fake.addUser("jo@acme.example");
          const remote = fake.createTicket({
            subject: "Pay fails",
            body: "It fails",
            requesterId: jo,
          });
          const ticketId = `zendesk-${remote.id}`;
          let linked = false;
          for (const step of ops) {
            switch (step.kind) {
              case "comment":
                fake.addComment(remote.id, step.text, step.isPublic, jo);
                break;
              case "status":
                fake.setStatus(remote.id, step.status);
                break;
              case "webhook":
                for (let i = 0; i < step.copies; i++) {
                  await sync.zendeskTicketChanged(String(remote.id));
                }
                break;
              case "catchUp":
                await sync.catchUp();
                break;
              case "link":
                if ((await store.streamVersion(`ticket-${ticketId}`)) === 0) break;
                if ((await tickets.ticket(ticketId)).ticket.status === "closed") break;
                await tickets.link(ticketId, { signatureIds: [signatureId] });
                linked = true;
                break;
            }
          }
          await sync.zendeskTicketChanged(String(remote.id));
          await sync.idle();
          await sync.zendeskTicketChanged(String(remote.id));
          await sync.idle();

          const { ticket } = await tickets.ticket(ticketId);
          const remoteComments = fake.comments.get(remote.id)!.slice(1);
          const fromCustomerSide = remoteComments.filter((c) => !isLoupeNote(c.body));
          assert.deepEqual(
            ticket.comments.map((c) => [c.body, c.visibility]),
            fromCustomerSide.map((c) => [c.body, c.public ? "public" : "internal"]),
          );
          assert.equal(
            ticket.status,
            DEFAULT_ZENDESK_STATUS_MAP[fake.tickets.get(remote.id)!.status],
          );
          const loupeNotes = remoteComments.filter((c) => isLoupeNote(c.body));
          assert.equal(loupeNotes.length, linked ? 1 : 0);
          assert.ok(loupeNotes.every((c) => !c.public));
          assert.ok(sync.outbox.list().every((d) => d.origin === "loupe"));
          assert.equal(sync.outbox.list("failed").length, 0);
        } finally {
          sync.stop();
        }
      }),
      { numRuns: 25 },
    );
  } finally {
    await fake.close();
  }
});
