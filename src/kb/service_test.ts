import assert from "node:assert/strict";
import { emptyContent } from "../../domain/kb/mod.ts";
import type { ImportedArticle } from "../../ports/kb.ts";
import { HOUR, spread, T0, ticketHarness } from "../tickets/harness_test.ts";
import { kbService } from "./mod.ts";

function article(
  articleId: string,
  title: string,
  extra: Partial<ImportedArticle["content"]> = {},
) {
  return {
    articleId,
    status: "published" as const,
    content: { ...emptyContent(), title, ...extra },
  };
}

async function setup() {
  const h = await ticketHarness();
  await h.ingest(
    spread(60, T0 + 40 * HOUR, T0 + 43 * HOUR, (i) => ({
      message: `PaymentGatewayException: upstream timeout after ${3000 + i} ms`,
      level: "ERROR",
    })),
    { customer: "acme", environment: "prod", service: "checkout" },
  );
  h.at(T0 + 43 * HOUR);
  const kb = kbService(h.loupe, h.store, h.projections, h.tickets, { now: () => T0 + 43 * HOUR });
  await kb.importArticles([
    article("words", "Checkout broken: payment fails for customers", {
      symptom: "checkout payment fails",
    }),
    article("root", "Gateway timeouts", { cause: "the payment provider is slow" }),
    article("runbook", "Spinner never stops on the orders page", { steps: ["Purge the CDN"] }),
  ]);
  return { h, kb };
}

const OPEN = {
  customer: "acme",
  environment: "prod",
  subject: "Checkout broken",
  description: "Payment fails for our customers since this afternoon",
  severity: "high" as const,
  reporter: "ann@acme.test",
};

Deno.test("ticket suggestions: the article linked to the ticket's root issue ranks first, with why", async () => {
  const { h, kb } = await setup();
  const { ticketId } = await h.tickets.openTicket(OPEN);
  const before = await kb.suggestForTicket(ticketId, 3);
  assert.equal(before.items[0]?.articleId, "words", "text alone prefers the wordier article");

  const [candidate] = (await h.tickets.candidates(ticketId, 1)).candidates;
  await h.tickets.link(ticketId, { signatureIds: [candidate!.signatureId] });
  // An agent tells Loupe that article "root" is about this issue.
  await kb.recordFeedback(ticketId, "root", "resolved");

  const { ticketId: next } = await h.tickets.openTicket({ ...OPEN, subject: "Payments down" });
  await h.tickets.link(next, { signatureIds: [candidate!.signatureId] });
  const after = await kb.suggestForTicket(next, 3);
  assert.equal(after.items[0]?.articleId, "root");
  const reasons = after.items[0]!.reasons;
  assert.ok(
    reasons.some((r) => r.kind === "linked_issue" && r.signatureId === candidate!.signatureId),
  );
  const detail = kb.article("root");
  assert.deepEqual(detail.signatures, [candidate!.signatureId]);
  assert.deepEqual(detail.tickets.map((t) => [t.ticketId, t.kind]), [[ticketId, "resolved"]]);
  assert.equal(detail.resolved, 1);
});

Deno.test("feedback: a ticket's words teach the article, so the next similar ticket finds it higher", async () => {
  const { h, kb } = await setup();
  const first = await h.tickets.openTicket({
    ...OPEN,
    customer: "globex",
    subject: "Orders list keeps loading",
    description: "The orders list keeps loading forever, nothing appears",
  });
  const rankOf = async (ticketId: string) =>
    (await kb.suggestForTicket(ticketId, 3)).items.findIndex((s) => s.articleId === "runbook");
  assert.equal(await rankOf(first.ticketId), 0, "only 'orders' matches at first");
  const second = await h.tickets.openTicket({
    ...OPEN,
    customer: "globex",
    subject: "Checkout list keeps loading",
    description: "Checkout keeps loading forever, nothing appears, payment never shows",
  });
  assert.notEqual(await rankOf(second.ticketId), 0);
  const scoreBefore = (await kb.suggestForTicket(second.ticketId, 3)).items
    .find((s) => s.articleId === "runbook")?.score ?? 0;
  await kb.recordFeedback(first.ticketId, "runbook", "helpful");
  const after = (await kb.suggestForTicket(second.ticketId, 3)).items;
  const runbook = after.find((s) => s.articleId === "runbook");
  assert.ok(runbook !== undefined && runbook.score > scoreBefore, JSON.stringify(after));
  assert.ok(runbook.reasons.some((r) => r.kind === "feedback" && r.helpful === 1));
  const text = runbook.reasons.find((r) => r.kind === "text");
  assert.ok(text?.kind === "text" && text.terms.includes("load"), "found by the words it learned");
});

Deno.test("feedback: the first ticket an article answers does not cost the next one with the same words its article", async () => {
  const { h, kb } = await setup();
  const ask = (subject: string, description: string) =>
    h.tickets.openTicket({ ...OPEN, customer: "globex", subject, description });
  const first = await ask("Spinner on the orders page", "The orders page spinner never stops");
  const top = async (ticketId: string) => (await kb.suggestForTicket(ticketId, 3)).items[0];
  assert.equal((await top(first.ticketId))?.articleId, "runbook");
  await kb.recordFeedback(first.ticketId, "runbook", "resolved");
  // One ticket is no evidence of which words every question uses.
  const next = await ask(
    "Spinner again",
    "The spinner never stops since the checkout this morning",
  );
  const best = await top(next.ticketId);
  assert.equal(best?.articleId, "runbook", JSON.stringify(best));
});

Deno.test("issue suggestions: the article linked to the signature, for a signature or issue id", async () => {
  const { h, kb } = await setup();
  const { ticketId } = await h.tickets.openTicket(OPEN);
  const [candidate] = (await h.tickets.candidates(ticketId, 1)).candidates;
  await h.tickets.link(ticketId, { signatureIds: [candidate!.signatureId] });
  await kb.recordFeedback(ticketId, "root", "helpful");
  const list = kb.suggestForIssue(candidate!.signatureId, 3);
  assert.equal(list.items[0]?.articleId, "root");
  assert.throws(() => kb.suggestForIssue("nope", 3), /Cannot find issue/);
});

Deno.test("rebuild: replaying the log gives the same index and the same suggestions", async () => {
  const { h, kb } = await setup();
  const { ticketId } = await h.tickets.openTicket(OPEN);
  await kb.recordFeedback(ticketId, "runbook", "helpful");
  const before = await kb.suggestForTicket(ticketId, 3);
  const articlesBefore = kb.articles();
  await h.loupe.rebuild();
  await h.settled();
  const fresh = kbService(h.loupe, h.store, h.projections, h.tickets, { now: () => 0 });
  assert.deepEqual(fresh.articles(), articlesBefore);
  assert.deepEqual(await fresh.suggestForTicket(ticketId, 3), before);
});

Deno.test("candidates and drafts: a recurring issue with consistent resolutions and no article", async () => {
  const { h, kb } = await setup();
  const solutions = [
    "Cleared the payment provider cache. Then retried the failed orders",
    "Cleared the payment provider cache; retried the failed orders",
    "Checked the provider status page. Cleared the payment provider cache. Retried failed orders",
  ];
  let signatureId = "";
  const ticketIds: string[] = [];
  for (const [i, solution] of solutions.entries()) {
    const { ticketId } = await h.tickets.openTicket({
      ...OPEN,
      subject: ["Payments time out", "Payments time out at checkout", "Checkout slow"][i]!,
    });
    ticketIds.push(ticketId);
    signatureId ||= (await h.tickets.candidates(ticketId, 1)).candidates[0]!.signatureId;
    await h.tickets.link(ticketId, { signatureIds: [signatureId] });
    await h.tickets.resolve(ticketId, {
      rootCause: "The payment provider cache held stale tokens",
      solution,
      resolver: "bob",
    });
  }
  const [candidate] = kb.articleCandidates(10);
  assert.deepEqual(candidate?.tickets, ticketIds);
  assert.equal(candidate?.selfService, true, candidate?.reasons.join("; "));
  assert.ok(candidate!.reasons.some((r) => r.startsWith("self-service")));

  const draft = await kb.draftForIssue(candidate!.issueId);
  assert.equal(draft.status, "draft");
  assert.equal(draft.content.title, "Payments time out at checkout");
  assert.equal(draft.content.cause, "The payment provider cache held stale tokens");
  // A step one ticket of three states is kept (agents write down some of what they did),
  // in the order the tickets that state it with others do it.
  assert.deepEqual(draft.content.steps, [
    "Checked the provider status page",
    "Cleared the payment provider cache",
    "Retried the failed orders",
  ]);
  assert.deepEqual(draft.content.sourceTickets, ticketIds);
  assert.ok(draft.content.signatures.includes(signatureId));
  // Once the draft exists the issue has an article: no longer a candidate,
  // though its verdict can still be asked for.
  assert.deepEqual(kb.articleCandidates(10), []);
  assert.equal(kb.candidateForIssue(candidate!.issueId)?.selfService, true);
});

Deno.test("candidates: a ticket escalated to engineering makes its issue no self-service candidate", async () => {
  const { h, kb } = await setup();
  let signatureId = "";
  for (const escalate of [false, true, false]) {
    const { ticketId } = await h.tickets.openTicket(OPEN);
    signatureId ||= (await h.tickets.candidates(ticketId, 1)).candidates[0]!.signatureId;
    await h.tickets.link(ticketId, { signatureIds: [signatureId] });
    if (escalate) await h.tickets.updateTicket(ticketId, { status: "escalated" });
    await h.tickets.resolve(ticketId, {
      rootCause: "The payment provider cache held stale tokens",
      solution: "Cleared the payment provider cache; retried the failed orders",
      resolver: "bob",
    });
  }
  const verdict = kb.candidateForIssue(signatureId);
  assert.equal(verdict?.selfService, false);
  assert.ok(
    verdict!.reasons.includes("not self-service: 1 ticket(s) escalated"),
    verdict!.reasons.join("; "),
  );
  assert.equal(kb.candidateForIssue("no-such-issue"), null);
});

Deno.test("drafts: the cause agents agree on is stated, the analysis pasted on others kept in the body", async () => {
  const { h, kb } = await setup();
  const analysis =
    "Engineering (PAY-812): the token refresher reuses the provider's cached OAuth token after it was revoked on their side, so every capture is rejected until the process restarts";
  const causes = [
    analysis,
    "The payment provider cache held a revoked token",
    analysis,
    "Known issue: the payment provider cache held a revoked token",
  ];
  let signatureId = "";
  for (const rootCause of causes) {
    const { ticketId } = await h.tickets.openTicket(OPEN);
    signatureId ||= (await h.tickets.candidates(ticketId, 1)).candidates[0]!.signatureId;
    await h.tickets.link(ticketId, { signatureIds: [signatureId] });
    await h.tickets.resolve(ticketId, {
      rootCause,
      solution: "Cleared the payment provider cache; retried the failed orders",
      resolver: "bob",
    });
  }
  const [candidate] = kb.articleCandidates(10);
  const draft = await kb.draftForIssue(candidate!.issueId);
  assert.equal(draft.content.cause, "The payment provider cache held a revoked token");
  assert.equal(draft.content.body, `Also recorded as the root cause (2 tickets): ${analysis}`);
});

Deno.test("gap report: tickets no article answers, grouped by topic with counts and examples", async () => {
  const { h, kb } = await setup();
  for (const subject of ["Invoice PDF is blank", "Blank invoice PDF", "Invoice PDF empty"]) {
    await h.tickets.openTicket({ ...OPEN, subject, description: `${subject} when downloaded` });
  }
  await h.tickets.openTicket(OPEN);
  const report = kb.gapReport(30, 10);
  assert.equal(report.tickets, 4);
  assert.equal(report.unanswered, 3, "the checkout ticket has an article");
  assert.equal(report.topics[0]?.count, 3);
  assert.ok(report.topics[0]!.terms.includes("invoic"));
  assert.equal(report.topics[0]!.examples.length, 3);
});

Deno.test("gap report: a ticket is answered by what was found and done, or by an article that helped it", async () => {
  const { h, kb } = await setup();
  const open = async (subject: string) =>
    (await h.tickets.openTicket({ ...OPEN, subject, description: `${subject} since Monday` }))
      .ticketId;
  // The customer's words meet no article; the resolution's do (the "runbook" article).
  const resolved = await open("Nothing shows up");
  await h.tickets.resolve(resolved, {
    rootCause: "The spinner never stops on the orders page: the CDN served a stale copy",
    solution: "Purge the CDN",
    resolver: "bob",
  });
  // An article marked helpful learns the ticket's words.
  const helped = await open("Something odd with the dashboard widgets");
  await kb.recordFeedback(helped, "runbook", "helpful");
  const refused = await open("Quarterly statements export");
  await kb.recordFeedback(refused, "runbook", "not_helpful");
  const report = kb.gapReport(30, 10);
  assert.equal(report.tickets, 3);
  assert.equal(report.unanswered, 1);
  assert.deepEqual(report.topics.flatMap((t) => t.examples.map((e) => e.ticketId)), [refused]);
});

Deno.test("feedback: an article many greeting tickets taught does not outrank the one whose tickets share the problem", async () => {
  const { h, kb } = await setup();
  await kb.importArticles([article("invoice", "Invoice layout settings")]);
  const polite = (body: string) =>
    `Hello team, hope you are well. ${body} Please have a look, thanks in advance. Kind regards`;
  // The environment logs gateway timeouts all along: every ticket has them as a candidate.
  const open = async (subject: string, body: string) =>
    (await h.tickets.openTicket({ ...OPEN, subject, description: polite(body) })).ticketId;
  for (let i = 0; i < 6; i++) {
    const ticketId = await open("Orders page spinning", "The orders page keeps spinning forever.");
    const [candidate] = (await h.tickets.candidates(ticketId, 1)).candidates;
    await h.tickets.link(ticketId, { signatureIds: [candidate!.signatureId] });
    await kb.recordFeedback(ticketId, "runbook", "resolved");
  }
  await kb.recordFeedback(
    await open("VAT line missing", "The VAT line is missing on the invoice PDF."),
    "invoice",
    "resolved",
  );
  const ticketId = await open("Question", "Our VAT is wrong.");
  const items = (await kb.suggestForTicket(ticketId, 3)).items;
  assert.equal(items[0]?.articleId, "invoice", JSON.stringify(items));
});

Deno.test("ticket suggestions: words most tickets use count less than the words that name the problem", async () => {
  const { h, kb } = await setup();
  await kb.importArticles([
    article("everyday", "Orders slow down week after week, every time"),
    article("webhook", "Webhook calls missing"),
  ]);
  const open = async (subject: string, description: string) =>
    (await h.tickets.openTicket({ ...OPEN, customer: "globex", subject, description }))
      .ticketId;
  // A shop's tickets all speak of orders, weeks and times, whatever their problem.
  for (const problem of ["prices look wrong", "a refund is stuck", "the logo is blurry"]) {
    await open("Question", `Every time we look at an order this week, ${problem}.`);
  }
  const ticketId = await open(
    "Order sync",
    "Since last week, every time an order is placed, our webhook gets no call.",
  );
  const items = (await kb.suggestForTicket(ticketId, 3)).items;
  assert.equal(items[0]?.articleId, "webhook", JSON.stringify(items));
});
