/**
 * Writes a simulated scenario to a directory, the way the data would reach
 * a support team: one log file per service of each environment in its native
 * format (`logs/<customer or cluster>/<environment>/<service>.<ext>`), the
 * CRM's customer export (CSV), tickets and articles (JSON), metrics
 * snapshots (JSON lines) and `truth.json`.
 *
 * Log lines are buffered per file and appended in large writes, so a year of
 * data streams through a bounded amount of memory.
 *
 * @module
 */
import { stringify } from "csv-stringify/sync";
import { customerRows, type Scenario, type SimulatedHour, truthOf } from "../scenario.ts";

/** Bytes of text held for one file before it is appended to disk. */
const FLUSH_CHARS = 256 * 1024;
/** Text held across all files before everything is flushed. */
const FLUSH_ALL_CHARS = 64 * 1024 * 1024;

export class ScenarioFileSink {
  readonly #out: string;
  readonly #buffers = new Map<string, string[]>();
  readonly #sizes = new Map<string, number>();
  readonly #madeDirs = new Set<string>();
  readonly #encoder = new TextEncoder();
  #held = 0;
  #metrics: Deno.FsFile | undefined;
  /** Lines written to log files, corrupted ones included. */
  lines = 0;
  bytes = 0;

  constructor(out: string) {
    this.#out = out.replace(/\/+$/, "");
  }

  /** Creates the directory and writes what is known before the logs: customers, tickets, articles, truth. */
  async begin(scenario: Scenario): Promise<void> {
    await Deno.mkdir(`${this.#out}/logs`, { recursive: true });
    const rows = customerRows(scenario.fleet);
    await Deno.writeTextFile(
      `${this.#out}/customers.csv`,
      stringify(rows, { header: true, columns: Object.keys(rows[0] ?? {}) }),
    );
    await writeJson(`${this.#out}/tickets.json`, { tickets: scenario.tickets.map(ticketJson) });
    await writeJson(`${this.#out}/articles.json`, { articles: scenario.articles });
    await writeJson(`${this.#out}/truth.json`, truthOf(scenario));
    this.#metrics = await Deno.open(`${this.#out}/metrics.jsonl`, {
      write: true,
      create: true,
      truncate: true,
    });
    // A rerun into the same directory must not append to the last run's logs.
    await Deno.remove(`${this.#out}/logs`, { recursive: true });
    await Deno.mkdir(`${this.#out}/logs`, { recursive: true });
  }

  async hour(hour: SimulatedHour): Promise<void> {
    for (const file of hour.files) {
      if (file.lines.length === 0) continue;
      let buffer = this.#buffers.get(file.file);
      if (buffer === undefined) {
        buffer = [];
        this.#buffers.set(file.file, buffer);
      }
      let size = this.#sizes.get(file.file) ?? 0;
      for (const line of file.lines) {
        buffer.push(line);
        size += line.length + 1;
      }
      this.#held += size - (this.#sizes.get(file.file) ?? 0);
      this.#sizes.set(file.file, size);
      this.lines += file.lines.length;
      if (size >= FLUSH_CHARS) await this.#flush(file.file);
    }
    if (this.#held >= FLUSH_ALL_CHARS) await this.#flushAll();
    const text = hour.metrics.map((m) => JSON.stringify({ ...m, at: new Date(m.at).toISOString() }))
      .join("\n") + "\n";
    await this.#metrics!.write(this.#encoder.encode(text));
  }

  async finish(): Promise<void> {
    await this.#flushAll();
    this.#metrics?.close();
    this.#metrics = undefined;
  }

  async #flushAll(): Promise<void> {
    for (const file of [...this.#buffers.keys()].sort()) await this.#flush(file);
  }

  async #flush(file: string): Promise<void> {
    const buffer = this.#buffers.get(file);
    if (buffer === undefined || buffer.length === 0) return;
    const path = `${this.#out}/logs/${file}`;
    const dir = path.slice(0, path.lastIndexOf("/"));
    if (!this.#madeDirs.has(dir)) {
      await Deno.mkdir(dir, { recursive: true });
      this.#madeDirs.add(dir);
    }
    const bytes = this.#encoder.encode(buffer.join("\n") + "\n");
    await Deno.writeFile(path, bytes, { append: true });
    this.bytes += bytes.length;
    this.#held -= this.#sizes.get(file) ?? 0;
    this.#buffers.set(file, []);
    this.#sizes.set(file, 0);
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(value, null, 2) + "\n");
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A ticket as a helpdesk export writes it: snake_case, ISO times. */
export function ticketJson(ticket: Scenario["tickets"][number]): Record<string, unknown> {
  return {
    id: ticket.id,
    customer: ticket.customer,
    environment: ticket.environment,
    environment_key: ticket.environmentKey,
    subject: ticket.subject,
    description: ticket.description,
    severity: ticket.severity,
    reporter: ticket.reporter,
    opened_at: iso(ticket.openedAt),
    window: ticket.window === null
      ? null
      : { from: iso(ticket.window.from), to: iso(ticket.window.to) },
    status: ticket.status,
    assignee: ticket.assignee,
    escalated: ticket.escalated,
    communications: ticket.communications.map((c) => ({ ...c, at: iso(c.at) })),
    resolution: ticket.resolution === null ? null : {
      root_cause: ticket.resolution.rootCause,
      solution: ticket.resolution.solution,
      prevention: ticket.resolution.prevention,
      resolver: ticket.resolution.resolver,
      resolved_at: iso(ticket.resolution.resolvedAt),
    },
    resolution_hours: ticket.resolutionHours,
  };
}
