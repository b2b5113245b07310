/**
 * Debian's Chromium driven by puppeteer-core: headless, no sandbox (CI runs
 * as root in a container), nothing fetched from the network, a fresh profile
 * in a temp dir removed on close. (playwright-core was tried first: it reads
 * /proc/sys at import, which Deno allows only with --allow-all.)
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export const CHROMIUM = "/usr/bin/chromium";

export async function chromiumAvailable(): Promise<boolean> {
  try {
    return (await Deno.stat(CHROMIUM)).isFile;
  } catch {
    return false;
  }
}

export interface OpenBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<OpenBrowser> {
  const profile = await Deno.makeTempDir({ prefix: "loupe-chromium-" });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    defaultViewport: { width: 1280, height: 800 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-dev-shm-usage",
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** Evaluates an expression in the page (a string: the tests type-check without the DOM library). */
export function read<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

export function textOf(page: Page, selector: string): Promise<string | null> {
  return read(page, `document.querySelector(${JSON.stringify(selector)})?.innerText ?? null`);
}

export function countOf(page: Page, selector: string): Promise<number> {
  return read(page, `document.querySelectorAll(${JSON.stringify(selector)}).length`);
}

/** Clicks what submits a form or follows a link, and waits for the page it leads to. */
export async function clickAndLoad(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
}
