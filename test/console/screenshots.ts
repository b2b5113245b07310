/**
 * `deno task screenshots DIR`: one 1280x800 PNG per console page, taken in
 * Chromium from a server of its own on a temp store with the scenario
 * fixture, so a person can look at the console without starting it.
 * `--url URL` shoots an already running console instead.
 */
import { chromiumAvailable, openBrowser, read } from "./browser.ts";
import { startScenarioServer } from "./scenario_server.ts";
import { startServer } from "../support/server.ts";

const args = [...Deno.args];
const urlFlag = args.indexOf("--url");
const givenUrl = urlFlag >= 0 ? args.splice(urlFlag, 2)[1] : undefined;
const dir = args[0];
if (dir === undefined) {
  console.error("Usage: deno task screenshots DIR [--url URL]");
  Deno.exit(2);
}
if (!(await chromiumAvailable())) {
  console.error("Cannot take screenshots: /usr/bin/chromium is missing (apt-get install chromium)");
  Deno.exit(1);
}
await Deno.mkdir(dir, { recursive: true });
const scenario = givenUrl === undefined ? await startScenarioServer() : undefined;
const base = givenUrl ?? scenario!.url;
const { browser, close } = await openBrowser();
try {
  const page = await browser.newPage();
  const shoot = async (name: string, path: string, fullPage = false) => {
    await page.goto(`${base}${path}`, { waitUntil: "load" });
    const file = `${dir}/${name}.png` as const;
    await page.screenshot({ path: file, fullPage });
    console.log(`${file}  ${path}`);
  };
  const tickets = await (await fetch(`${base}/v1/tickets?limit=100`)).json() as {
    items: { id: string }[];
  };
  // The ticket whose metrics breach most rules shows the most of the page.
  let ticketId = tickets.items[0]?.id;
  let most = -1;
  for (const { id } of tickets.items) {
    const metrics = await (await fetch(`${base}/v1/tickets/${id}/metrics`)).json() as {
      findings?: unknown[];
    };
    if ((metrics.findings?.length ?? 0) > most) [most, ticketId] = [metrics.findings!.length, id];
  }
  await shoot("01-tickets", "/console/tickets?status=");
  if (ticketId !== undefined) {
    await shoot("02-ticket", `/console/tickets/${ticketId}`);
    for (
      const [name, section] of [["03-ticket-metrics", "metrics"], ["04-ticket-causes", "causes"]]
    ) {
      await page.evaluate(`document.getElementById("${section}").scrollIntoView()`);
      await page.screenshot({ path: `${dir}/${name}.png` });
      console.log(`${dir}/${name}.png  /console/tickets/${ticketId}#${section}`);
    }
  }
  await shoot("05-issues", "/console/issues");
  const href = (selector: string) =>
    read<string | null>(
      page,
      `document.querySelector("${selector}")?.getAttribute("href") ?? null`,
    );
  const issueHref = await href("table.issues a");
  if (issueHref !== null) await shoot("06-issue", `${issueHref}?by=customer`);
  await shoot(
    "07-customer",
    (await href("a[href^='/console/customers/']")) ?? "/console/customers/granite-wines",
  );
  await shoot("08-kb-search", "/console/kb?q=export");
  const articleHref = await href("ol.results a");
  if (articleHref !== null) await shoot("09-article", articleHref);
  await shoot("10-kb-drafts", "/console/kb/drafts");
  await page.setViewport({ width: 390, height: 800 });
  if (ticketId !== undefined) await shoot("11-ticket-phone", `/console/tickets/${ticketId}`);
  if (givenUrl === undefined) {
    // The scenario's server runs without tokens, so it never asks anyone to sign in.
    await page.setViewport({ width: 1280, height: 800 });
    const data = await Deno.makeTempDir({ prefix: "loupe-screenshots-" });
    const guarded = await startServer(data, { LOUPE_API_KEY: crypto.randomUUID() });
    try {
      await page.goto(`${guarded.url}/console/tickets`, { waitUntil: "load" });
      await page.screenshot({ path: `${dir}/12-sign-in.png` });
      console.log(`${dir}/12-sign-in.png  /console/signin`);
    } finally {
      await guarded.stop();
      await Deno.remove(data, { recursive: true });
    }
  }
} finally {
  await close();
  await scenario?.stop();
}
