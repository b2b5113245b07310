const root = new URL("../../", import.meta.url).pathname;

/** Runs one of the project's entry points (`src/<name>.ts`) as `deno task` would. */
export async function runEntry(
  name: "replay" | "mine" | "simulate",
  args: string[],
  denoFlags: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-ffi",
      "--allow-sys",
      "--allow-net",
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
