import assert from "node:assert/strict";
import { draftFrom, judgeCandidate, type ResolvedCase, sameCause, splitSteps } from "./drafts.ts";

const resolved = (ticketId: string, rootCause: string, solution: string): ResolvedCase => ({
  ticketId,
  subject: "Exports are cut off",
  description: "The exported file misses rows",
  rootCause,
  solution,
  hours: 2,
  escalations: 0,
  engineeringTicket: false,
});

Deno.test("drafts: how-to answers linked to the issue by mistake stay out of its draft", () => {
  const howTo = (id: string) =>
    resolved(
      id,
      "Question about how to use the product",
      "Explained the steps and linked the docs",
    );
  const story = (id: string) =>
    resolved(
      id,
      "The spreadsheet writer stops every export at 65535 rows",
      "Upgrade to 5.7.1, which streams exports. Workaround until then: export by month",
    );
  // More how-to tickets than tickets of the problem: the log text says which story is the issue's.
  const cases = [howTo("t1"), story("t2"), howTo("t3"), story("t4"), howTo("t5"), howTo("t6")];
  const draft = draftFrom(cases, "CSV export <*> truncated at <*> rows by the spreadsheet writer");
  assert.equal(draft.cause, "The spreadsheet writer stops every export at 65535 rows");
  assert.deepEqual(draft.steps, ["Upgrade to 5.7.1", "Export by month"]);
  // Without the text, the most common story wins.
  assert.equal(draftFrom(cases).cause, "Question about how to use the product");
});

Deno.test("steps: sentences, labels and 'then' split; a 'which' clause explains and is left out", () => {
  assert.deepEqual(
    splitSteps(
      "1. Open Settings > About\n2. Upgrade to 5.6.1, which reads old dates. Then re-run it",
    ),
    ["Open Settings > About", "Upgrade to 5.6.1", "Re-run it"],
  );
  assert.deepEqual(splitSteps("Note: keep a backup; restart the worker"), [
    "Keep a backup",
    "Restart the worker",
  ]);
});

Deno.test("steps: who did a step is not part of it", () => {
  assert.deepEqual(
    splitSteps(
      "Asked the customer to clear the cache. We restarted the worker; customer re-ran the import",
    ),
    ["Clear the cache", "Restarted the worker", "Re-run the import"],
  );
});

Deno.test("drafts: one fix worded many ways and stated in part gives every step, as instructions", () => {
  const cases = [
    resolved(
      "t1",
      "Known issue: the writer stops at 65535 rows",
      "1. Check the export log\n2. Upgraded to 5.7.1",
    ),
    resolved(
      "t2",
      "The writer stops at 65535 rows (known issue)",
      "Customer upgraded to 5.7.1, then re-ran the export",
    ),
    resolved(
      "t3",
      "Regression in 5.6.0: exports go through a legacy writer",
      "Check the export log. Re-run the export.",
    ),
    resolved("t4", "the writer stops at 65535 rows", "Asked them to check the export log"),
    // Another problem linked to the same issue by mistake shares no step and no cause.
    resolved(
      "t5",
      "Question about how to use the product",
      "Explained the steps and linked the docs",
    ),
  ];
  const draft = draftFrom(cases);
  assert.deepEqual(draft.steps, ["Check the export log", "Upgraded to 5.7.1", "Re-run the export"]);
  assert.equal(draft.cause, "The writer stops at 65535 rows");
});

Deno.test("candidates: resolutions are alike as fixes, whatever their wording", () => {
  const verdict = judgeCandidate([
    resolved("t1", "", "Cleared the browser cache"),
    resolved("t2", "", "Asked the customer to clear the browser cache"),
    resolved("t3", "", "1. Clear the browser cache"),
  ]);
  assert.equal(verdict.consistency, 1);
  assert.equal(verdict.selfService, true);
});

Deno.test("drafts: the cause agents state outweighs an analysis pasted on more tickets, which stays beside it", () => {
  const analysis =
    "RCA from ENG-2291: the mobile gateway caches the JWKS document for 24 hours and ignores key rotation, so tokens signed with the new key fail validation until the cache entry expires";
  const fix =
    "Restart the mobile gateway to drop its key cache; then ask the users to sign in again";
  const cases = [
    resolved("t1", analysis, fix),
    resolved(
      "t2",
      "Mobile sign-in fails for a day after the identity provider rotates its signing key",
      fix,
    ),
    resolved("t3", analysis, fix),
    resolved("t4", analysis, fix),
    resolved(
      "t5",
      "Known issue: mobile sign-in fails for a day after the identity provider rotates its signing key",
      fix,
    ),
    resolved("t6", "The mobile app cannot sign in after the IdP rotated its signing key", fix),
  ];
  const draft = draftFrom(cases);
  assert.equal(
    draft.cause,
    "Mobile sign-in fails for a day after the identity provider rotates its signing key",
  );
  assert.deepEqual(draft.otherCauses, [{ text: analysis, tickets: 3 }]);
});

Deno.test("drafts: a cause one ticket alone gives, like no other, does not outweigh what the rest record", () => {
  const analysis =
    "Defect in the invoice renderer since 4.2: line items whose description holds a right-to-left mark are measured before shaping, so the column width overflows, the PDF writer throws and the batch stops at that invoice";
  const fix = "Remove the mark from the item description, then re-run the invoice batch";
  const draft = draftFrom([
    resolved("t1", analysis, fix),
    resolved("t2", analysis, fix),
    resolved("t3", "Customer's proxy blocked the download", fix),
    resolved("t4", analysis, fix),
  ]);
  assert.equal(draft.cause, analysis);
  assert.deepEqual(draft.otherCauses, []);
});

Deno.test("drafts: an analysis pasted word for word on most tickets is one account; the cause is stated as an agent sums it up", () => {
  // Short enough (ten stems) that no discount for length tells the two apart.
  const analysis =
    "Defect since 3.2: thumbnails of CMYK uploads skip the colour profile conversion";
  const fix = "Convert the image to RGB; then upload it again";
  const draft = draftFrom([
    resolved("t1", analysis, fix),
    resolved("t2", analysis, fix),
    resolved("t3", "3.2 shows CMYK thumbnails with inverted colours", fix),
    resolved("t4", analysis, fix),
    resolved("t5", analysis, fix),
  ]);
  assert.equal(draft.cause, "3.2 shows CMYK thumbnails with inverted colours");
  // The analysis stays in view of the person who edits the draft.
  assert.deepEqual(draft.otherCauses, [{ text: analysis, tickets: 4 }]);
});

Deno.test("drafts: which cause is decided by tickets; wordings of another cause do not outvote it", () => {
  const fix = "Renew the certificate, then restart the relay";
  const draft = draftFrom([
    resolved("t1", "The relay's TLS certificate expired", fix),
    resolved("t2", "The relay's TLS certificate expired", fix),
    resolved("t3", "The relay's TLS certificate expired", fix),
    resolved("t4", "Mail quota of the tenant was exceeded", fix),
    resolved("t5", "Tenant exceeded its mail quota", fix),
  ]);
  assert.equal(draft.cause, "The relay's TLS certificate expired");
  assert.deepEqual(draft.otherCauses, [{
    text: "Mail quota of the tenant was exceeded",
    tickets: 2,
  }]);
});

Deno.test("drafts: an agent's summary of the cause on a ticket that states one step of the fix belongs to the story", () => {
  const analysis =
    "Defect since 3.2: thumbnails of CMYK uploads skip the colour profile conversion";
  const fix = "Convert the image to RGB; upload it again; clear the thumbnail cache";
  const draft = draftFrom([
    resolved("t1", analysis, fix),
    resolved("t2", analysis, fix),
    resolved("t3", analysis, fix),
    // Few words in common with the analysis, and one step of the fix: still its story.
    resolved(
      "t4",
      "Known issue: 3.2 shows CMYK thumbnails with inverted colours",
      "Cleared the thumbnail cache",
    ),
  ]);
  assert.equal(draft.cause, "3.2 shows CMYK thumbnails with inverted colours");
});

Deno.test("drafts: an agent's summary naming the fixed release and engineering's analysis naming the broken one state one cause", () => {
  const analysis =
    "Defect since 5.6.0: exports went through a spreadsheet writer limited to 65535 rows";
  const summary = "Versions before 5.7.1 write CSV exports with a row limit";
  const fix = "Upgrade to 5.7.1; until then split the export by date range";
  const cases = [
    resolved("t1", analysis, fix),
    resolved("t2", analysis, fix),
    resolved("t3", summary, fix),
  ];
  // One cause on three tickets, stated as the agent summed it up; the analysis stays beside it.
  const draft = draftFrom(cases);
  assert.equal(draft.cause, summary);
  assert.deepEqual(draft.otherCauses, [{ text: analysis, tickets: 2 }]);
});

Deno.test("drafts: values of one kind link statements only through their words", () => {
  // Redacted addresses, ids and counts differ from ticket to ticket; the cause does not.
  assert.equal(
    sameCause(
      "Mail to <email:7f3a9c> bounced: the relay rejects senders over 50 recipients (job a1b2c3d4)",
      "The relay rejects <email:0c1d2e> as a sender over 200 recipients, mail bounced",
    ),
    true,
  );
  // The same release in two statements says nothing of what went wrong in it.
  assert.equal(
    sameCause(
      "Regression in 5.7.0: reports with more than twelve columns overflow the PDF layout table",
      "Regression in 5.7.0: the search parser does not escape hyphens",
    ),
    false,
  );
  // A code name is its words: written whole or in part, it is the same term.
  assert.equal(
    sameCause(
      "OrderService.applyPromo returns null for expired promotions",
      "applyPromo gives null once a promotion expired",
    ),
    true,
  );
});
