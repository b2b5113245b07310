import denoJson from "../../deno.json" with { type: "json" };

const root = new URL("../../", import.meta.url).pathname;

/**
 * The permissions `deno task <name>` grants, read from deno.json: an entry
 * point run by a test gets exactly what a user's task gets, so a task that
 * lacks one (backtest lacked --allow-ffi) fails its tests too.
 */
export function taskPermissions(name: string): string[] {
  const task = (denoJson.tasks as Record<string, string>)[name];
  if (task === undefined) throw new Error(`deno.json has no task ${name}`);
  return task.split(/\s+/).filter((flag) => flag.startsWith("--allow-"));
}

/**
 * The V8 flags the project's tasks give (see deno.json): a larger young
 * generation, because ingest allocates short-lived records by the million and
 * the default one made it spend a fifth of its time collecting them.
 */
export const TASK_V8_FLAGS = ["--max-semi-space-size=64"];

/** `--v8-flags=` with the tasks' flags and any others. */
export function v8FlagsArgument(extra: readonly string[] = []): string {
  return `--v8-flags=${[...TASK_V8_FLAGS, ...extra].join(",")}`;
}

/** The tools' entry points live in `simulation/`; the product's in `src/main/`. */
const TOOLS: ReadonlySet<string> = new Set(["mine", "simulate"]);

/**
 * Runs one of the project's entry points (`src/main/<name>.ts`,
 * `simulation/<name>.ts`) as `deno task` would; with `timeoutMs`, a run that
 * does not end in time is killed and the call rejects.
 */
export async function runEntry(
  name: "replay" | "mine" | "simulate" | "backtest" | "tokens" | "forget",
  args: string[],
  extraV8Flags: string[] = [],
  timeoutMs?: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...taskPermissions(name),
      v8FlagsArgument(extraV8Flags),
      `${root}${TOOLS.has(name) ? "simulation" : "src/main"}/${name}.ts`,
      ...args,
    ],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}
