/**
 * A one-line progress report on stderr, redrawn at most a few times a second.
 * Rates and ETA are computed from the wall clock the caller passes in.
 */
export class ProgressLine {
  readonly #label: string;
  readonly #startedAt: number;
  #lastDrawn = 0;
  readonly #interactive: boolean;

  constructor(label: string, now: number) {
    this.#label = label;
    this.#startedAt = now;
    this.#interactive = Deno.stderr.isTerminal();
  }

  update(now: number, done: number, unit: string, extra: string, fractionDone?: number): void {
    if (now - this.#lastDrawn < (this.#interactive ? 250 : 2000)) return;
    this.#lastDrawn = now;
    const seconds = Math.max((now - this.#startedAt) / 1000, 1e-3);
    const rate = done / seconds;
    const eta = fractionDone !== undefined && fractionDone > 0
      ? `, ETA ${formatDuration(seconds * (1 - fractionDone) / fractionDone)}`
      : "";
    const text = `${this.#label}: ${done.toLocaleString("en")} ${unit} (${
      Math.round(rate).toLocaleString("en")
    } ${unit}/s${eta}) ${extra}`;
    const encoder = new TextEncoder();
    Deno.stderr.writeSync(encoder.encode(this.#interactive ? `\r\x1b[2K${text}` : `${text}\n`));
  }

  end(): void {
    if (this.#interactive) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${Math.round(seconds % 60)}s`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}
