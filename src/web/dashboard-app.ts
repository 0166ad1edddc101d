import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { Hono } from "hono";
import type { Context, Next } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { OrchestratorError, UserError } from "../core/errors.js";
import type { StoredEvent } from "../core/events.js";
import type { Clock, Store } from "../core/ports.js";
import type { BudgetsConfig, ModelSpec } from "../core/project-config.js";
import type { HumanDecision } from "../core/state-machine.js";
import type { Task } from "../core/task.js";
import type { LiveEvent } from "./api-types.js";
import { isLoopback, readCookie, sameSecret, SESSION_COOKIE, sessionValue } from "./auth.js";
import type { EventFeed } from "./event-feed.js";
import { buildFlow } from "./flow.js";
import { buildModels } from "./models.js";
import { buildOverview } from "./overview.js";
import type { TaskLog } from "./overview.js";
import { buildQuality } from "./quality.js";
import { buildTaskDetail, transcriptPath } from "./task-detail.js";

/** What the browser may ask the server to do; the composition root wires the engine in. */
export interface DashboardActions {
  /** Records the decision through the same code as `orchestrator review`; returns the new state. */
  review(taskId: string, decision: HumanDecision, feedback?: string): Promise<{ state: string }>;
  /** Starts `resume` of the task in the background; false when one is already running. */
  resume(taskId: string): boolean;
}

export interface DashboardDeps {
  readonly store: Store;
  /** Tasks of tasks.yaml (the store adds those it has seen). */
  readonly tasks: () => readonly Task[];
  readonly budgets: BudgetsConfig | undefined;
  /** The single model `report` compares with. */
  readonly baseline: ModelSpec;
  readonly actions: DashboardActions;
  readonly feed: EventFeed;
  /** Needed for every API request: as `Authorization: Bearer`, or via the login cookie. */
  readonly token: string;
  /** Where the built front end is (dist/ui). */
  readonly staticDir: string;
  /** Host names the server answers to besides loopback ones (its bind address). */
  readonly host: string;
  readonly clock: Clock;
  /** GitHub webhook deliveries (POST /github/webhook), authenticated by their signature. */
  readonly githubWebhook?: (
    event: string | undefined,
    signature: string | undefined,
    rawBody: string,
  ) => Promise<{ status: 200 | 400 | 401; body: Record<string, string> }>;
}

const ReviewBodySchema = z.strictObject({
  decision: z.enum(["approve", "retry", "skip", "abort"]),
  feedback: z.string().trim().min(1).max(20_000).optional(),
});

const DECISIONS: Readonly<Record<z.infer<typeof ReviewBodySchema>["decision"], HumanDecision>> = {
  approve: "approve",
  retry: "retry",
  skip: "skip_step",
  abort: "abort",
};

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};

const MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024;

async function taskLogs(deps: DashboardDeps): Promise<TaskLog[]> {
  const defined = new Map<string, Task | undefined>();
  for (const t of deps.tasks()) defined.set(t.id, t);
  for (const t of await deps.store.listTasks()) if (!defined.has(t.id)) defined.set(t.id, t);
  const logs: TaskLog[] = [];
  for (const [taskId, task] of defined) {
    logs.push({ taskId, task, events: await deps.store.events(taskId) });
  }
  return logs;
}

/** Whether the Host header names this server: a loopback name, or the address it is bound to. */
function hostAllowed(hostHeader: string | undefined, host: string): boolean {
  if (hostHeader === undefined) return false;
  const name = hostHeader.replace(/:\d+$/, "");
  return isLoopback(name) || name === host || !isLoopback(host);
}

function authorized(c: Context, token: string): "bearer" | "cookie" | undefined {
  const auth = c.req.header("authorization");
  if (auth?.startsWith("Bearer ") === true && sameSecret(auth.slice(7), token)) return "bearer";
  const cookie = readCookie(c.req.header("cookie"), SESSION_COOKIE);
  if (cookie !== undefined && sameSecret(cookie, sessionValue(token))) return "cookie";
  return undefined;
}

/**
 * The dashboard's HTTP app: a JSON API over the event log, a live stream of new events, the
 * review action, the login that sets the session cookie, and the built pages.
 *
 * Safety: every API route needs the token (a `Bearer` header, or the HttpOnly SameSite=Strict
 * cookie that `/login?token=` sets). A request that changes something with the cookie must also
 * come from the dashboard's own origin (`Origin` header) with a JSON body, which a cross-site
 * form cannot send. Requests for other Host names are refused when bound to loopback (DNS
 * rebinding). Pages hold no secret: the token lives only in the cookie.
 */
export function createDashboardApp(deps: DashboardDeps): Hono {
  const app = new Hono();

  app.use("*", async (c: Context, next: Next) => {
    if (!hostAllowed(c.req.header("host"), deps.host)) {
      return c.json({ error: "unknown host" }, 421);
    }
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    return undefined;
  });

  app.get("/login", (c) => {
    const given = c.req.query("token") ?? "";
    if (!sameSecret(given, deps.token)) return c.text("wrong or missing token", 401);
    c.header(
      "Set-Cookie",
      `${SESSION_COOKIE}=${sessionValue(deps.token)}; Path=/; HttpOnly; SameSite=Strict`,
    );
    return c.redirect("/", 302);
  });

  // Before the token check: GitHub signs its deliveries instead.
  app.post("/github/webhook", async (c) => {
    if (deps.githubWebhook === undefined)
      return c.json({ error: "GitHub webhooks are not enabled" }, 404);
    const answer = await deps.githubWebhook(
      c.req.header("x-github-event"),
      c.req.header("x-hub-signature-256"),
      await c.req.text(),
    );
    return c.json(answer.body, answer.status);
  });

  app.use("/api/*", async (c: Context, next: Next) => {
    const how = authorized(c, deps.token);
    if (how === undefined) {
      return c.json({ error: "log in with the URL `orchestrator serve` printed" }, 401);
    }
    if (c.req.method !== "GET" && how === "cookie") {
      const origin = c.req.header("origin");
      const own = `http://${c.req.header("host") ?? ""}`;
      if (origin !== own) return c.json({ error: "cross-origin request refused" }, 403);
      if (c.req.header("content-type")?.startsWith("application/json") !== true) {
        return c.json({ error: "expected a JSON body" }, 415);
      }
    }
    await next();
    return undefined;
  });

  app.get("/api/session", (c) => c.json({ ok: true }));

  app.get("/api/overview", async (c) =>
    c.json(buildOverview(await taskLogs(deps), deps.budgets, deps.clock.now())),
  );

  app.get("/api/tasks/:id", async (c) => {
    const id = c.req.param("id");
    const task = deps.tasks().find((t) => t.id === id) ?? (await deps.store.getTask(id));
    const events = await deps.store.events(id);
    if (!task && events.length === 0) return c.json({ error: `unknown task "${id}"` }, 404);
    return c.json(buildTaskDetail(id, task, events));
  });

  app.get("/api/tasks/:id/calls/:seq/transcript", async (c) => {
    const path = transcriptPath(
      await deps.store.events(c.req.param("id")),
      Number(c.req.param("seq")),
    );
    if (path === undefined) return c.json({ error: "no transcript for this call" }, 404);
    try {
      const info = await stat(path);
      const text = await readFile(path, "utf8");
      return c.text(
        info.size > MAX_TRANSCRIPT_BYTES ? `${text.slice(0, MAX_TRANSCRIPT_BYTES)}\n…` : text,
      );
    } catch {
      return c.json({ error: `transcript ${path} is gone` }, 404);
    }
  });

  app.get("/api/quality", async (c) =>
    c.json(buildQuality((await taskLogs(deps)).flatMap((l) => l.events))),
  );
  app.get("/api/models", async (c) => c.json(buildModels(await taskLogs(deps), deps.baseline)));
  app.get("/api/flow", async (c) => c.json(buildFlow(await taskLogs(deps), deps.clock.now())));

  app.post("/api/tasks/:id/review", async (c) => {
    const id = c.req.param("id");
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return c.json({ error: "expected a JSON body" }, 400);
    }
    const body = ReviewBodySchema.safeParse(raw);
    if (!body.success) {
      const issue = body.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
      return c.json({ error: `${field}: ${issue?.message ?? "invalid"}` }, 400);
    }
    try {
      const decision = DECISIONS[body.data.decision];
      const result = await deps.actions.review(id, decision, body.data.feedback);
      const resumed = result.state !== "ABORTED" && deps.actions.resume(id);
      return c.json({ task: id, decision, state: result.state, resumed });
    } catch (error) {
      if (error instanceof UserError) {
        return c.json({ error: error.message }, error.message.includes("unknown task") ? 404 : 409);
      }
      if (error instanceof OrchestratorError) return c.json({ error: error.message }, 409);
      throw error;
    }
  });

  app.get("/api/events", (c) =>
    streamSSE(c, async (stream) => {
      const queue: LiveEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = deps.feed.subscribe((events: readonly StoredEvent[]) => {
        for (const e of events)
          queue.push({ seq: e.seq, taskId: e.taskId, type: e.body.type, at: e.at });
        wake?.();
      });
      const live = { closed: false };
      stream.onAbort(() => {
        live.closed = true;
        wake?.();
      });
      try {
        await stream.writeSSE({ event: "hello", data: "{}" });
        while (!live.closed) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, 15_000).unref();
            });
            wake = undefined;
          }
          const batch = queue.splice(0);
          if (batch.length > 0)
            await stream.writeSSE({ event: "events", data: JSON.stringify(batch) });
          else await stream.writeSSE({ event: "ping", data: "{}" });
        }
      } finally {
        unsubscribe();
      }
    }),
  );

  app.get("*", async (c) => {
    const file = await staticFile(deps.staticDir, c.req.path);
    if (!file) return c.text("not found", 404);
    return c.body(file.body, 200, {
      "Content-Type": file.type,
      "Cache-Control": file.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    });
  });

  return app;
}

/** A file of the built front end; unknown paths without an extension get index.html. */
async function staticFile(
  dir: string,
  path: string,
): Promise<{ body: Uint8Array<ArrayBuffer>; type: string; immutable: boolean } | undefined> {
  const wanted = path === "/" || extname(path) === "" ? "/index.html" : path;
  const full = normalize(join(dir, wanted));
  if (!full.startsWith(normalize(dir) + sep)) return undefined;
  try {
    const body = new Uint8Array(await readFile(full));
    return {
      body,
      type: TYPES[extname(full)] ?? "application/octet-stream",
      immutable: wanted.startsWith("/assets/"),
    };
  } catch {
    return undefined;
  }
}
