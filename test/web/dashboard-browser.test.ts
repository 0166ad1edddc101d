import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { happyScript } from "../support/script-builder.js";
import { runCli } from "../support/cli.js";
import { writeScriptedProject } from "../support/scripted-project.js";
import { createTempRepo } from "../workspace/temp-repo.js";
import type { TempRepo } from "../workspace/temp-repo.js";
import { CHROMIUM, launchBrowser, SCREENSHOT_DIR } from "./browser.js";
import { startServe } from "./serve-process.js";
import type { ServeProcess } from "./serve-process.js";

let browser: Browser;
let repo: TempRepo | undefined;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install chromium)`).toBe(true);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});
afterEach(async () => {
  await serve?.stop();
  serve = undefined;
  await repo?.cleanup();
  repo = undefined;
});

/**
 * Task T-1 with two steps; the gate's one check fails while `marker` exists, so a run escalates
 * at S1 (one attempt allowed) and, once the marker is gone, an approval lets the task finish.
 */
async function gatedProject(): Promise<{ r: TempRepo; marker: string }> {
  const r = await createTempRepo();
  const marker = join(dirname(r.root), "gate-fails");
  await writeScriptedProject(r.root, {
    taskId: "T-1",
    goal: "Add a greeting module",
    script: happyScript("T-1", [
      {
        id: "S1",
        description: "Add the greeting",
        files: { "src/greet.ts": "export const greet = (n: string) => `hi ${n}`;\n" },
      },
      { id: "S2", description: "Document it", files: { "docs/greet.md": "# greet\n" } },
    ]),
    checks: {
      "gate-marker": {
        command: [
          "node",
          "-e",
          `process.exit(require("fs").existsSync(${JSON.stringify(marker)}) ? 1 : 0)`,
        ],
        kind: "custom",
      },
    },
    maxAttempts: 1,
  });
  await r.commitAll("orchestrator config");
  return { r, marker };
}

const StatusRows = z.array(z.object({ id: z.string(), state: z.string(), costUsd: z.number() }));
const ReportJson = z.object({ total: z.object({ usd: z.number(), calls: z.number() }) });

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

const usd = (n: number): string => `$${n.toFixed(n !== 0 && Math.abs(n) < 1 ? 4 : 2)}`;

describe("the dashboard in a browser", () => {
  it("follows a run from another process live, shows costs, diff and gate report, and approves from the browser until DONE", async () => {
    const { r, marker } = await gatedProject();
    repo = r;
    await writeFile(marker, "");
    serve = await startServe(repo.root, repo.env);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(serve.loginUrl);
    await page.waitForSelector('[data-task="T-1"]');
    expect(await page.textContent('[data-task="T-1"]')).toContain("NEW");

    // A run in another process; the open page follows it without reloading.
    const run = await runCli(["run", "--task", "T-1"], repo.root, repo.env);
    expect(run.stdout).toContain("AWAITING_HUMAN_REVIEW");
    await page.waitForSelector('[data-task="T-1"] >> text=AWAITING_HUMAN_REVIEW', {
      timeout: 10_000,
    });

    const status = StatusRows.parse(
      JSON.parse((await runCli(["status", "--json"], repo.root, repo.env)).stdout),
    );
    const report = ReportJson.parse(
      JSON.parse((await runCli(["report", "--json"], repo.root, repo.env)).stdout),
    );
    expect(status[0]?.costUsd).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="count-AWAITING_HUMAN_REVIEW"]')).toContain("1");
    expect(await page.textContent('[data-task="T-1"]')).toContain(usd(status[0]?.costUsd ?? -1));
    const allTime = await page.textContent('[data-testid="spend-all time"]');
    expect(allTime).toContain(usd(report.total.usd));
    expect(allTime).toContain(`${report.total.calls} calls`);
    expect(await page.textContent('[data-testid="spend-today"]')).toContain(usd(report.total.usd));
    await shoot(page, "overview");

    await page.click('[data-task="T-1"] a');
    await page.waitForSelector('[data-testid="gate-report"]');
    expect(await page.textContent('[data-testid="step-S1"] pre.diff')).toContain("src/greet.ts");
    expect(
      await page.locator('[data-testid="step-S1"] pre.diff span.hljs-addition').count(),
    ).toBeGreaterThan(0);
    const gate = await page.textContent('[data-testid="step-S1"] [data-testid="gate-report"]');
    expect(gate).toContain("gate-marker");
    expect(gate).toContain("fail");
    expect(await page.textContent('[data-testid="review"]')).toContain("gate_failed");
    await shoot(page, "task-awaiting");

    for (const view of ["quality", "models", "flow"]) {
      await page.goto(`${serve.url}#/${view}`);
      await page.waitForSelector("main h1");
      await page.waitForLoadState("networkidle");
      await shoot(page, view);
    }
    expect(await page.textContent("svg.gantt")).toContain("T-1");
    await page.goto(`${serve.url}#/models`);
    await page.waitForSelector('[data-testid="report-total"]');
    expect(await page.textContent('[data-testid="report-total"]')).toContain(usd(report.total.usd));

    // Approve with feedback; the server resumes the task, and the page shows it DONE.
    await rm(marker);
    await page.goto(`${serve.url}#/task/T-1`);
    await page.fill('textarea[name="feedback"]', "Looks right to me; keep the name greet.");
    await page.click("text=Approve implementation");
    await page.waitForSelector('[data-testid="task-state"] >> text=DONE', { timeout: 30_000 });
    await shoot(page, "task-done");
    const log = await runCli(["log", "T-1"], repo.root, repo.env);
    expect(log.stdout).toContain(
      'approve (step) — "Human reviewer: Looks right to me; keep the name greet."',
    );
    expect(await repo.sh("log", "--format=%s", "main..orchestrator/T-1")).toMatch(/S2/);
    await page.close();
  }, 180_000);

  it("refuses API requests without the token, and cross-site requests with the cookie", async () => {
    repo = (await gatedProject()).r;
    serve = await startServe(repo.root, repo.env);
    const review = `${serve.url}api/tasks/T-1/review`;
    const json = { "Content-Type": "application/json" };

    const anonymous = await fetch(review, {
      method: "POST",
      headers: json,
      body: '{"decision":"approve"}',
    });
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(review, {
      method: "POST",
      headers: { ...json, Authorization: "Bearer not-the-token-at-all" },
      body: '{"decision":"approve"}',
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${serve.url}api/overview`)).status).toBe(401);

    // The page without a session says how to log in, and holds no token.
    const page = await browser.newPage();
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid="login-needed"]');
    const token = new URL(serve.loginUrl).searchParams.get("token") ?? "";
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect(await page.content()).not.toContain(token);
    await shoot(page, "login-needed");

    // Logged in: a request from another origin carrying the cookie is refused.
    await page.goto(serve.loginUrl);
    await page.waitForSelector('[data-task="T-1"]');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "orchestrator_session")).toMatchObject({
      httpOnly: true,
      sameSite: "Strict",
    });
    expect(await page.content()).not.toContain(token);
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const crossSite = await fetch(review, {
      method: "POST",
      headers: { ...json, Cookie: cookie, Origin: "http://evil.example" },
      body: '{"decision":"approve"}',
    });
    expect(crossSite.status).toBe(403);
    // The same request from the dashboard's origin is accepted and judged: T-1 never ran.
    const sameSite = await page.evaluate(async () => {
      const res = await fetch("/api/tasks/T-1/review", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ decision: "approve" }),
      });
      return { status: res.status, body: await res.text() };
    });
    expect(sameSite.status).toBe(409);
    expect(sameSite.body).toContain("not AWAITING_HUMAN_REVIEW");
    const withBearer = await fetch(review, {
      method: "POST",
      headers: { ...json, Authorization: `Bearer ${token}` },
      body: '{"decision":"maybe"}',
    });
    expect(withBearer.status).toBe(400);
    expect(await withBearer.text()).toContain("decision");
    await page.close();
  }, 120_000);

  it("refuses to listen beyond loopback without a token", async () => {
    repo = (await gatedProject()).r;
    const result = await runCli(["serve", "--host", "0.0.0.0", "--port", "0"], repo.root, {
      ...repo.env,
      ORCHESTRATOR_TOKEN: "",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without a token/);
  }, 120_000);
});
