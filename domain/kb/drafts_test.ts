import assert from "node:assert/strict";
import { draftFrom, type ResolvedCase, splitSteps } from "./drafts.ts";

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
