const root = new URL("../../", import.meta.url).pathname;

/** The permissions the project's tasks grant (see deno.json). */
export const TASK_PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys",
  "--allow-net",
];

/** Runs one of the project's entry points (`src/<name>.ts`) as `deno task` would. */
export async function runEntry(
  name: "replay" | "mine" | "simulate",
  args: string[],
  denoFlags: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...TASK_PERMISSIONS,
      ...denoFlags,
      `${root}src/${name}.ts`,
      ...args,
    ],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}
