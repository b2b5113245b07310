/**
 * A Jira Cloud REST API on 127.0.0.1, as documented: create issue, get
 * issue, transitions (list and do), comments, remote links keyed by
 * globalId, search with `nextPageToken`, basic auth; and the signed
 * `jira:issue_updated` webhook a workflow change sends.
 */
import {
  basicAuthOk,
  type Chaos,
  chaosAnswer,
  type FakeServer,
  hmacSha256,
  json,
  metered,
  newChaos,
  serveFake,
} from "./chaos.ts";

type Category = "new" | "indeterminate" | "done";

const STATUSES: { id: string; name: string; category: Category }[] = [
  { id: "1", name: "To Do", category: "new" },
  { id: "3", name: "In Progress", category: "indeterminate" },
  { id: "4", name: "Reopened", category: "indeterminate" },
  { id: "5", name: "Done", category: "done" },
];

export interface JiraIssue {
  id: string;
  key: string;
  fields: {
    summary: string;
    description: string;
    labels: string[];
    status: { id: string; name: string; statusCategory: { key: Category } };
    fixVersions: { name: string }[];
  };
  comments: { id: string; body: string; created: string }[];
  remoteLinks: Map<
    string,
    { id: number; globalId: string; object: { url: string; title: string } }
  >;
}

export interface FakeJiraOptions {
  readonly email?: string;
  readonly token?: string;
  readonly project?: string;
  readonly port?: number;
}

export class FakeJira {
  readonly chaos: Chaos = newChaos();
  readonly issues = new Map<string, JiraIssue>();
  readonly #options: Required<Omit<FakeJiraOptions, "port">>;
  readonly #server: FakeServer;
  #next = 1;

  constructor(options: FakeJiraOptions = {}) {
    this.#options = {
      email: options.email ?? "engineer@example.test",
      token: options.token ?? "jira-token",
      project: options.project ?? "LOUPE",
    };
    this.#server = serveFake(
      (request) => metered(this.chaos, "jira", () => this.#handle(request)),
      options.port ?? 0,
    );
  }

  get url(): string {
    return this.#server.url;
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  /** Issues whose labels include `label`. */
  withLabel(label: string): JiraIssue[] {
    return [...this.issues.values()].filter((i) => i.fields.labels.includes(label));
  }

  /**
   * An engineer moves the issue: the status changes and the webhook Jira
   * would send is returned (to post to Loupe).
   */
  move(key: string, statusName: string, fixVersions: string[] = []): string {
    const issue = this.issues.get(key)!;
    const from = issue.fields.status;
    const to = STATUSES.find((s) => s.name === statusName)!;
    this.#setStatus(issue, to.id);
    if (fixVersions.length > 0) issue.fields.fixVersions = fixVersions.map((name) => ({ name }));
    return JSON.stringify({
      timestamp: Date.now(),
      webhookEvent: "jira:issue_updated",
      issue_event_type_name: "issue_generic",
      user: { accountId: "engineer", displayName: "An Engineer" },
      issue: { id: issue.id, key: issue.key, fields: issue.fields },
      changelog: {
        id: String(this.#next++),
        items: [{
          field: "status",
          fieldtype: "jira",
          from: from.id,
          fromString: from.name,
          to: to.id,
          toString: to.name,
        }],
      },
    });
  }

  #setStatus(issue: JiraIssue, statusId: string): void {
    const status = STATUSES.find((s) => s.id === statusId)!;
    issue.fields.status = {
      id: status.id,
      name: status.name,
      statusCategory: { key: status.category },
    };
  }

  async #handle(request: Request): Promise<Response> {
    const refused = await chaosAnswer(this.chaos);
    if (refused !== undefined) return refused;
    if (!basicAuthOk(request, this.#options.email, this.#options.token)) {
      return json({ errorMessages: ["Unauthorized"] }, 401);
    }
    const url = new URL(request.url);
    const path = url.pathname;
    let match: RegExpExecArray | null;
    if (request.method === "POST" && path === "/rest/api/2/issue") {
      const body = await request.json() as {
        fields: {
          project: { key: string };
          summary: string;
          description?: string;
          labels?: string[];
          issuetype: { name: string };
        };
      };
      if (body.fields?.project?.key !== this.#options.project || !body.fields.summary) {
        return json({ errorMessages: [], errors: { project: "project is required" } }, 400);
      }
      const id = String(10_000 + this.#next++);
      const key = `${this.#options.project}-${this.issues.size + 1}`;
      const issue: JiraIssue = {
        id,
        key,
        fields: {
          summary: body.fields.summary,
          description: body.fields.description ?? "",
          labels: body.fields.labels ?? [],
          status: { id: "1", name: "To Do", statusCategory: { key: "new" } },
          fixVersions: [],
        },
        comments: [],
        remoteLinks: new Map(),
      };
      this.issues.set(key, issue);
      return json({ id, key, self: `${this.url}/rest/api/2/issue/${id}` }, 201);
    }
    if (request.method === "POST" && path === "/rest/api/3/search/jql") {
      const body = await request.json() as { jql?: string; nextPageToken?: string };
      const label = /labels\s*=\s*"?([^"\s]+)"?/.exec(body.jql ?? "")?.[1];
      const found = label === undefined ? [] : this.withLabel(label);
      const start = Number(body.nextPageToken ?? 0);
      const page = found.slice(start, start + 50);
      return json({
        issues: page.map((i) => ({ id: i.id, key: i.key, fields: i.fields })),
        ...(start + 50 < found.length ? { nextPageToken: String(start + 50) } : {}),
        isLast: start + 50 >= found.length,
      });
    }
    if ((match = /^\/rest\/api\/2\/issue\/([^/]+)(\/[a-z]+)?$/.exec(path))) {
      const issue = this.issues.get(decodeURIComponent(match[1]!));
      if (issue === undefined) {
        return json({
          errorMessages: ["Issue does not exist or you do not have permission to see it."],
        }, 404);
      }
      const sub = match[2] ?? "";
      if (sub === "" && request.method === "GET") {
        return json({ id: issue.id, key: issue.key, fields: issue.fields });
      }
      if (sub === "/transitions" && request.method === "GET") {
        return json({
          transitions: STATUSES.filter((s) => s.id !== issue.fields.status.id).map((s) => ({
            id: `t${s.id}`,
            name: s.name,
            to: { id: s.id, name: s.name, statusCategory: { key: s.category } },
          })),
        });
      }
      if (sub === "/transitions" && request.method === "POST") {
        const body = await request.json() as { transition?: { id?: string } };
        const to = STATUSES.find((s) => `t${s.id}` === body.transition?.id);
        if (to === undefined || to.id === issue.fields.status.id) {
          return json({ errorMessages: ["Transition id is not valid"] }, 400);
        }
        this.#setStatus(issue, to.id);
        return new Response(null, { status: 204 });
      }
      if (sub === "/comment" && request.method === "GET") {
        return json({
          startAt: 0,
          maxResults: 5000,
          total: issue.comments.length,
          comments: issue.comments,
        });
      }
      if (sub === "/comment" && request.method === "POST") {
        const body = await request.json() as { body?: unknown };
        if (typeof body.body !== "string" || body.body === "") {
          return json(
            { errorMessages: [], errors: { comment: "Comment body can not be empty!" } },
            400,
          );
        }
        const comment = {
          id: String(this.#next++),
          body: body.body,
          created: new Date().toISOString(),
        };
        issue.comments.push(comment);
        return json(comment, 201);
      }
      if (sub === "/remotelink" && request.method === "POST") {
        const body = await request.json() as {
          globalId?: string;
          object?: { url?: string; title?: string };
        };
        if (!body.object?.url || !body.object.title) {
          return json({ errorMessages: [], errors: { object: "url and title are required" } }, 400);
        }
        const globalId = body.globalId ?? crypto.randomUUID();
        const existing = issue.remoteLinks.get(globalId);
        const id = existing?.id ?? this.#next++;
        issue.remoteLinks.set(globalId, {
          id,
          globalId,
          object: { url: body.object.url, title: body.object.title },
        });
        return json({ id, self: `${this.url}${path}/${id}` }, existing === undefined ? 201 : 200);
      }
      if (sub === "/remotelink" && request.method === "GET") {
        return json([...issue.remoteLinks.values()]);
      }
    }
    return json({ errorMessages: ["Not found"] }, 404);
  }
}

/** `X-Hub-Signature` as an admin webhook with a secret signs the body. */
export async function jiraSignature(secret: string, body: string): Promise<string> {
  const mac = await hmacSha256(secret, body);
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
