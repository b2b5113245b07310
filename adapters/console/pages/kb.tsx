/** The knowledge base: search with highlights, an article, drafts to review. */
import { z } from "zod";
import { allows } from "../../../domain/access/principal.ts";
import { ARTICLE_STATUSES } from "../../../domain/kb/mod.ts";
import { LoupeError } from "../../../ports/errors.ts";
import type { ConsoleDeps } from "../deps.ts";
import { markedParts, when } from "../format.ts";
import { Badge, Layout, type PageContext } from "../layout.tsx";

const PAGE = 20;

const searchQuery = z.object({
  q: z.string().trim().max(500).default(""),
  status: z.enum(["any", ...ARTICLE_STATUSES]).default("published"),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
}).strict();

function Marked(props: { passage: string }) {
  return (
    <>
      {markedParts(props.passage).map((p, i) => p.marked ? <mark key={i}>{p.text}</mark> : p.text)}
    </>
  );
}

export function kbSearchPage(deps: ConsoleDeps, page: PageContext, params: URLSearchParams) {
  const query = searchQuery.parse(Object.fromEntries(params));
  const canWork = allows(page.principal.role, "work");
  if (!canWork && query.status !== "published") {
    throw new LoupeError("forbidden", "This token sees published articles only");
  }
  const result = query.q === "" ? null : deps.kb.search({
    q: query.q,
    status: query.status,
    limit: PAGE,
    offset: (query.page - 1) * PAGE,
  });
  const recent = result === null
    ? deps.kb.articles().filter((a) => query.status === "any" || a.status === query.status)
      .sort((a, b) => b.updatedAt - a.updatedAt).slice(0, PAGE)
    : [];
  const more = result !== null && result.total > query.page * PAGE;
  return (
    <Layout title="Knowledge base" page={page} active="kb">
      <h1>Knowledge base</h1>
      <form method="get" action="/console/kb" class="filters" role="search">
        <label>
          Search
          <input type="search" name="q" value={query.q} placeholder="symptom, error, product…" />
        </label>
        {canWork
          ? (
            <label>
              Status
              <select name="status">
                {(["published", "draft", "retired", "any"] as const).map((s) => (
                  <option value={s} selected={query.status === s}>{s}</option>
                ))}
              </select>
            </label>
          )
          : null}
        <button type="submit">Search</button>
        {canWork ? <a href="/console/kb/drafts">Drafts to review</a> : null}
      </form>
      {result === null
        ? (
          <section aria-labelledby="recent-h">
            <h2 id="recent-h">Recently updated</h2>
            <ul class="articles">
              {recent.map((a) => (
                <li>
                  <a href={`/console/kb/${encodeURIComponent(a.articleId)}`}>{a.content.title}</a>
                  {" "}
                  <Badge kind={`art-${a.status}`} text={a.status} />{" "}
                  <span class="muted">{when(a.updatedAt)}</span>
                </li>
              ))}
            </ul>
          </section>
        )
        : (
          <section aria-labelledby="results-h" aria-live="polite">
            <h2 id="results-h">
              {result.total} result{result.total === 1 ? "" : "s"} for “{query.q}”
            </h2>
            <ol class="articles results">
              {result.items.map((hit) => (
                <li>
                  <a href={`/console/kb/${encodeURIComponent(hit.articleId)}`}>{hit.title}</a>{" "}
                  <Badge kind={`art-${hit.status}`} text={hit.status} />
                  {Object.entries(hit.highlights).filter(([field]) => field !== "title").slice(0, 2)
                    .map(([field, passage]) => (
                      <p class="passage">
                        <span class="muted">{field}:</span> <Marked passage={passage} />
                      </p>
                    ))}
                  {Object.keys(hit.corrections).length === 0 ? null : (
                    <p class="muted small">
                      matched{" "}
                      {Object.entries(hit.corrections).map(([w, c]) => `${w} as ${c}`).join(", ")}
                    </p>
                  )}
                </li>
              ))}
            </ol>
            {more
              ? (
                <a
                  href={`/console/kb?${new URLSearchParams({
                    q: query.q,
                    status: query.status,
                    page: String(query.page + 1),
                  })}`}
                >
                  More results
                </a>
              )
              : null}
          </section>
        )}
    </Layout>
  );
}

export function articlePage(deps: ConsoleDeps, page: PageContext, articleId: string) {
  const detail = deps.kb.article(articleId);
  const a = detail.article;
  if (a.status !== "published" && !allows(page.principal.role, "work")) {
    throw new LoupeError("not_found", `No article ${articleId}`);
  }
  const content = a.content;
  return (
    <Layout title={content.title} page={page} active="kb">
      <p class="crumbs">
        <a href="/console/kb">Knowledge base</a> › {a.articleId}
      </p>
      <h1>{content.title}</h1>
      <p>
        <Badge kind={`art-${a.status}`} text={a.status} />{" "}
        <span class="muted">
          version {a.version} · updated {when(a.updatedAt)} · {detail.helpful} helpful,{" "}
          {detail.notHelpful} not, resolved {detail.resolved} ticket(s)
        </span>
      </p>
      <article class="kb-article">
        <h2>Symptom</h2>
        <p class="prose">{content.symptom}</p>
        <h2>Cause</h2>
        <p class="prose">{content.cause}</p>
        {content.steps.length === 0 ? null : (
          <>
            <h2>Steps</h2>
            <ol>{content.steps.map((s, i) => <li key={i}>{s}</li>)}</ol>
          </>
        )}
        {content.body === "" ? null : (
          <>
            <h2>Notes</h2>
            <p class="prose">{content.body}</p>
          </>
        )}
      </article>
      {content.tags.length === 0 ? null : <p class="muted">Tags: {content.tags.join(", ")}</p>}
      {detail.issues.length === 0 ? null : (
        <p>
          Answers issue(s):{" "}
          {detail.issues.map((id) => (
            <a href={`/console/issues/${encodeURIComponent(id)}`}>
              {id}
              {" "}
            </a>
          ))}
        </p>
      )}
    </Layout>
  );
}

export function draftsPage(deps: ConsoleDeps, page: PageContext) {
  const drafts = deps.kb.articles().filter((a) => a.status === "draft")
    .sort((a, b) => b.updatedAt - a.updatedAt);
  const candidates = deps.kb.articleCandidates(10);
  return (
    <Layout title="Drafts to review" page={page} active="kb">
      <p class="crumbs">
        <a href="/console/kb">Knowledge base</a> › drafts
      </p>
      <h1>Drafts to review</h1>
      {drafts.length === 0 ? <p class="empty">No draft waits for review.</p> : (
        <ul class="articles">
          {drafts.map((a) => (
            <li>
              <a href={`/console/kb/${encodeURIComponent(a.articleId)}`}>{a.content.title}</a>{" "}
              <span class="muted">
                updated {when(a.updatedAt)}
                {a.content.sourceTickets.length === 0
                  ? ""
                  : ` · from ${a.content.sourceTickets.join(", ")}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h2>Issues that need an article</h2>
      {candidates.length === 0 ? <p class="empty">None: every recurring issue has one.</p> : (
        <ul>
          {candidates.map((c) => (
            <li>
              <a href={`/console/issues/${encodeURIComponent(c.issueId)}`}>{c.issueId}</a>{" "}
              <span class="muted">
                {c.tickets.length} ticket(s) · {c.reasons.join("; ")}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
