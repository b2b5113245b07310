/**
 * The console in a real browser (Debian's Chromium) against the real service
 * holding the scenario fixture: what a support engineer does with a ticket,
 * click by click. One browser and one server for every step.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { chromiumAvailable, openBrowser } from "./browser.ts";
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
    const { context, close } = await openBrowser();
    try {
      const page = await context.newPage();
      const base = scenario.url;
      let ticketUrl = "";

      await t.step("the ticket list shows the open tickets", async () => {
        await page.goto(`${base}/`);
        assert.equal(new URL(page.url()).pathname, "/console/tickets");
        assert.match(await page.locator(".count").innerText(), /^2 tickets/);
        assert.equal(await page.locator("table.tickets tbody tr").count(), 2);
      });

      await t.step("filtering by severity leaves only those tickets", async () => {
        await page.locator("select[name=severity]").selectOption("critical");
        await page.getByRole("button", { name: "Apply" }).click();
        await until(
          async () => (await page.locator(".count").innerText()).startsWith("1 ticket"),
          "the list to show one ticket",
        );
        const severities = await page.locator("table.tickets tbody .badge").allInnerTexts();
        assert.deepEqual(severities, ["critical"]);
        assert.match(page.url(), /severity=critical/);
      });

      await t.step("opening a ticket shows its subject, customer and conversation", async () => {
        await page.locator("table.tickets tbody a").first().click();
        await page.waitForURL(/\/console\/tickets\/[^/?]+$/);
        ticketUrl = page.url();
        assert.equal(
          await page.locator("h1").innerText().then((s) => s.startsWith("Outage?")),
          true,
        );
        assert.match(await page.locator("dl.facts").innerText(), /enterprise tier/);
        assert.ok(await page.locator(".comment.internal").count() > 0);
        assert.ok(await page.locator(".comment.public").count() > 0);
      });

      await t.step("filtering its logs to ERROR shows only errors", async () => {
        const all = await levelsShown(page);
        assert.ok(new Set(all).size > 1, `levels before filtering: ${[...new Set(all)]}`);
        for (const level of ["WARN", "INFO", "DEBUG"]) {
          await page.locator(`input[name=level][value=${level}]`).uncheck();
        }
        await page.getByRole("button", { name: "Filter logs" }).click();
        await until(
          async () =>
            new URL(page.url()).searchParams.getAll("level").join() === "ERROR" &&
            (await levelsShown(page)).every((level) => level === "ERROR"),
          "the log panel to show the ERROR filter",
          async () => `${page.url()} ${[...new Set(await levelsShown(page))]}`,
        );
        const levels = await levelsShown(page);
        assert.ok(levels.length > 0, "no error lines");
        assert.deepEqual([...new Set(levels)], ["ERROR"]);
        const badges = await page.locator("li.log .badge").allInnerTexts();
        assert.ok(badges.every((b) => b === "ERROR" || b === "FATAL"), badges.join());
      });

      await t.step("a breached metric is highlighted, with its severity in words", async () => {
        const breached = page.locator("figure.metric.breached");
        assert.ok(await breached.count() > 0);
        assert.match(await breached.first().locator("figcaption").innerText(), /CRITICAL breach/);
        assert.ok(await breached.first().locator("circle.breach-point.sev-critical").count() > 0);
        assert.equal(
          await page.locator("figure.metric:not(.breached) circle.breach-point").count(),
          0,
        );
      });

      await t.step("linking a likely cause links it to the ticket", async () => {
        const first = page.locator("li.candidate").first();
        const signatureId = await first.getAttribute("data-signature");
        await first.getByRole("button", { name: "Link to ticket" }).click();
        await page.waitForLoadState("load");
        const linked = page.locator(`li.candidate[data-signature="${signatureId}"] .badge.linked`);
        assert.equal(await linked.innerText(), "linked to this ticket");
        const id = new URL(ticketUrl).pathname.split("/").at(-1);
        const api = await (await fetch(`${base}/v1/tickets/${id}`)).json();
        assert.ok(api.links.signatures.includes(signatureId), JSON.stringify(api.links));
      });

      await t.step("an empty resolution shows the errors beside its fields", async () => {
        await page.getByRole("button", { name: "Record resolution" }).click();
        await page.waitForLoadState("load");
        assert.equal(
          await page.locator("#resolution-rootCause-error").innerText(),
          "Say what caused the problem.",
        );
        assert.equal(
          await page.locator("#resolution-solution-error").innerText(),
          "Say what solved it.",
        );
        assert.equal(await page.locator("#resolution-prevention-error").count(), 0);
        assert.equal(
          await page.getByLabel("Root cause", { exact: true }).getAttribute("aria-invalid"),
          "true",
        );
        assert.equal(await page.locator("li.resolution").count(), 0);
      });

      await t.step("a real resolution appears in the history with its resolver", async () => {
        await page.getByLabel("Root cause", { exact: true }).fill(
          "Connection pool exhausted after the 5.7.1 rollout",
        );
        await page.getByLabel("Solution", { exact: true }).fill(
          "Raised the pool size and restarted the checkout service",
        );
        await page.getByLabel("Prevention (optional)").fill("Alert on pool saturation");
        await page.getByRole("button", { name: "Record resolution" }).click();
        await page.waitForLoadState("load");
        const resolution = page.locator("li.resolution").first();
        const text = await resolution.innerText();
        assert.match(text, /Connection pool exhausted after the 5\.7\.1 rollout/);
        assert.match(text, /Alert on pool saturation/);
        assert.match(text, /by anonymous at 20\d\d-/);
        assert.equal(await page.locator(".field-error").count(), 0);
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
          const response = await page.goto(`${base}${path}`);
          assert.equal(response?.status(), 200, path);
          assert.ok(await page.locator("h1").count() === 1, path);
        }
        await page.goto(`${base}/console/issues`);
        await page.locator("table.issues a").first().click();
        await page.waitForURL(/\/console\/issues\/iss_/);
        assert.ok(await page.locator("section.occurrences svg.chart polyline.series").count() > 0);
      });
    } finally {
      await close();
      await scenario.stop();
    }
  },
});

/** The level of every log line on the page, read at one moment. */
function levelsShown(page: Page): Promise<string[]> {
  return page.evaluate(
    `[...document.querySelectorAll("li.log")].map((line) => line.dataset.level)`,
  ) as Promise<string[]>;
}

/** Waits for what the page shows, without evaluating strings in it (its CSP forbids eval). */
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
