import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";

/** Debian's Chromium, as the tests and `.ci/run` install it. */
export const CHROMIUM = "/usr/bin/chromium";

/** Where the browser tests write their screenshots (git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(
  new URL("../../test-artifacts/dashboard/", import.meta.url),
);

/** Launches headless Chromium with the flags a shared CI machine needs. */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    timeout: 30_000,
  });
}
