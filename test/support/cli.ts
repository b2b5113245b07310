import denoJson from "../../deno.json" with { type: "json" };

const root = new URL("../../", import.meta.url).pathname;

/** The command line of `deno task <name>`, from deno.json. */
function taskFlags(name: string): string[] {
  const task = (denoJson.tasks as Record<string, string>)[name];
  if (task === undefined) throw new Error(`deno.json has no task ${name}`);
  return task.split(/\s+/);
}

/**
 * The permissions `deno task <name>` grants, read from deno.json: an entry
 * point run by a test gets exactly what a user's task gets, so a task that
 * lacks one (backtest lacked --allow-ffi) fails its tests too.
 */
export function taskPermissions(name: string): string[] {
  return taskFlags(name).filter((flag) => flag.startsWith("--allow-"));
}

/**
 * The V8 flags `deno task <name>` gives (deno.json: a larger young generation
 * for the tasks that import by the million) and any others, as the one
 * `--v8-flags=` argument (none when there are none), so a test or bench runs
 * what a user's task runs.
 */
export function v8FlagsArguments(name: string, extra: readonly string[] = []): string[] {
  const given = taskFlags(name).find((flag) => flag.startsWith("--v8-flags="));
  const flags = [
    ...(given === undefined ? [] : given.slice("--v8-flags=".length).split(",")),
    ...extra,
  ];
  return flags.length === 0 ? [] : [`--v8-flags=${flags.join(",")}`];
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
      ...v8FlagsArguments(name, extraV8Flags),
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
