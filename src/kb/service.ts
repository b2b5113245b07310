import {
  type Article,
  type ArticleCommand,
  type ArticleContent,
  type ArticleEvent,
  type ArticleFeedbackRecorded,
  ArticleRuleViolation,
  type ArticleState,
  articleStream,
  closestWord,
  decide,
  discountByTickets,
  draftFrom,
  emptyContent,
  evolve,
  type FeedbackKind,
  feedbackStream,
  gapTopics,
  highlight,
  type IssueEvidence,
  judgeCandidate,
  type ResolvedCase,
  stems,
  suggestArticles,
  SUGGESTION_WEIGHTS,
  type SuggestionWeights,
} from "../../domain/kb/mod.ts";
import { redactArticleCommand, type Redactor } from "../../domain/redaction/mod.ts";
import type { Ticket } from "../../domain/tickets/mod.ts";
import { compareVersions } from "../../domain/trends/versions.ts";
import type { Clock, NewId } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import { ConcurrencyError, type EventStore } from "../../ports/event_store.ts";
import type {
  ArticleCandidateView,
  ArticleDetail,
  ArticleUse,
  GapReport,
  ImportedArticle,
  ImportReport,
  KbApi,
  KbWriteOptions,
  SearchHit,
  SearchPage,
  SearchQuery,
  SuggestionList,
} from "../../ports/kb.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import type { CandidateList, TicketDetail } from "../../ports/tickets.ts";
import type { Attribution } from "../customers/attribution.ts";
import { originKey } from "../customers/attribution.ts";
import { ENVIRONMENT_TABLES, type EnvTally } from "../projections/environment_logs.ts";
import { ticketOrigins } from "../tickets/correlate.ts";
import { TICKET_TABLES } from "../projections/tickets.ts";
import { buildKbIndex, type KbIndex } from "./index.ts";
import { ticketsUsing, ticketsWithWords } from "./ticket_words.ts";
import type { IssueLinks } from "./issue_links.ts";
import { KB_TABLES, kbRevision } from "./projection.ts";
import { DAY_MS } from "../../domain/time.ts";

/** What the knowledge base needs of tickets: TicketService gives both. */
export interface TicketFacts {
  ticket(ticketId: string): Promise<TicketDetail>;
  candidates(ticketId: string, limit: number): Promise<CandidateList>;
}

export interface KbServiceDeps {
  readonly store: EventStore;
  readonly projections: ProjectionStore;
  readonly clock: Clock;
  readonly newId: NewId;
  readonly settled: () => Promise<void>;
  /** Absent where only articles are handled (replay's import): ticket suggestions refuse. */
  readonly tickets?: TicketFacts;
  readonly issues: IssueLinks;
  readonly attribution: Attribution;
  /** How suggestions weigh their evidence; the default weights unless given. */
  readonly weights?: SuggestionWeights;
  /** When given, every article text is redacted (with the global rules) before it is stored. */
  readonly redactor?: Redactor;
}

/** Log candidates weighed for a ticket's suggestions. */
const CANDIDATES_USED = 5;
/** Articles weighed per log template by its words. */
const LOG_TEXT_POOL = 10;
/** Unknown query words corrected per search. */
const MAX_CORRECTIONS = 5;
/** Articles weighed per suggestion by their text: the best matches. */
const SUGGEST_POOL = 50;
/** A ticket is answered when an article holds this share of its words' weight (idf). */
const ANSWERED_COVERAGE = 0.34;
/** Articles looked at for a ticket's coverage: the best few by score. */
const COVERAGE_HITS = 5;
const ENGINEERING_TRACKERS = /jira|github|gitlab|linear|azure|youtrack/i;
const RETRIES = 3;

/** Articles imported at once: one commit for the group, not one per article. */
const ARTICLES_PER_GROUP = 50;

/** Articles, search, suggestions and feedback over the event log. */
export class KbService implements KbApi {
  readonly #deps: KbServiceDeps;
  #index: KbIndex | undefined;

  /** Drops what it keeps between queries: the views were rebuilt (data erased). */
  forgetCaches(): void {
    this.#index = undefined;
  }

  constructor(deps: KbServiceDeps) {
    this.#deps = deps;
  }

  /** The search index of the current revision, rebuilt only when an article or feedback changed. */
  index(): KbIndex {
    const revision = kbRevision(this.#deps.projections);
    if (this.#index?.revision !== revision) {
      this.#index = buildKbIndex(this.#deps.projections, revision, this.#index);
    }
    return this.#index;
  }

  async importArticles(
    articles: readonly ImportedArticle[],
    options: KbWriteOptions = {},
  ): Promise<ImportReport> {
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    const seen = new Set<string>();
    for (const item of articles) {
      if (seen.has(item.articleId)) {
        throw new LoupeError(
          "validation_failed",
          `Cannot import: article ${item.articleId} appears twice`,
          { article_id: item.articleId },
        );
      }
      seen.add(item.articleId);
    }
    // Articles are separate streams: a group is appended at once, which lmdb-js
    // gathers into one commit, and the thread is free while it is written.
    for (let from = 0; from < articles.length; from += ARTICLES_PER_GROUP) {
      const outcomes = await Promise.all(
        articles.slice(from, from + ARTICLES_PER_GROUP).map(async (item) => {
          const before = await this.#load(item.articleId);
          const after = await this.#handle(
            item.articleId,
            [{
              type: "ImportArticle",
              articleId: item.articleId,
              content: item.content,
              status: item.status,
            }],
            { by: options.by ?? null },
            false,
          );
          return before === null
            ? "created"
            : after.version === before.version
            ? "unchanged"
            : "updated";
        }),
      );
      for (const outcome of outcomes) {
        if (outcome === "created") created++;
        else if (outcome === "unchanged") unchanged++;
        else updated++;
      }
    }
    await this.#deps.settled();
    return { created, updated, unchanged, articleIds: articles.map((a) => a.articleId) };
  }

  async draftArticle(content: ArticleContent, options: KbWriteOptions = {}): Promise<Article> {
    const articleId = this.#deps.newId();
    return await this.#handle(articleId, [{ type: "DraftArticle", articleId, content }], options);
  }

  async editArticle(
    articleId: string,
    content: ArticleContent,
    options: KbWriteOptions = {},
  ): Promise<Article> {
    return await this.#handle(articleId, [{ type: "EditArticle", content }], options);
  }

  async publishArticle(articleId: string, options: KbWriteOptions = {}): Promise<Article> {
    return await this.#handle(articleId, [{ type: "PublishArticle" }], options);
  }

  async retireArticle(
    articleId: string,
    reason: string | null,
    options: KbWriteOptions = {},
  ): Promise<Article> {
    return await this.#handle(articleId, [{ type: "RetireArticle", reason }], options);
  }

  article(articleId: string): ArticleDetail {
    const index = this.index();
    const at = index.position.get(articleId);
    if (at === undefined) throw notFound(articleId);
    const facts = index.facts[at]!;
    const tickets: ArticleUse[] = [];
    let resolved = 0;
    for (
      const { value } of this.#deps.projections.range<
        { ticketId: string; kind: FeedbackKind; at: number }
      >(KB_TABLES.feedback, { prefix: [articleId] })
    ) {
      tickets.push({ ticketId: value.ticketId, kind: value.kind, at: value.at });
      if (value.kind === "resolved") resolved++;
    }
    return {
      article: index.articles[at]!,
      issues: facts.issues,
      signatures: facts.signatures,
      tickets,
      helpful: facts.helpful,
      notHelpful: facts.notHelpful,
      resolved,
    };
  }

  articles(): readonly Article[] {
    return this.index().articles;
  }

  search(query: SearchQuery): SearchPage {
    const index = this.index();
    const { text, corrections } = this.#corrected(index, query.q);
    const wanted = new Set(stems(text));
    const status = query.status ?? "published";
    const keep = (doc: number) => {
      const article = index.articles[doc]!;
      const c = article.content;
      if (status !== "any" && article.status !== status) return false;
      if (query.tag !== undefined && !c.tags.includes(query.tag)) return false;
      if (query.service !== undefined && !c.appliesTo.services.includes(query.service)) {
        return false;
      }
      if (query.version !== undefined) {
        const versions = c.appliesTo.versions;
        if (versions.length > 0 && !versions.includes(query.version)) return false;
        // Past the fix the article no longer applies.
        if (c.fixedIn !== null && compareVersions(query.version, c.fixedIn) >= 0) return false;
      }
      return true;
    };
    const { total, hits } = index.ranker.index.page(
      index.ranker.query(text),
      query.offset,
      query.limit,
      keep,
    );
    const items: SearchHit[] = hits.map((hit) => {
      const article = index.articles[hit.doc]!;
      const c = article.content;
      const highlights: Record<string, string> = {};
      const fields: [string, string][] = [
        ["title", c.title],
        ["symptom", c.symptom],
        ["cause", c.cause],
        ["steps", c.steps.join("\n")],
        ["body", c.body],
      ];
      // A field whose analysed terms hold no query term has nothing to mark:
      // it is not read again.
      const analyzed = index.analyzed.get(`${article.articleId}@${article.version}`)?.fields;
      for (const [name, value] of fields) {
        const terms = analyzed?.[name];
        if (terms !== undefined && !terms.some((t) => wanted.has(t))) continue;
        const passage = highlight(value, wanted);
        if (passage !== null) highlights[name] = passage;
      }
      return {
        articleId: article.articleId,
        title: c.title,
        status: article.status,
        score: Math.round(hit.score * 10_000) / 10_000,
        highlights,
        corrections,
      };
    });
    return { total, items };
  }

  /** Longer query words the index does not know, replaced by the closest word it does. */
  #corrected(index: KbIndex, q: string): { text: string; corrections: Record<string, string> } {
    const corrections: Record<string, string> = {};
    const words = q.split(/\s+/).filter((w) => w !== "");
    let tried = 0;
    const out = words.map((word) => {
      const stem = stems(word);
      if (stem.length !== 1 || index.ranker.index.hasTerm(stem[0]!)) return word;
      // A long pasted text is not typed: only the first few unknown words are corrected.
      if (++tried > MAX_CORRECTIONS) return word;
      const first = stem[0]![0];
      const closest = closestWord(
        stem[0]!,
        // Typos rarely hit the first letter; keeping it cuts the words compared.
        index.ranker.index.termsStartingWith(first!),
        (t) => index.ranker.index.documentFrequency(t),
      );
      if (closest === null) return word;
      corrections[word] = closest;
      return closest;
    });
    return { text: out.join(" "), corrections };
  }

  suggestForText(text: string, limit: number, version: string | null = null): SuggestionList {
    return {
      subject: { kind: "text", id: null },
      customerVersion: version,
      items: this.#suggest(text, [], version, limit, true),
    };
  }

  async suggestForTicket(ticketId: string, limit: number): Promise<SuggestionList> {
    const { ticket } = await this.#tickets().ticket(ticketId);
    const evidence = await this.#ticketEvidence(ticket);
    const version = this.#customerVersion(ticket);
    return {
      subject: { kind: "ticket", id: ticketId },
      customerVersion: version,
      items: this.#suggest(ticketText(ticket), evidence, version, limit, true, ticket.openedAt),
    };
  }

  suggestForIssue(issueId: string, limit: number): SuggestionList {
    const signatures = this.#deps.issues.signaturesOf(issueId);
    if (signatures.length === 0) {
      throw new LoupeError("not_found", `Cannot find issue or signature ${issueId}`);
    }
    const evidence: IssueEvidence[] = signatures.map((signatureId) => ({
      issueId: this.#deps.issues.issueOf(signatureId) ?? (signatureId === issueId ? null : issueId),
      signatureId,
      linked: true,
      rank: 0,
    }));
    return {
      subject: { kind: "issue", id: issueId },
      customerVersion: null,
      items: this.#suggest(this.#deps.issues.textOf(issueId), evidence, null, limit, false),
    };
  }

  async recordFeedback(
    ticketId: string,
    articleId: string,
    kind: FeedbackKind,
    options: KbWriteOptions = {},
  ): Promise<ArticleDetail> {
    if (!this.index().position.has(articleId)) throw notFound(articleId);
    const { ticket } = await this.#tickets().ticket(ticketId);
    const evidence = await this.#ticketEvidence(ticket, true);
    const signatures = [...new Set(evidence.map((e) => e.signatureId))].sort();
    const issues = [
      ...new Set(evidence.map((e) => e.issueId).filter((id): id is string => id !== null)),
    ].sort();
    const event: ArticleFeedbackRecorded = {
      type: "ArticleFeedbackRecorded",
      data: {
        ticketId,
        customer: ticket.customer,
        ticketOpenedAt: ticket.openedAt,
        articleId,
        kind,
        words: ticketText(ticket),
        issues,
        signatures,
        at: this.#deps.clock.now(),
        by: options.by ?? null,
      },
    };
    await this.#deps.store.append(feedbackStream(ticketId), [event], { expectedVersion: "any" });
    await this.#deps.settled();
    return this.article(articleId);
  }

  /** Resolved tickets grouped by the issue behind them (their first linked signature). */
  #resolvedByIssue(): Map<string, { signatures: Set<string>; tickets: Ticket[] }> {
    const groups = new Map<string, { signatures: Set<string>; tickets: Ticket[] }>();
    for (const { value: ticket } of this.#deps.projections.range<Ticket>(TICKET_TABLES.tickets)) {
      if (ticket.resolution === null || ticket.signatures.length === 0) continue;
      const root = ticket.signatures[0]!;
      const issueId = this.#deps.issues.issueOf(root) ?? root;
      const group = groups.get(issueId) ?? { signatures: new Set<string>(), tickets: [] };
      group.signatures.add(root);
      group.tickets.push(ticket);
      groups.set(issueId, group);
    }
    return groups;
  }

  articleCandidates(limit: number): ArticleCandidateView[] {
    const index = this.index();
    const out: ArticleCandidateView[] = [];
    for (const [issueId, group] of this.#resolvedByIssue()) {
      if (group.tickets.length < 2) continue;
      const covered = [issueId, ...group.signatures].some((id) =>
        (index.byLink.get(id) ?? []).some((i) => index.articles[i]!.status !== "retired")
      );
      if (covered) continue;
      out.push(candidateView(issueId, group));
    }
    out.sort((a, b) => b.score - a.score || (a.issueId < b.issueId ? -1 : 1));
    return out.slice(0, limit);
  }

  /**
   * How an issue's resolved tickets rate as an article candidate, whether or
   * not an article already covers it (the verdict {@link articleCandidates}
   * lists for uncovered issues); null without a resolved ticket.
   */
  candidateForIssue(issueId: string): ArticleCandidateView | null {
    const groups = this.#resolvedByIssue();
    const id = this.#deps.issues.issueOf(issueId) ?? issueId;
    const group = groups.get(id) ?? groups.get(issueId);
    return group === undefined ? null : candidateView(groups.has(id) ? id : issueId, group);
  }

  async draftForIssue(issueId: string, options: KbWriteOptions = {}): Promise<Article> {
    const signatures = new Set(this.#deps.issues.signaturesOf(issueId));
    const group = this.#resolvedByIssue().get(this.#deps.issues.issueOf(issueId) ?? issueId) ??
      this.#resolvedByIssue().get(issueId);
    if (group === undefined || group.tickets.length === 0) {
      throw new LoupeError(
        "not_found",
        `Cannot draft an article for ${issueId}: no resolved ticket is linked to it`,
      );
    }
    for (const s of group.signatures) signatures.add(s);
    const text = draftFrom(group.tickets.map(caseOf), this.#deps.issues.textOf(issueId));
    const versions = [
      ...new Set(
        group.tickets.map((t) => this.#customerVersion(t)).filter((v): v is string => v !== null),
      ),
    ].sort();
    const issues = this.#deps.issues.signaturesOf(issueId).length > 0 &&
        !signatures.has(issueId)
      ? [issueId]
      : [...signatures].map((s) => this.#deps.issues.issueOf(s)).filter((i): i is string =>
        i !== null
      );
    return await this.draftArticle({
      ...emptyContent(),
      title: text.title,
      symptom: text.symptom,
      cause: text.cause,
      // The causes left out stay in view of the person who edits the draft.
      body: text.otherCauses.map((o) =>
        `Also recorded as the root cause (${o.tickets} tickets): ${o.text}`
      ).join("\n"),
      steps: text.steps,
      appliesTo: { services: [], versions, environments: [] },
      issues: [...new Set(issues)].sort(),
      signatures: [...signatures].sort(),
      sourceTickets: group.tickets.map((t) => t.ticketId),
    }, options);
  }

  gapReport(days: number, limit: number): GapReport {
    const index = this.index();
    const tickets = [...this.#deps.projections.range<Ticket>(TICKET_TABLES.tickets)].map((e) =>
      e.value
    );
    const latest = tickets.reduce((max, t) => Math.max(max, t.openedAt), 0);
    const recent = tickets.filter((t) => t.openedAt >= latest - days * DAY_MS);
    const published = (doc: number) => index.articles[doc]!.status === "published";
    const unanswered = recent.filter((ticket) => {
      const query = index.ranker.query(answeredText(ticket));
      let total = 0;
      for (const term of query.keys()) total += index.ranker.index.idf(term);
      if (total === 0) return true;
      const hits = index.ranker.index.search(query, COVERAGE_HITS, published);
      const best = Math.max(
        0,
        ...hits.map((hit) => {
          let covered = 0;
          for (const term of query.keys()) {
            if (index.ranker.index.contains(hit.doc, term)) covered += index.ranker.index.idf(term);
          }
          return covered / total;
        }),
      );
      return best < ANSWERED_COVERAGE;
    });
    const topics = gapTopics(
      unanswered.map((t) => ({
        ticketId: t.ticketId,
        subject: t.subject,
        text: `${t.subject}\n${t.description}`,
      })),
    );
    return {
      tickets: recent.length,
      unanswered: unanswered.length,
      topics: topics.slice(0, limit).map(({ count, terms, examples }) => ({
        count,
        terms,
        examples,
      })),
    };
  }

  /**
   * The issues behind a ticket: those a person linked (the root) and, unless
   * `linkedOnly`, the correlator's best candidates.
   */
  async #ticketEvidence(ticket: Ticket, linkedOnly = false): Promise<IssueEvidence[]> {
    const evidence: IssueEvidence[] = ticket.signatures.map((signatureId) => ({
      issueId: this.#deps.issues.issueOf(signatureId),
      signatureId,
      linked: true,
      rank: 0,
    }));
    if (linkedOnly) return evidence;
    let candidates: CandidateList | undefined;
    try {
      candidates = await this.#tickets().candidates(ticket.ticketId, CANDIDATES_USED);
    } catch {
      // A ticket whose environment logged nothing has no candidates: text still works.
    }
    for (const candidate of candidates?.candidates ?? []) {
      if (ticket.signatures.includes(candidate.signatureId)) continue;
      evidence.push({
        issueId: this.#deps.issues.issueOf(candidate.signatureId),
        signatureId: candidate.signatureId,
        linked: false,
        rank: candidate.rank,
        severityNumber: candidate.severityNumber,
      });
    }
    return evidence;
  }

  #tickets(): TicketFacts {
    if (this.#deps.tickets === undefined) {
      throw new LoupeError(
        "unavailable",
        "Cannot read tickets: this knowledge base has none wired",
      );
    }
    return this.#deps.tickets;
  }

  /** The version the ticket's environment logged most recently, if its logs say. */
  #customerVersion(ticket: Ticket): string | null {
    let best: { version: string; lastSeen: number } | null = null;
    for (const origin of ticketOrigins(this.#deps.attribution, ticket)) {
      for (
        const { key, value } of this.#deps.projections.range<EnvTally>(
          ENVIRONMENT_TABLES.versions,
          { prefix: originKey(origin) },
        )
      ) {
        const version = String(key[3]);
        if (version === "") continue;
        if (best === null || value.lastSeen > best.lastSeen) {
          best = { version, lastSeen: value.lastSeen };
        }
      }
    }
    return best?.version ?? null;
  }

  /**
   * `customerWords`: the text is a customer's question (a ticket, free
   * text), whose greetings and stock phrases count less; an issue's text is
   * its log templates, weighed as they are. `openedAt`: a ticket's open
   * time, before which the articles answering recent tickets count more.
   */
  #suggest(
    text: string,
    evidence: readonly IssueEvidence[],
    version: string | null,
    limit: number,
    customerWords: boolean,
    openedAt: number | null = null,
  ) {
    const index = this.index();
    const query = customerWords ? this.#questionWords(index, text) : index.ranker.query(text);
    const published = (doc: number) => index.articles[doc]!.status === "published";
    // The pool: the best text matches and every article linked to the evidence.
    // Past the first few dozen, text alone never reaches the top of the list.
    const pool = new Set(
      index.ranker.index.search(query, SUGGEST_POOL, published).map((h) => h.doc),
    );
    for (const e of evidence) {
      for (const id of [e.signatureId, ...(e.issueId === null ? [] : [e.issueId])]) {
        for (const doc of index.byLink.get(id) ?? []) if (published(doc)) pool.add(doc);
      }
    }
    const { logTextRanks, recentDays } = this.#deps.weights ?? SUGGESTION_WEIGHTS;
    // Linked signatures count as rank 0.
    const logQueries = evidence.filter((e) => e.rank <= logTextRanks).map((e) => ({
      evidence: e,
      query: index.ranker.query(this.#deps.issues.textOf(e.signatureId)),
    })).filter((l) => l.query.size > 0);
    for (const { query: logQuery } of logQueries) {
      for (const hit of index.ranker.index.search(logQuery, LOG_TEXT_POOL, published)) {
        pool.add(hit.doc);
      }
    }
    const docs = [...pool].sort((x, y) => x - y);
    const scores = index.ranker.index.scoresOf(query, docs);
    const logText = logQueries.map(({ evidence: e, query: logQuery }) => ({
      evidence: e,
      scores: index.ranker.index.scoresOf(logQuery, docs),
    }));
    return suggestArticles({
      articles: docs.map((doc) => index.facts[doc]!),
      textScores: scores,
      matchedTerms: (k) =>
        [...query.keys()].filter((t) => index.ranker.index.contains(docs[k]!, t)).slice(0, 10),
      evidence,
      logText,
      ...(openedAt === null
        ? {}
        : { recent: index.recent.sharesBefore(docs, openedAt, recentDays) }),
      customerVersion: version,
      limit,
      ...(this.#deps.weights === undefined ? {} : { weights: this.#deps.weights }),
    });
  }

  /**
   * A question's words, each counting by how rare it is among questions: a
   * word most tickets use ("order" in a shop's tickets, "time", "get") says
   * little about which problem this one is, however rare it is among
   * articles, whose idf alone would reward it. Once tickets have taught
   * articles, their words are the questions the knowledge base answers
   * (how-to questions are not problems); until then, every ticket Loupe has
   * seen.
   */
  #questionWords(index: KbIndex, text: string): Map<string, number> {
    const query = index.ranker.query(text);
    if (index.vocabulary.tickets > 0) return index.vocabulary.discount(query);
    const projections = this.#deps.projections;
    return discountByTickets(
      query,
      ticketsWithWords(projections),
      (term) => ticketsUsing(projections, term),
    );
  }

  async #load(articleId: string): Promise<ArticleState> {
    const events = await this.#deps.store.readStream(articleStream(articleId));
    if (events.some((event) => event.unreadable !== undefined)) return null;
    return events.reduce<ArticleState>(
      (state, event) => evolve(state, event as unknown as ArticleEvent),
      null,
    );
  }

  async #handle(
    articleId: string,
    commands: readonly ArticleCommand[],
    options: KbWriteOptions,
    settle = true,
  ): Promise<Article> {
    const meta = { at: this.#deps.clock.now(), by: options.by ?? null };
    const redactor = this.#deps.redactor?.forCustomer(null);
    const redacted = redactor === undefined
      ? commands
      : commands.map((command) => redactArticleCommand(command, redactor));
    for (let attempt = 0;; attempt++) {
      const state = await this.#load(articleId);
      const creates = commands[0]?.type === "DraftArticle" || commands[0]?.type === "ImportArticle";
      if (state === null && !creates) throw notFound(articleId);
      if (options.expectedVersion !== undefined && options.expectedVersion !== state?.version) {
        throw new LoupeError(
          "precondition_failed",
          `Cannot change article ${articleId}: it is at version ${
            state?.version ?? 0
          }, not ${options.expectedVersion}`,
          { current_version: state?.version ?? 0 },
        );
      }
      let next = state;
      const events: ArticleEvent[] = [];
      for (const command of redacted) {
        const produced = mappedDecide(command, next, meta);
        for (const event of produced) next = evolve(next, event);
        events.push(...produced);
      }
      if (events.length === 0) return state!;
      try {
        await this.#deps.store.append(articleStream(articleId), events, {
          expectedVersion: state?.version ?? 0,
        });
      } catch (error) {
        if (error instanceof ConcurrencyError) {
          if (options.expectedVersion === undefined && attempt < RETRIES) continue;
          throw new LoupeError("precondition_failed", error.message);
        }
        throw error;
      }
      if (settle) await this.#deps.settled();
      return next!;
    }
  }
}

function mappedDecide(
  command: ArticleCommand,
  state: ArticleState,
  meta: { at: number; by: string | null },
): ArticleEvent[] {
  try {
    return decide(command, state, meta);
  } catch (error) {
    if (error instanceof ArticleRuleViolation) {
      switch (error.code) {
        case "not_found":
          throw new LoupeError("not_found", error.message);
        case "invalid":
          throw new LoupeError("validation_failed", error.message);
        case "already_exists":
        case "illegal_transition":
          throw new LoupeError("conflict", error.message, { reason: error.code });
      }
    }
    throw error;
  }
}

function notFound(articleId: string): LoupeError {
  return new LoupeError("not_found", `Cannot find article ${articleId}`, {
    article_id: articleId,
  });
}

function candidateView(
  issueId: string,
  group: { signatures: Set<string>; tickets: Ticket[] },
): ArticleCandidateView {
  const verdict = judgeCandidate(group.tickets.map(caseOf));
  return {
    issueId,
    signatures: [...group.signatures].sort(),
    tickets: group.tickets.map((t) => t.ticketId),
    consistency: verdict.consistency,
    supportHours: verdict.supportHours,
    score: verdict.score,
    selfService: verdict.selfService,
    reasons: verdict.reasons,
  };
}

function caseOf(ticket: Ticket): ResolvedCase {
  const resolution = ticket.resolution ?? ticket.resolutions[ticket.resolutions.length - 1]!;
  return {
    ticketId: ticket.ticketId,
    subject: ticket.subject,
    description: ticket.description,
    rootCause: resolution.rootCause,
    solution: resolution.solution,
    hours: Math.max(0, (resolution.at - ticket.openedAt) / 3_600_000),
    escalations: ticket.escalations,
    engineeringTicket: ticket.externalRef !== null &&
      ENGINEERING_TRACKERS.test(ticket.externalRef.system),
  };
}

/** What the customer and agents wrote: subject, description and the conversation. */
export function ticketText(ticket: Ticket): string {
  return [ticket.subject, ticket.description, ...ticket.comments.map((c) => c.body)].join("\n");
}

/**
 * What an article must cover to answer a ticket: what was asked and said,
 * and what was found and done. A customer's words seldom meet an article's
 * ("search is down" / "Search shows an error for some queries"); the
 * resolution's cause and solution describe the fix an article would. On a
 * 300-customer scenario, without them 96 of 164 tickets an article answers
 * were reported as gaps; with them 33, while 82 of 91 real gaps stay.
 */
function answeredText(ticket: Ticket): string {
  return [
    ticketText(ticket),
    ...ticket.resolutions.flatMap((r) => [r.rootCause, r.solution]),
  ].join("\n");
}
