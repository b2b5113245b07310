/**
 * A few module workers that take jobs in turn and answer each by its id:
 * what the body, syslog and OTLP parsers share. A job's bytes are moved
 * to the worker, not copied.
 *
 * @module
 */

/** What every worker answers: its result for the job with this id, or why it failed. */
export type WorkerAnswer<Result> = (Result & { readonly id: number }) | {
  readonly id: number;
  readonly error: string;
};

export class WorkerPool<Job extends { readonly id: number }, Result> {
  readonly #workers: Worker[];
  readonly #waiting = new Map<number, (answer: WorkerAnswer<Result>) => void>();
  readonly #name: string;
  #nextId = 0;

  /** `name` says what the workers are in an error ("body parser worker failed: ..."). */
  constructor(script: URL, workers: number, name: string) {
    this.#name = name;
    this.#workers = Array.from({ length: workers }, (_, index) => {
      const worker = new Worker(script, { type: "module", name: `loupe-${name}-${index}` });
      worker.onmessage = ({ data }: MessageEvent<WorkerAnswer<Result>>) => {
        this.#waiting.get(data.id)?.(data);
        this.#waiting.delete(data.id);
      };
      worker.onerror = (event) => {
        // A job's own failure comes back as an answer; this is the worker itself failing.
        event.preventDefault();
        this.#failAll(`${name} worker failed: ${event.message}`);
      };
      return worker;
    });
  }

  /** Sends `bytes` (taken over) with the job `make` builds for the id it is given. */
  run(bytes: Uint8Array, make: (id: number, bytes: Uint8Array) => Job): Promise<
    WorkerAnswer<Result>
  > {
    const id = this.#nextId++;
    const worker = this.#workers[id % this.#workers.length]!;
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength &&
        bytes.buffer instanceof ArrayBuffer
      ? bytes as Uint8Array<ArrayBuffer>
      : bytes.slice();
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      worker.postMessage(make(id, owned), [owned.buffer]);
    });
  }

  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#failAll(`The ${this.#name}s were closed`);
  }

  #failAll(error: string): void {
    for (const settle of this.#waiting.values()) settle({ id: -1, error });
    this.#waiting.clear();
  }
}
