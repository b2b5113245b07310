/**
 * The integrations' configuration from the environment. Credentials are
 * read here and handed to the adapters only: no error message, log line or
 * endpoint ever shows one.
 */
import { z } from "zod";
import { TICKET_STATUSES, type TicketStatus } from "../../domain/tickets/mod.ts";
import { DEFAULT_ZENDESK_STATUS_MAP } from "../../domain/ticketing/mod.ts";
import type { JiraConfig } from "./jira.ts";
import type { WebhookConfig } from "./webhook.ts";
import type { ZendeskConfig } from "./zendesk.ts";

export interface TicketingConfig {
  readonly zendesk: ZendeskConfig | null;
  readonly zendeskWebhookSecret: string | null;
  readonly jira: JiraConfig | null;
  readonly jiraWebhookSecret: string | null;
  readonly webhook: WebhookConfig | null;
  readonly statusMap: Readonly<Record<string, TicketStatus>>;
  readonly environmentField: string | null;
  readonly environmentTagPrefix: string;
  readonly publicUrl: string;
  readonly jiraReopenStatus: string | null;
  readonly catchUpEveryMs: number;
  readonly maxAttempts: number;
  /** The first Zendesk sync imports tickets changed since then. */
  readonly historySince: number;
}

export const TICKETING_ENV_HELP = `Integrations (all optional):
LOUPE_ZENDESK_URL, LOUPE_ZENDESK_EMAIL, LOUPE_ZENDESK_API_TOKEN, LOUPE_ZENDESK_WEBHOOK_SECRET,
LOUPE_JIRA_URL, LOUPE_JIRA_EMAIL, LOUPE_JIRA_API_TOKEN, LOUPE_JIRA_PROJECT, LOUPE_JIRA_WEBHOOK_SECRET,
LOUPE_STATUS_MAP_FILE (JSON: {"zendesk": {"hold": "escalated", ...}}),
LOUPE_ZENDESK_ENVIRONMENT_FIELD (custom field id), LOUPE_ZENDESK_ENVIRONMENT_TAG_PREFIX (env_),
LOUPE_PUBLIC_URL (links back), LOUPE_JIRA_REOPEN_STATUS (Reopened), LOUPE_SYNC_INTERVAL_SECONDS (300),
LOUPE_DELIVERY_MAX_ATTEMPTS (10), LOUPE_ZENDESK_HISTORY_SINCE (ISO date; default: everything),
LOUPE_WEBHOOK_URL, LOUPE_WEBHOOK_SECRET (a plain signed webhook)`;

const statusMapFile = z.union([
  z.object({ zendesk: z.record(z.string(), z.enum(TICKET_STATUSES)) }),
  z.record(z.string(), z.enum(TICKET_STATUSES)),
]);

/** Throws an Error naming the variable that is wrong (never its value when it is a secret). */
export function ticketingConfig(
  env: Record<string, string | undefined>,
  readText: (path: string) => string = (path) => Deno.readTextFileSync(path),
): TicketingConfig {
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const group = <K extends string>(names: Record<K, string>, what: string) => {
    const values = Object.fromEntries(
      Object.entries<string>(names).map(([key, name]) => [key, get(name)]),
    ) as Record<K, string | undefined>;
    const given = Object.values(values).filter((v) => v !== undefined).length;
    if (given === 0) return null;
    const missing = Object.entries<string>(names).filter(([key]) => values[key as K] === undefined)
      .map(([, name]) => name);
    if (missing.length > 0) {
      throw new Error(`Invalid configuration: ${what} needs ${missing.join(", ")}`);
    }
    return values as Record<K, string>;
  };
  const zendesk = group({
    url: "LOUPE_ZENDESK_URL",
    email: "LOUPE_ZENDESK_EMAIL",
    apiToken: "LOUPE_ZENDESK_API_TOKEN",
  }, "Zendesk");
  const jira = group({
    url: "LOUPE_JIRA_URL",
    email: "LOUPE_JIRA_EMAIL",
    apiToken: "LOUPE_JIRA_API_TOKEN",
    project: "LOUPE_JIRA_PROJECT",
  }, "Jira");
  const webhook = group(
    { url: "LOUPE_WEBHOOK_URL", secret: "LOUPE_WEBHOOK_SECRET" },
    "the webhook",
  );
  for (
    const [name, value] of [["LOUPE_ZENDESK_URL", zendesk?.url], ["LOUPE_JIRA_URL", jira?.url], [
      "LOUPE_WEBHOOK_URL",
      webhook?.url,
    ]] as const
  ) {
    if (value !== undefined && !URL.canParse(value)) {
      throw new Error(`Invalid configuration: ${name} is not a URL`);
    }
  }
  let statusMap: Record<string, TicketStatus> = { ...DEFAULT_ZENDESK_STATUS_MAP };
  const mapFile = get("LOUPE_STATUS_MAP_FILE");
  if (mapFile !== undefined) {
    let parsed;
    try {
      parsed = statusMapFile.safeParse(JSON.parse(readText(mapFile)));
    } catch (error) {
      throw new Error(`Cannot read the status map file ${mapFile}: ${(error as Error).message}`);
    }
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(
        `Invalid status map file ${mapFile}: ${issue.path.join(".")}: ${issue.message}`,
      );
    }
    const map = "zendesk" in parsed.data && typeof parsed.data.zendesk === "object"
      ? parsed.data.zendesk as Record<string, TicketStatus>
      : parsed.data as Record<string, TicketStatus>;
    statusMap = { ...statusMap, ...map };
  }
  const number = (name: string, fallback: number, min: number) => {
    const value = get(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`Invalid configuration: ${name} must be an integer of at least ${min}`);
    }
    return n;
  };
  const since = get("LOUPE_ZENDESK_HISTORY_SINCE");
  const historySince = since === undefined ? 0 : Date.parse(since);
  if (Number.isNaN(historySince)) {
    throw new Error("Invalid configuration: LOUPE_ZENDESK_HISTORY_SINCE is not a date");
  }
  return {
    zendesk,
    zendeskWebhookSecret: get("LOUPE_ZENDESK_WEBHOOK_SECRET") ?? null,
    jira,
    jiraWebhookSecret: get("LOUPE_JIRA_WEBHOOK_SECRET") ?? null,
    webhook,
    statusMap,
    environmentField: get("LOUPE_ZENDESK_ENVIRONMENT_FIELD") ?? null,
    environmentTagPrefix: get("LOUPE_ZENDESK_ENVIRONMENT_TAG_PREFIX") ?? "env_",
    publicUrl: get("LOUPE_PUBLIC_URL") ?? "http://127.0.0.1:8000",
    jiraReopenStatus: get("LOUPE_JIRA_REOPEN_STATUS") ?? "Reopened",
    catchUpEveryMs: number("LOUPE_SYNC_INTERVAL_SECONDS", 300, 10) * 1000,
    maxAttempts: number("LOUPE_DELIVERY_MAX_ATTEMPTS", 10, 1),
    historySince,
  };
}
