/**
 * Jira Cloud REST v2 with plain-text comments: creates an issue from a Loupe
 * issue (found again by its marker label, so a retry never makes a second),
 * links it back with a remote link keyed by `globalId`, comments, and moves
 * it between status categories through the workflow's own transitions.
 */
import { z } from "zod";
import {
  type DeliveryResult,
  markerText,
  type OutboundAction,
  RemoteError,
  type TicketingSystem,
} from "../../ports/ticketing.ts";
import { basicAuth, callRemote, parseRemote, RateLimitGate } from "./_http.ts";

export interface JiraConfig {
  readonly url: string;
  readonly email: string;
  readonly apiToken: string;
  /** Project key issues are created in. */
  readonly project: string;
  readonly issueType?: string;
}

const category = z.enum(["new", "indeterminate", "done"]).catch("indeterminate");

const issueSchema = z.object({
  key: z.string(),
  fields: z.object({
    status: z.object({ name: z.string(), statusCategory: z.object({ key: category }) }),
  }).passthrough(),
});

const transitionsSchema = z.object({
  transitions: z.array(z.object({
    id: z.string(),
    name: z.string(),
    to: z.object({ id: z.string(), name: z.string(), statusCategory: z.object({ key: category }) }),
  })),
});

const commentsSchema = z.object({
  comments: z.array(z.object({ body: z.unknown() })),
  total: z.number().optional(),
});

const searchSchema = z.object({
  issues: z.array(z.object({ key: z.string() })),
  nextPageToken: z.string().optional(),
});

/** The label a created issue carries so that a retry finds it. */
export function markerLabel(marker: string): string {
  return `loupe_${marker.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

export class JiraAdapter implements TicketingSystem {
  readonly system = "jira" as const;
  readonly #config: JiraConfig;
  readonly #authorization: string;
  readonly #rateLimit: RateLimitGate;

  constructor(config: JiraConfig, now: () => number = () => Date.now()) {
    this.#config = { ...config, url: config.url.replace(/\/+$/, "") };
    this.#authorization = basicAuth(config.email, config.apiToken);
    this.#rateLimit = new RateLimitGate(now);
  }

  async deliver(action: OutboundAction): Promise<DeliveryResult> {
    const result = await this.#deliver(action);
    return { ...result, quotaWaitMs: this.#rateLimit.waitMs() || null };
  }

  async #deliver(action: OutboundAction): Promise<DeliveryResult> {
    switch (action.kind) {
      case "note":
        return await this.#comment(action.target, action.body, action.marker);
      case "create_issue":
        return await this.#create(action);
      case "transition":
        return await this.#transition(action.target, action.toCategory, action.statusName);
    }
  }

  async #comment(key: string, body: string, marker: string): Promise<DeliveryResult> {
    const text = markerText(marker);
    const { comments } = parse(
      commentsSchema,
      await this.#call("GET", `/rest/api/2/issue/${enc(key)}/comment?maxResults=5000`),
      `the comments of ${key}`,
    );
    if (comments.some((c) => typeof c.body === "string" && c.body.includes(text))) {
      return { remoteId: key, alreadyDone: true };
    }
    await this.#call("POST", `/rest/api/2/issue/${enc(key)}/comment`, {
      body: `${body}\n\n${text}`,
    });
    return { remoteId: key, alreadyDone: false };
  }

  async #create(action: Extract<OutboundAction, { kind: "create_issue" }>) {
    const label = markerLabel(action.marker);
    let key = await this.#findByLabel(label);
    const existed = key !== null;
    if (key === null) {
      const created = parse(
        z.object({ key: z.string() }),
        await this.#call("POST", "/rest/api/2/issue", {
          fields: {
            project: { key: this.#config.project },
            summary: action.summary.slice(0, 254),
            description: action.description,
            issuetype: { name: this.#config.issueType ?? "Bug" },
            labels: [...new Set([...action.labels, label])],
          },
        }),
        "the created issue",
      );
      key = created.key;
    }
    // The same globalId again updates the link rather than adding one.
    await this.#call("POST", `/rest/api/2/issue/${enc(key)}/remotelink`, {
      globalId: action.link.globalId,
      application: { name: "Loupe", type: "loupe" },
      relationship: "detected by",
      object: { url: action.link.url, title: action.link.title },
    });
    return { remoteId: key, alreadyDone: existed };
  }

  async #findByLabel(label: string): Promise<string | null> {
    const answer = parse(
      searchSchema,
      await this.#call("POST", "/rest/api/3/search/jql", {
        jql: `labels = "${label}" ORDER BY created ASC`,
        fields: ["key"],
        maxResults: 1,
      }),
      "the search",
    );
    return answer.issues[0]?.key ?? null;
  }

  async #transition(
    key: string,
    toCategory: "new" | "indeterminate" | "done",
    statusName: string | null,
  ): Promise<DeliveryResult> {
    const issue = parse(
      issueSchema,
      await this.#call("GET", `/rest/api/2/issue/${enc(key)}?fields=status`),
      key,
    );
    const current = issue.fields.status;
    if (
      current.statusCategory.key === toCategory &&
      (statusName === null || current.name === statusName || toCategory !== "indeterminate")
    ) {
      return { remoteId: key, alreadyDone: true };
    }
    const { transitions } = parse(
      transitionsSchema,
      await this.#call("GET", `/rest/api/2/issue/${enc(key)}/transitions`),
      `the transitions of ${key}`,
    );
    const fitting = transitions.filter((t) => t.to.statusCategory.key === toCategory);
    const chosen = fitting.find((t) => t.to.name === statusName) ?? fitting[0];
    if (chosen === undefined) {
      throw new RemoteError(
        `Cannot move ${key} to a ${toCategory} status: no transition from ${current.name} leads there`,
        0,
        false,
      );
    }
    await this.#call("POST", `/rest/api/2/issue/${enc(key)}/transitions`, {
      transition: { id: chosen.id },
    });
    return { remoteId: key, alreadyDone: false };
  }

  #call(method: string, path: string, body?: unknown): Promise<unknown> {
    return callRemote({
      method,
      url: `${this.#config.url}${path}`,
      authorization: this.#authorization,
      rateLimit: this.#rateLimit,
      // Every call Jira gets from Loupe is on a delivery's behalf.
      outgoing: true,
      ...(body === undefined ? {} : { body }),
    });
  }
}

function enc(key: string): string {
  return encodeURIComponent(key);
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  return parseRemote(schema, value, what, "Jira");
}
