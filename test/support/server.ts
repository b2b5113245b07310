import { taskPermissions, v8FlagsArguments } from "./cli.ts";

/** Starts the real service (`src/main/serve.ts`) as a child process on a free port. */
export interface RunningServer {
  readonly url: string;
  readonly process: Deno.ChildProcess;
  /** Graceful stop (SIGTERM) and wait. */
  stop(): Promise<void>;
  /** SIGKILL: no chance to flush or clean up. */
  kill(): Promise<void>;
}

const root = new URL("../../", import.meta.url).pathname;

export async function startServer(
  dataDir: string,
  env: Record<string, string> = {},
  extraArgs: string[] = [],
): Promise<RunningServer> {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...taskPermissions("serve"),
      ...v8FlagsArguments("serve"),
      `${root}src/main/serve.ts`,
      "--port",
      "0",
      "--data",
      dataDir,
      ...extraArgs,
    ],
    cwd: root,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  });
  const process = command.spawn();
  const url = await new Promise<string>((resolve, reject) => {
    const decoder = new TextDecoder();
    let seen = "";
    const reader = process.stdout.getReader();
    const timer = setTimeout(() => reject(new Error(`Server did not start: ${seen}`)), 30_000);
    (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          clearTimeout(timer);
          const errors = await new Response(process.stderr).text().catch(() => "");
          reject(new Error(`Server exited before listening: ${seen}${errors}`));
          return;
        }
        seen += decoder.decode(value);
        const match = /listening on (http:\/\/[^\s]+)/.exec(seen);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
          // Keep draining so the child never blocks on a full pipe.
          (async () => {
            for (;;) if ((await reader.read()).done) break;
          })().catch(() => {});
          return;
        }
      }
    })().catch(reject);
  });
  const drainErrors = new Response(process.stderr).text().catch(() => "");
  const finish = async () => {
    await process.status;
    await drainErrors;
  };
  return {
    url,
    process,
    stop: async () => {
      process.kill("SIGTERM");
      await finish();
    },
    kill: async () => {
      process.kill("SIGKILL");
      await finish();
    },
  };
}
