/**
 * The console in a real browser (Debian's Chromium) against the real service
 * holding the scenario fixture: what a support engineer does with a ticket,
 * click by click. One browser and one server for every step.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { chromiumAvailable, clickAndLoad, countOf, openBrowser, read, textOf } from "./browser.ts";
import { startScenarioServer } from "./scenario_server.ts";

const haveChromium = await chromiumAvailable();
if (!haveChromium) {
  console.warn(
    "Skipping the console's browser tests: /usr/bin/chromium is missing (apt-get install chromium)",
  );
}

Deno.test({
  name:
    "console in Chromium: list, filter, open a ticket, read its logs and metrics, link a cause, resolve it",
  ignore: !haveChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const scenario = await startScenarioServer();
    const { browser, close } = await openBrowser();
    try {
      const page = await browser.newPage();
      const base = scenario.url;
      let ticketUrl = "";

      await t.step("the ticket list shows the open tickets", async () => {
        await page.goto(`${base}/`, { waitUntil: "load" });
        assert.equal(new URL(page.url()).pathname, "/console/tickets");
        assert.match((await textOf(page, ".count"))!, /^2 tickets/);
        assert.equal(await countOf(page, "table.tickets tbody tr"), 2);
      });

      await t.step("filtering by severity leaves only those tickets", async () => {
        await page.select("select[name=severity]", "critical");
        await page.click("form.filters button[type=submit]");
        await until(
          async () => (await textOf(page, ".count"))?.startsWith("1 ticket") ?? false,
          "the list to show one ticket",
        );
        const severities = await read<string[]>(
          page,
          `[...document.querySelectorAll("table.tickets tbody .badge")].map((b) => b.innerText)`,
        );
        assert.deepEqual(severities, ["critical"]);
        assert.match(page.url(), /severity=critical/);
      });

      await t.step("opening a ticket shows its subject, customer and conversation", async () => {
        await clickAndLoad(page, "table.tickets tbody a");
        ticketUrl = page.url();
        assert.match(ticketUrl, /\/console\/tickets\/[^/?]+$/);
        assert.match((await textOf(page, "h1"))!, /^Outage\?/);
        assert.match((await textOf(page, "dl.facts"))!, /enterprise tier/);
        assert.ok(await countOf(page, ".comment.internal") > 0);
        assert.ok(await countOf(page, ".comment.public") > 0);
      });

      await t.step("older lines come by cursor, appended below, newest first", async () => {
        const before = await levelsShown(page);
        assert.equal(await countOf(page, "a[data-more]"), 1, "no older lines to page to");
        const times = () =>
          read<string[]>(
            page,
            `[...document.querySelectorAll("li.log .time")].map((t) => t.innerText)`,
          );
        await page.click("a[data-more]");
        await until(
          async () => (await levelsShown(page)).length > before.length,
          "older lines to be appended",
        );
        const shown = await times();
        assert.deepEqual(shown, [...shown].sort().reverse(), "newest first across pages");
      });

      await t.step("filtering its logs to ERROR shows only errors", async () => {
        const before = await levelsShown(page);
        assert.ok(new Set(before).size > 1, `levels before filtering: ${[...new Set(before)]}`);
        for (const level of ["WARN", "INFO", "DEBUG"]) {
          await page.click(`input[name=level][value=${level}]`);
        }
        await page.click("#logs form button[type=submit]");
        await until(
          async () =>
            new URL(page.url()).searchParams.getAll("level").join() === "ERROR" &&
            (await levelsShown(page)).every((level) => level === "ERROR"),
          "the log panel to show the ERROR filter",
          async () => `${page.url()} ${[...new Set(await levelsShown(page))]}`,
        );
        assert.ok((await levelsShown(page)).length > 0, "no error lines");
        const badges = await read<string[]>(
          page,
          `[...document.querySelectorAll("li.log .badge")].map((b) => b.innerText)`,
        );
        assert.ok(badges.every((b) => b === "ERROR" || b === "FATAL"), badges.join());
        // Read as text (and copied) a line keeps its service and message apart.
        const rows = await read<string[][]>(
          page,
          `[...document.querySelectorAll("li.log")].map((row) => [
            row.querySelector(".svc").innerText,
            row.querySelector(".msg").innerText,
            row.innerText,
          ]).filter(([service]) => service !== "")`,
        );
        assert.ok(rows.length > 0, "no line with a service");
        for (const [service, message, text] of rows) {
          assert.ok(text!.includes(`${service} ${message}`), text);
        }
      });

      await t.step("a breached metric is highlighted, with its severity in words", async () => {
        assert.ok(await countOf(page, "figure.metric.breached") > 0);
        assert.match((await textOf(page, "figure.metric.breached figcaption"))!, /CRITICAL breach/);
        assert.ok(
          await countOf(page, "figure.metric.breached circle.breach-point.sev-critical") > 0,
        );
        assert.equal(await countOf(page, "figure.metric:not(.breached) circle.breach-point"), 0);
      });

      await t.step("linking a likely cause links it to the ticket", async () => {
        const signatureId = await read<string>(
          page,
          `document.querySelector("li.candidate").dataset.signature`,
        );
        await clickAndLoad(page, "li.candidate form button");
        assert.equal(
          await textOf(page, `li.candidate[data-signature="${signatureId}"] .badge.linked`),
          "linked to this ticket",
        );
        const id = new URL(ticketUrl).pathname.split("/").at(-1);
        const api = await (await fetch(`${base}/v1/tickets/${id}`)).json();
        assert.ok(api.links.signatures.includes(signatureId), JSON.stringify(api.links));
      });

      await t.step("an empty resolution shows the errors beside its fields", async () => {
        await clickAndLoad(page, ".resolution-form button[type=submit]");
        assert.equal(
          await textOf(page, "#resolution-rootCause-error"),
          "Say what caused the problem.",
        );
        assert.equal(await textOf(page, "#resolution-solution-error"), "Say what solved it.");
        assert.equal(await countOf(page, "#resolution-prevention-error"), 0);
        assert.equal(
          await read(
            page,
            `document.getElementById("resolution-rootCause").getAttribute("aria-invalid")`,
          ),
          "true",
        );
        assert.equal(await countOf(page, "li.resolution"), 0);
      });

      await t.step("a real resolution appears in the history with its resolver", async () => {
        await page.type(
          "#resolution-rootCause",
          "Connection pool exhausted after the 5.7.1 rollout",
        );
        await page.type("#resolution-solution", "Raised the pool size and restarted checkout");
        await page.type("#resolution-prevention", "Alert on pool saturation");
        await clickAndLoad(page, ".resolution-form button[type=submit]");
        const text = (await textOf(page, "li.resolution"))!;
        assert.match(text, /Connection pool exhausted after the 5\.7\.1 rollout/);
        assert.match(text, /Alert on pool saturation/);
        assert.match(text, /by anonymous at 20\d\d-/);
        assert.equal(await countOf(page, ".field-error"), 0);
      });

      await t.step("the other pages render for the same data", async () => {
        for (
          const path of [
            "/console/issues",
            "/console/customers/granite-wines",
            "/console/kb?q=export",
            "/console/kb/drafts",
          ]
        ) {
          const response = await page.goto(`${base}${path}`, { waitUntil: "load" });
          assert.equal(response?.status(), 200, path);
          assert.equal(await countOf(page, "h1"), 1, path);
        }
        await page.goto(`${base}/console/issues`, { waitUntil: "load" });
        await clickAndLoad(page, "table.issues a");
        assert.match(page.url(), /\/console\/issues\/iss_/);
        assert.ok(await countOf(page, "section.occurrences svg.chart polyline.series") > 0);
      });
    } finally {
      await close();
      await scenario.stop();
    }
  },
});

Deno.test({
  name:
    "console in Chromium with tokens: a page asks for sign-in, the form signs in, then it opens",
  ignore: !haveChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const scenario = await startScenarioServer({ LOUPE_API_KEY: "browser-admin-key" });
    const { browser, close } = await openBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${scenario.url}/console/issues`, { waitUntil: "load" });
      assert.equal(new URL(page.url()).pathname, "/console/signin");
      await page.type("#token", "not-the-key");
      await clickAndLoad(page, "form button[type=submit]");
      assert.match((await textOf(page, ".field-error"))!, /not valid/);
      await page.type("#token", "browser-admin-key");
      await clickAndLoad(page, "form button[type=submit]");
      assert.equal(new URL(page.url()).pathname, "/console/issues", "back where it was going");
      assert.equal(await countOf(page, "h1"), 1);
      const cookies = await page.cookies();
      const session = cookies.find((c) => c.name === "loupe_session");
      assert.ok(session?.httpOnly && session.sameSite === "Strict", JSON.stringify(cookies));
    } finally {
      await close();
      await scenario.stop();
    }
  },
});

/** The level of every log line on the page, read at one moment. */
function levelsShown(page: Page): Promise<string[]> {
  return read(page, `[...document.querySelectorAll("li.log")].map((line) => line.dataset.level)`);
}

/** Waits for what the page shows, polling from here. */
async function until(
  check: () => Promise<boolean>,
  what: string,
  state?: () => Promise<string>,
): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${what}${state ? `: ${await state()}` : ""}`);
}
