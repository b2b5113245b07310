import type { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { TicketApi } from "../../ports/tickets.ts";
import type { IssueFacts } from "../../src/sync/issue_facts.ts";
import { SyncService } from "../../src/sync/service.ts";
import { DEFAULT_INBOUND_CONFIG } from "../../src/sync/zendesk_inbound.ts";

/**
 * The ticketing sync over `store` with one issue, `i1`, whose facts are
 * `facts()` when asked; no tickets, no customers, no remote systems.
 */
export function startSyncOf(
  store: MemoryEventStore,
  options: {
    readonly now: number;
    readonly facts: () => IssueFacts;
    readonly currentVersions?: { environment: string; version: string; lastSeen: number }[];
  },
): Promise<SyncService> {
  return SyncService.start({
    store,
    clock: { now: () => options.now },
    newId: () => crypto.randomUUID(),
    random: () => 0.5,
    tickets: {
      signatureTickets: () => Promise.reject(new LoupeError("not_found", "no tickets")),
    } as unknown as TicketApi,
    issues: {
      facts: (issueId) => issueId === "i1" ? options.facts() : undefined,
      issueOfSignature: () => "i1",
      currentVersions: () => options.currentVersions ?? [],
    },
    customers: () => [],
    settled: () => Promise.resolve(),
    config: {
      publicUrl: "http://loupe.test",
      jiraReopenStatus: null,
      autoLinkMinScore: 2,
      autoLinkMargin: 0,
      inbound: DEFAULT_INBOUND_CONFIG,
    },
  });
}
