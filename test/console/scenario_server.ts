/**
 * The real service on a temp store holding the scenario fixture: customers,
 * tickets, articles and logs imported by `replay`, metrics pushed over HTTP.
 * What the browser tests and the screenshots look at.
 */
import { runEntry } from "../support/cli.ts";
import { type RunningServer, startServer } from "../support/server.ts";

const FIXTURE = new URL("../../fixtures/scenario/", import.meta.url).pathname;

export interface ScenarioServer {
  readonly url: string;
  readonly server: RunningServer;
  stop(): Promise<void>;
}

export async function startScenarioServer(
  env: Record<string, string> = {},
): Promise<ScenarioServer> {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-console-" });
  const replay = await runEntry("replay", [
    "--data",
    dataDir,
    "--customers",
    `${FIXTURE}customers.csv`,
    "--tickets",
    `${FIXTURE}tickets.json`,
    "--articles",
    `${FIXTURE}articles.json`,
    "--import",
    `${FIXTURE}logs`,
  ]);
  if (replay.code !== 0) throw new Error(`Cannot import the scenario: ${replay.stderr}`);
  const server = await startServer(dataDir, env);
  const headers: Record<string, string> = { "content-type": "application/x-ndjson" };
  if (env.LOUPE_API_KEY !== undefined) headers.authorization = `Bearer ${env.LOUPE_API_KEY}`;
  const metrics = await fetch(`${server.url}/v1/metrics`, {
    method: "POST",
    headers,
    body: await Deno.readFile(`${FIXTURE}metrics.jsonl`),
  });
  if (!metrics.ok) throw new Error(`Cannot push the scenario's metrics: ${await metrics.text()}`);
  return {
    url: server.url,
    server,
    stop: async () => {
      await server.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}
