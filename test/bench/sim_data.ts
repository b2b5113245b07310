/**
 * Simulator output for the benches that measure against its ground truth:
 * run once per bench (or reused with `LOUPE_BENCH_SIM_DIR=DIR`), sized by
 * `LOUPE_BENCH_SIM_ARGS`.
 */
import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { LmdbProjectionStore } from "../../adapters/lmdb/projection_store.ts";
import { Loupe } from "../../src/app/loupe.ts";
import { runEntry } from "../support/cli.ts";

export const SIM_ARGS = (Deno.env.get("LOUPE_BENCH_SIM_ARGS") ??
  "--customers 90 --days 21 --events-per-day 250000 --seed 42").split(/\s+/).filter((a) => a);

/**
 * The catalogue signatures of the truth's root: every template that shares a
 * line with the root template, else the closest template. A miner may keep a
 * low-variety value such as a currency, or a rare id, as a constant and split
 * one root into a few signatures, or mask a constant of the root (a path, an
 * HTTP status); any of them points the engineer at the right error.
 */
export function trueRoots(
  rootText: string,
  templates: readonly { id: string; tokens: Set<string>; template: string }[],
): Set<string> {
  const normalized = rootText.replace(/\s+/g, " ").trim();
  const generated = new RegExp(
    `^${
      normalized.split("<*>").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\S+")
    }$`,
  );
  const rootTokens = normalized.split(" ");
  const matching = templates.filter((t) => {
    // A stack trace joined to the line is part of the record, not of its message.
    const template = t.template.split("\n")[0]!.replace(/\s+/g, " ").trim();
    if (template === normalized || generated.test(template)) return true;
    // Word by word, each either the same or a wildcard on one side.
    const tokens = template.split(" ");
    return tokens.length === rootTokens.length &&
      tokens.some((token) => token !== "<*>") &&
      tokens.every((token, i) =>
        token === rootTokens[i] || token === "<*>" || rootTokens[i] === "<*>"
      );
  });
  if (matching.length > 0) return new Set(matching.map((t) => t.id));
  const tokens = new Set(rawTokens(rootText));
  let best: { id: string; score: number } | undefined;
  for (const t of templates) {
    let shared = 0;
    for (const token of tokens) if (t.tokens.has(token)) shared++;
    const score = shared / (tokens.size + t.tokens.size - shared || 1);
    if (best === undefined || score > best.score) best = { id: t.id, score };
  }
  return best !== undefined && best.score >= 0.5 ? new Set([best.id]) : new Set();
}

export function rawTokens(text: string): string[] {
  return text.replace(/<\*>/g, " ").toLowerCase().split(/[^a-z0-9]+/).filter((t) => t.length > 0);
}

export async function simulatorOutput(): Promise<{ dir: string; cleanup: boolean; args: string }> {
  const given = Deno.env.get("LOUPE_BENCH_SIM_DIR");
  if (given !== undefined) return { dir: given, cleanup: false, args: `(existing ${given})` };
  try {
    await Deno.stat(new URL("../../simulation/simulate.ts", import.meta.url));
  } catch {
    throw new Error(
      "Cannot run the bench: the simulator (simulation/simulate.ts, `deno task simulate`) is not there yet; " +
        "set LOUPE_BENCH_SIM_DIR to a simulator output to measure without it",
    );
  }
  const dir = await Deno.makeTempDir({ prefix: "loupe-bench-sim-" });
  const simulated = await runEntry("simulate", [...SIM_ARGS, "--out", dir]);
  if (simulated.code !== 0) {
    throw new Error(`Cannot run the bench: simulate failed: ${simulated.stderr}`);
  }
  return { dir, cleanup: true, args: SIM_ARGS.join(" ") };
}

/** Imports a simulator output (its customers, then its logs) into a fresh LMDB store at `data`. */
export async function replaySimulation(simDir: string, data: string): Promise<void> {
  const imported = await runEntry("replay", [
    "--data",
    data,
    "--customers",
    `${simDir}/customers.csv`,
    "--import",
    `${simDir}/logs`,
  ]);
  if (imported.code !== 0) throw new Error(`Cannot import the logs: ${imported.stderr}`);
}

/** A Loupe over a store `replaySimulation` built, to query its views; `close` when done. */
export async function openStoredLoupe(data: string) {
  const environment = openLmdb(data);
  const store = new LmdbEventStore(environment);
  const projections = new LmdbProjectionStore(environment);
  const loupe = await Loupe.start({
    store,
    projectionStore: projections,
    clock: { now: () => Date.now() },
    newId: () => crypto.randomUUID(),
  });
  return { store, projections, loupe, close: () => environment.close() };
}
