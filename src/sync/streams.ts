/**
 * The sync's own streams: what Loupe knows about the remotes, kept apart
 * from the ticket aggregate so ticket rules stay as they are.
 */

/** Where the Zendesk export was read up to. */
export const ZENDESK_CURSOR_STREAM = "integration-zendesk-cursor";
/** Every delivery's life: queued, attempted, delivered, dead-lettered, retried. */
export const OUTBOX_STREAM = "integration-outbox";

/** What Loupe learnt from one Zendesk ticket: the mapping and its flags. */
export function zendeskTicketStream(remoteId: string): string {
  return `integration-zendesk-${remoteId}`;
}

/** One Loupe issue's links to Jira and what came back (fixed, reopened). */
export function issueSyncStream(issueId: string): string {
  return `integration-issue-${issueId}`;
}

/** The Loupe ticket that mirrors a Zendesk ticket: one per remote id, so a crash cannot make two. */
export function zendeskTicketId(remoteId: string): string {
  return `zendesk-${remoteId}`;
}
