/** The frame every console page shares: navigation, who is signed in, the sign-out form. */
import type { Child } from "hono/jsx";
import { customerScope, type Principal, roleText } from "../../domain/access/principal.ts";
import { levelOf, levelText } from "./format.ts";

export interface PageContext {
  readonly principal: Principal;
  readonly csrf: string;
  /** False in development mode: there is nobody to sign out. */
  readonly signedIn: boolean;
}

export function Layout(
  props: {
    title: string;
    page: PageContext | null;
    active?: "tickets" | "issues" | "customers" | "kb";
    children?: Child;
  },
) {
  const scope = props.page === null ? null : customerScope(props.page.principal.role);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Loupe`}</title>
        <link rel="stylesheet" href="/console/static/console.css" />
        <script src="/console/static/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/console/tickets">Loupe</a>
          {props.page === null ? null : (
            <nav aria-label="Sections">
              <a
                href="/console/tickets"
                aria-current={props.active === "tickets" ? "page" : undefined}
              >
                Tickets
              </a>
              <a
                href="/console/issues"
                aria-current={props.active === "issues" ? "page" : undefined}
              >
                Issues
              </a>
              {scope === null ? null : (
                <a
                  href={`/console/customers/${encodeURIComponent(scope)}`}
                  aria-current={props.active === "customers" ? "page" : undefined}
                >
                  My account
                </a>
              )}
              <a href="/console/kb" aria-current={props.active === "kb" ? "page" : undefined}>
                Knowledge base
              </a>
            </nav>
          )}
          {props.page === null ? null : (
            <div class="who">
              <span>
                {props.page.principal.name} <small>({roleText(props.page.principal.role)})</small>
              </span>
              {props.page.signedIn
                ? (
                  <form method="post" action="/console/signout">
                    <input type="hidden" name="csrf" value={props.page.csrf} />
                    <button type="submit" class="link">Sign out</button>
                  </form>
                )
                : null}
            </div>
          )}
        </header>
        <main id="main" tabindex={-1}>{props.children}</main>
      </body>
    </html>
  );
}

/** A severity or level as a coloured badge that also says it in words. */
export function Badge(props: { kind: string; text: string }) {
  return <span class={`badge ${props.kind}`}>{props.text}</span>;
}

/**
 * An issue as a row's first cell shows it: its template's first line linking
 * to the issue, its level, and what the page says of it (`children`).
 */
export function IssueHeadline(
  props: { issueId: string; template: string; severityNumber: number; children?: Child },
) {
  return (
    <>
      <a href={`/console/issues/${encodeURIComponent(props.issueId)}`}>
        <code class="template">{props.template.split("\n")[0]}</code>
      </a>
      <div>
        <Badge
          kind={`lvl-${levelOf(props.severityNumber).toLowerCase()}`}
          text={levelText(props.severityNumber)}
        />{" "}
        <span class="muted">{props.children}</span>
      </div>
    </>
  );
}
