/**
 * The support console: server-rendered pages over the same use-case ports
 * as the JSON API, mounted at `/` and `/console/*`. Sign-in keeps the token's
 * principal in an in-memory session (HttpOnly, SameSite=Strict cookie);
 * every form that changes something carries the session's CSRF token.
 */
import { type Context, Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import {
  allows,
  customerScope,
  maySeeCustomer,
  type Principal,
} from "../../domain/access/principal.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { ConsoleDeps } from "./deps.ts";
import type { PageContext } from "./layout.tsx";
import { customerPage } from "./pages/customer.tsx";
import { errorPage } from "./pages/errors.tsx";
import { issueListPage, issuePage } from "./pages/issues.tsx";
import { articlePage, draftsPage, kbSearchPage } from "./pages/kb.tsx";
import { signInPage } from "./pages/sign_in.tsx";
import {
  LogRows,
  parseLogFilter,
  type ResolutionForm,
  ticketLogs,
  ticketPage,
  visibleTicket,
} from "./pages/ticket.tsx";
import { ticketListPage } from "./pages/tickets.tsx";
import { randomToken, sameToken, type Session, SessionStore } from "./session.ts";
import { readBodyLimited } from "../http/request.ts";

export type { ConsoleDeps } from "./deps.ts";

const COOKIE = "loupe_session";
/**
 * The sign-in form's own CSRF token, before any session exists (double
 * submit): a page of another site cannot read it, so it cannot sign a
 * visitor in under the attacker's token.
 */
const SIGN_IN_COOKIE = "loupe_signin";
/** Forms are a few fields of text; anything larger is not a form of ours. */
const MAX_FORM_BYTES = 128 * 1024;
const ANONYMOUS: Principal = { tokenId: "anonymous", name: "anonymous", role: { kind: "admin" } };

type Env = { Variables: { session: Session; page: PageContext; form: URLSearchParams } };

const STATIC = {
  "console.css": "text/css; charset=utf-8",
  "console.js": "text/javascript; charset=utf-8",
} as const;

export function consoleRoutes(deps: ConsoleDeps): Hono<Env> {
  const http = new Hono<Env>();
  const sessions = new SessionStore(deps.clock, deps.sessionTtlMs);
  const assets = new Map(
    Object.entries(STATIC).map(([name, type]) => [
      name,
      { type, body: Deno.readTextFileSync(new URL(`./static/${name}`, import.meta.url)) },
    ]),
  );

  http.onError((error, c) => {
    const { status, body } = errorPage(error, c.get("page") ?? null);
    return c.html(body, status as 400);
  });

  http.get("/", (c) => c.redirect("/console/tickets", 303));
  http.get("/console", (c) => c.redirect("/console/tickets", 303));

  http.get("/console/static/:name", (c) => {
    const asset = assets.get(c.req.param("name"));
    if (asset === undefined) throw new LoupeError("not_found", "No such file");
    return c.body(asset.body, 200, { "content-type": asset.type });
  });

  const signInForm = (c: Context, next: string, error: string | null) => {
    const csrf = randomToken();
    setCookie(c, SIGN_IN_COOKIE, csrf, {
      path: "/console/signin",
      httpOnly: true,
      sameSite: "Strict",
      secure: new URL(c.req.url).protocol === "https:",
      maxAge: 3600,
    });
    return signInPage({ next, error, csrf });
  };

  http.get("/console/signin", (c) => {
    if (!deps.authenticator.required()) return c.redirect("/console/tickets", 303);
    return c.html(signInForm(c, safeNext(c.req.query("next")), null));
  });

  http.post("/console/signin", async (c) => {
    const form = await formOf(c);
    const next = safeNext(form.get("next") ?? undefined);
    const expected = getCookie(c, SIGN_IN_COOKIE);
    if (expected === undefined || !sameToken(form.get("csrf") ?? undefined, expected)) {
      return c.html(
        signInForm(
          c,
          next,
          "This sign-in form is out of date or did not come from this console; try again.",
        ),
        403,
      );
    }
    const token = (form.get("token") ?? "").trim();
    const principal = token === "" ? null : await deps.authenticator.authenticate(token);
    const error = token === ""
      ? "Enter your access token."
      : principal === null
      ? "This token is not valid (or was revoked)."
      : !allows(principal.role, "read")
      ? "This token may only push logs; it cannot read the console."
      : null;
    if (error !== null || principal === null) {
      return c.html(signInForm(c, next, error), token === "" ? 400 : 401);
    }
    const previous = getCookie(c, COOKIE);
    if (previous !== undefined) sessions.drop(previous);
    const session = sessions.create(principal, false);
    setSessionCookie(c, session.id);
    setCookie(c, SIGN_IN_COOKIE, "", { path: "/console/signin", maxAge: 0 });
    return c.redirect(next, 303);
  });

  http.use("/console/*", async (c, next) => {
    let session = sessions.get(getCookie(c, COOKIE));
    // A development-mode session ends once tokens exist.
    if (session?.anonymous && deps.authenticator.required()) session = undefined;
    if (session === undefined) {
      if (deps.authenticator.required()) {
        if (c.req.method === "GET") {
          const target = c.req.path + (new URL(c.req.url).search);
          return c.redirect(`/console/signin?next=${encodeURIComponent(target)}`, 303);
        }
        throw new LoupeError("unauthorized", "Sign in first: your session ended");
      }
      session = sessions.create(ANONYMOUS, true);
      setSessionCookie(c, session.id);
    }
    c.set("session", session);
    c.set("page", {
      principal: session.principal,
      csrf: session.csrf,
      signedIn: !session.anonymous,
    });
    if (c.req.method === "POST") {
      const form = await formOf(c);
      if (!sameToken(form.get("csrf") ?? undefined, session.csrf)) {
        throw new LoupeError(
          "forbidden",
          "This form is out of date or did not come from this console (CSRF token mismatch); reload the page and try again",
        );
      }
      c.set("form", form);
    }
    c.header("Content-Security-Policy", CSP);
    c.header("Referrer-Policy", "same-origin");
    c.header("X-Frame-Options", "DENY");
    await next();
    if (c.req.method === "GET" && c.res.status < 400 && !session.anonymous) {
      await auditRead(deps, c, session.principal);
    }
    return undefined;
  });

  http.post("/console/signout", (c) => {
    sessions.drop(c.get("session").id);
    setCookie(c, COOKIE, "", { path: "/", httpOnly: true, sameSite: "Strict", maxAge: 0 });
    return c.redirect(deps.authenticator.required() ? "/console/signin" : "/console/tickets", 303);
  });

  http.get("/console/tickets", async (c) => {
    return c.html(await ticketListPage(deps, c.get("page"), new URL(c.req.url).searchParams));
  });

  http.get("/console/tickets/:id", async (c) => {
    return c.html(
      await ticketPage(deps, c.get("page"), c.req.param("id"), new URL(c.req.url).searchParams),
    );
  });

  /** The next page of log lines alone, for the script's "older lines" without a reload. */
  http.get("/console/tickets/:id/logs", async (c) => {
    const id = c.req.param("id");
    const params = new URL(c.req.url).searchParams;
    await visibleTicket(deps, c.get("page"), id);
    const filter = parseLogFilter(params);
    if (c.req.header("x-console-fragment") !== "1") {
      return c.redirect(`/console/tickets/${encodeURIComponent(id)}?${params}#logs`, 303);
    }
    return c.html(LogRows({ ticketId: id, filter, logs: await ticketLogs(deps, id, filter) }));
  });

  http.post("/console/tickets/:id/link", async (c) => {
    const page = c.get("page");
    requireWork(page);
    const id = c.req.param("id");
    await visibleTicket(deps, page, id);
    const signatureId = z.string().trim().min(1).max(200).parse(c.get("form").get("signature_id"));
    await deps.tickets.link(id, { signatureIds: [signatureId] }, { by: page.principal.name });
    return c.redirect(`/console/tickets/${encodeURIComponent(id)}#causes`, 303);
  });

  http.post("/console/tickets/:id/resolve", async (c) => {
    const page = c.get("page");
    requireWork(page);
    const id = c.req.param("id");
    await visibleTicket(deps, page, id);
    const form = c.get("form");
    const values = {
      rootCause: (form.get("root_cause") ?? "").trim(),
      solution: (form.get("solution") ?? "").trim(),
      prevention: (form.get("prevention") ?? "").trim(),
    };
    const errors: ResolutionForm["errors"] = {
      ...(values.rootCause === "" ? { rootCause: "Say what caused the problem." } : {}),
      ...(values.solution === "" ? { solution: "Say what solved it." } : {}),
      ...(values.rootCause.length > 20_000 ? { rootCause: "At most 20,000 characters." } : {}),
      ...(values.solution.length > 20_000 ? { solution: "At most 20,000 characters." } : {}),
      ...(values.prevention.length > 20_000 ? { prevention: "At most 20,000 characters." } : {}),
    };
    if (Object.keys(errors).length === 0) {
      try {
        await deps.tickets.resolve(id, {
          rootCause: values.rootCause,
          solution: values.solution,
          prevention: values.prevention === "" ? null : values.prevention,
          resolver: page.principal.name,
        }, { by: page.principal.name });
        return c.redirect(`/console/tickets/${encodeURIComponent(id)}#resolution`, 303);
      } catch (error) {
        if (!(error instanceof LoupeError) || error.status >= 500) throw error;
        errors.form = error.message;
      }
    }
    return c.html(
      await ticketPage(deps, page, id, new URLSearchParams(), { values, errors }),
      422,
    );
  });

  http.get("/console/issues", async (c) => {
    return c.html(await issueListPage(deps, c.get("page"), new URL(c.req.url).searchParams));
  });

  http.get("/console/issues/:id", async (c) => {
    return c.html(
      await issuePage(deps, c.get("page"), c.req.param("id"), new URL(c.req.url).searchParams),
    );
  });

  http.get("/console/customers/:id", (c) => {
    const id = c.req.param("id");
    if (!maySeeCustomer(c.get("page").principal.role, id)) {
      throw new LoupeError("not_found", `No customer ${id}`);
    }
    return c.html(customerPage(deps, c.get("page"), id));
  });

  http.get("/console/kb", (c) => {
    return c.html(kbSearchPage(deps, c.get("page"), new URL(c.req.url).searchParams));
  });

  http.get("/console/kb/drafts", (c) => {
    requireWork(c.get("page"));
    return c.html(draftsPage(deps, c.get("page")));
  });

  http.get("/console/kb/:id", (c) => {
    return c.html(articlePage(deps, c.get("page"), c.req.param("id")));
  });

  http.all("/console/*", () => {
    throw new LoupeError("not_found", "There is no such page in the console");
  });

  return http;
}

/** Pages load only what Loupe serves: no third-party script, style or frame. */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'";

function requireWork(page: PageContext): void {
  if (!allows(page.principal.role, "work")) {
    throw new LoupeError("forbidden", "This token may read but not change tickets or articles");
  }
}

async function formOf(c: Context): Promise<URLSearchParams> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new LoupeError("unsupported_media_type", "Console forms are sent URL-encoded");
  }
  const bytes = await readBodyLimited(c.req.raw, MAX_FORM_BYTES);
  return new URLSearchParams(new TextDecoder().decode(bytes));
}

function setSessionCookie(c: Context, id: string): void {
  setCookie(c, COOKIE, id, {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
  });
}

/** The console's pages that show one customer's data, and how to tell which customer. */
const CUSTOMER_PAGES: readonly {
  readonly endpoint: string;
  readonly pattern: RegExp;
  readonly customer: (
    deps: ConsoleDeps,
    id: string,
    query: URLSearchParams,
  ) => Promise<string | undefined>;
}[] = [
  {
    endpoint: "GET /console/tickets/:id",
    pattern: /^\/console\/tickets\/([^/]+)(?:\/logs)?$/,
    customer: async (deps, id) => (await deps.tickets.ticket(id)).ticket.customer,
  },
  {
    endpoint: "GET /console/customers/:id",
    pattern: /^\/console\/customers\/([^/]+)$/,
    customer: (_deps, id) => Promise.resolve(id),
  },
  {
    endpoint: "GET /console/tickets",
    pattern: /^\/console\/tickets$/,
    customer: (_deps, _id, query) => Promise.resolve(query.get("customer") || undefined),
  },
];

/**
 * A signed-in token's view of one customer's data is in the audit trail, as
 * the same read through the JSON API is: who, which customer, which page, when.
 */
async function auditRead(deps: ConsoleDeps, c: Context, principal: Principal): Promise<void> {
  if (deps.audit === undefined || c.req.path.startsWith("/console/static/")) return;
  const scope = customerScope(principal.role);
  const match = CUSTOMER_PAGES.map((page) => ({ page, found: page.pattern.exec(c.req.path) }))
    .find(({ found }) => found !== null);
  // A customer's own token reads that customer's data on every page it sees.
  if (scope === null && match === undefined) return;
  const id = match?.found?.[1] === undefined ? "" : decodeURIComponent(match.found[1]);
  const customer = scope ??
    await match!.page.customer(deps, id, new URL(c.req.url).searchParams);
  if (customer === undefined) return;
  deps.audit.record({
    tokenId: principal.tokenId,
    name: principal.name,
    customer,
    endpoint: match?.page.endpoint ?? `GET ${c.req.path}`,
    path: c.req.path,
    at: deps.clock.now(),
  });
}

/** Where to go after signing in: only a console path, never another site. */
function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/console(\/|$|\?)/.test(next) && !next.startsWith("//")
    ? next
    : "/console/tickets";
}
