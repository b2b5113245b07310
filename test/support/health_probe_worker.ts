/**
 * Probes `/healthz` from its own thread: the thread that drives a test may
 * build a large body or generate a hostile case synchronously, and a probe
 * timed on that thread would count the driver's own stall as the server's.
 *
 * Messages in: `{ url }` to start, `"stop"` to finish; out: the latencies and failures.
 *
 * @module
 */
declare const self: {
  onmessage: ((event: MessageEvent<{ url: string } | "stop">) => void) | null;
  postMessage(message: { latenciesMs: number[]; failures: number }): void;
  close(): void;
};

let stop = false;
const latenciesMs: number[] = [];
let failures = 0;

async function probe(url: string): Promise<void> {
  while (!stop) {
    const started = performance.now();
    try {
      const response = await fetch(`${url}/healthz`);
      await response.body?.cancel();
      if (response.status !== 200) failures++;
    } catch {
      failures++;
    }
    latenciesMs.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  self.postMessage({ latenciesMs, failures });
  self.close();
}

self.onmessage = ({ data }) => {
  if (data === "stop") stop = true;
  else void probe(data.url);
};
