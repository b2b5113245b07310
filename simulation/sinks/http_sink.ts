/**
 * Streams a simulated scenario into a running Loupe service: each hour's log
 * lines go to `POST /v1/logs` (one request per file, with the file's
 * customer, environment and service as query parameters), metrics to
 * `POST /v1/metrics`, and tickets are opened, commented and resolved through
 * `/v1/tickets` when their time comes. Paced at a chosen speed, or as fast as
 * the service takes it.
 *
 * @module
 */
import type { Scenario, SimulatedHour } from "../scenario.ts";
import type { SimTicket } from "../tickets.ts";

const HOUR = 3_600_000;

export interface HttpSinkOptions {
  readonly url: string;
  /** Simulated milliseconds per real millisecond; 0 sends as fast as the service takes it. */
  readonly speed: number;
  readonly apiKey?: string;
}

type TicketAction =
  | { readonly at: number; readonly kind: "open"; readonly ticket: SimTicket }
  | {
    readonly at: number;
    readonly kind: "comment";
    readonly ticket: SimTicket;
    readonly index: number;
  }
  | { readonly at: number; readonly kind: "resolve"; readonly ticket: SimTicket };

export class ScenarioHttpSink {
  readonly #options: HttpSinkOptions;
  readonly #actions: TicketAction[] = [];
  readonly #ticketIds = new Map<string, string>();
  #next = 0;
  #startedAt = 0;
  #simStart = 0;
  lines = 0;
  accepted = 0;
  quarantined = 0;
  ticketsOpened = 0;

  constructor(options: HttpSinkOptions) {
    this.#options = { ...options, url: options.url.replace(/\/+$/, "") };
  }

  begin(scenario: Scenario): Promise<void> {
    for (const ticket of scenario.tickets) {
      this.#actions.push({ at: ticket.openedAt, kind: "open", ticket });
      ticket.communications.forEach((c, index) => {
        if (index > 0) this.#actions.push({ at: c.at, kind: "comment", ticket, index });
      });
      if (ticket.resolution !== null) {
        this.#actions.push({ at: ticket.resolution.resolvedAt, kind: "resolve", ticket });
      }
    }
    this.#actions.sort((a, b) => a.at - b.at);
    this.#startedAt = performance.now();
    this.#simStart = scenario.options.start;
    return Promise.resolve();
  }

  async hour(hour: SimulatedHour): Promise<void> {
    await this.#pace(hour.hourStart + HOUR);
    for (const file of hour.files) {
      if (file.lines.length === 0) continue;
      const [owner, environment, name] = file.file.split("/") as [string, string, string];
      const query = new URLSearchParams({
        customer: owner,
        environment,
        service: name.replace(/\.[^.]+$/, ""),
      });
      const reply = await this.#send(
        `/v1/logs?${query}`,
        "text/plain",
        file.lines.join("\n") + "\n",
      );
      this.lines += file.lines.length;
      this.accepted += Number(reply.accepted ?? 0);
      this.quarantined += Number(reply.quarantined ?? 0);
    }
    const metrics = hour.metrics.map((m) => JSON.stringify(m)).join("\n") + "\n";
    await this.#send("/v1/metrics", "application/x-ndjson", metrics);
    // Tickets of this hour, once the logs they describe are in.
    while (
      this.#next < this.#actions.length && this.#actions[this.#next]!.at < hour.hourStart + HOUR
    ) {
      await this.#ticketAction(this.#actions[this.#next++]!);
    }
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }

  async #ticketAction(action: TicketAction): Promise<void> {
    const { ticket } = action;
    if (action.kind === "open") {
      const reply = await this.#send(
        "/v1/tickets",
        "application/json",
        JSON.stringify({
          customer: ticket.customer,
          environment: ticket.environment,
          subject: ticket.subject,
          description: ticket.description,
          severity: ticket.severity,
          reporter: ticket.reporter,
          external_ref: { system: "simulator", id: ticket.id },
          window: ticket.window,
          opened_at: ticket.openedAt,
        }),
      );
      this.#ticketIds.set(ticket.id, String(reply.id));
      this.ticketsOpened++;
      return;
    }
    const id = this.#ticketIds.get(ticket.id);
    if (id === undefined) return;
    if (action.kind === "comment") {
      const c = ticket.communications[action.index]!;
      await this.#send(
        `/v1/tickets/${id}/comments`,
        "application/json",
        JSON.stringify({
          author: c.author,
          body: c.body,
          visibility: c.visibility,
        }),
      );
      return;
    }
    const r = ticket.resolution!;
    await this.#send(
      `/v1/tickets/${id}/resolution`,
      "application/json",
      JSON.stringify({
        root_cause: r.rootCause,
        solution: r.solution,
        prevention: r.prevention,
        resolver: r.resolver,
      }),
    );
  }

  async #pace(simulatedAt: number): Promise<void> {
    if (this.#options.speed <= 0) return;
    const due = this.#startedAt + (simulatedAt - this.#simStart) / this.#options.speed;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  async #send(path: string, contentType: string, body: string): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { "content-type": contentType };
    if (this.#options.apiKey !== undefined) {
      headers.authorization = `Bearer ${this.#options.apiKey}`;
    }
    const response = await fetch(`${this.#options.url}${path}`, { method: "POST", headers, body });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(
        `Cannot stream to ${this.#options.url}${path}: ${response.status} ${text.slice(0, 500)}`,
      );
    }
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
}
