import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A local stand-in for the GitHub REST API: the endpoints the orchestrator uses, in memory. */
export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  updated_at: string;
  pull_request?: Record<string, never>;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: string;
  created_at: string;
}

export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: "open" | "closed";
  labels: string[];
  reviewers: string[];
}

export interface FakeCheckRun {
  name: string;
  head_sha: string;
  conclusion: string;
  summary: string;
}

export interface FakeGithubOptions {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  /** Page size the server uses whatever `per_page` asks (tests pagination). */
  readonly pageSize?: number;
  /** `METHOD /path` answered once with a secondary rate limit (403, retry-after: 1). */
  readonly secondaryLimitOnce?: string;
  readonly permissions?: Record<string, "admin" | "write" | "read" | "none">;
}

export interface FakeGithub {
  readonly url: string;
  readonly issues: FakeIssue[];
  readonly comments: FakeComment[];
  readonly pulls: FakePull[];
  readonly checkRuns: FakeCheckRun[];
  /** Every request as `METHOD /path?query`, in order. */
  readonly requests: string[];
  /** Adds an issue (numbers are shared with PRs, as on GitHub). */
  addIssue(
    issue: Omit<FakeIssue, "number" | "updated_at" | "state"> & { state?: "open" | "closed" },
  ): FakeIssue;
  /** Posts a comment as `user`; returns it. */
  comment(issue: number, user: string, body: string): FakeComment;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on("error", reject);
  });
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const record = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};

export async function startFakeGithub(o: FakeGithubOptions): Promise<FakeGithub> {
  const issues: FakeIssue[] = [];
  const comments: FakeComment[] = [];
  const pulls: FakePull[] = [];
  const checkRuns: FakeCheckRun[] = [];
  const requests: string[] = [];
  let next = 1;
  let commentId = 1000;
  let limited = false;
  let clock = Date.parse("2026-01-01T00:00:00Z");
  const now = (): string => new Date(Math.max(Date.now(), (clock += 1000))).toISOString();
  const prefix = `/repos/${o.owner}/${o.repo}`;
  let url = "";

  const issueJson = (i: FakeIssue) => ({
    ...i,
    id: i.number,
    labels: i.labels.map((name) => ({ name })),
    html_url: `${url}/html/issues/${i.number}`,
    user: { login: "author" },
  });
  const commentJson = (c: FakeComment) => ({
    id: c.id,
    body: c.body,
    user: { login: c.user },
    created_at: c.created_at,
    updated_at: c.created_at,
    html_url: `${url}/html/issues/${c.issue}#issuecomment-${c.id}`,
  });
  const pullJson = (p: FakePull) => ({
    number: p.number,
    title: p.title,
    body: p.body,
    draft: p.draft,
    state: p.state,
    head: { ref: p.head, label: `${o.owner}:${p.head}` },
    base: { ref: p.base },
    html_url: `${url}/html/pull/${p.number}`,
  });

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  function page(res: ServerResponse, reqUrl: URL, items: unknown[]): void {
    const size = o.pageSize ?? Number(reqUrl.searchParams.get("per_page") ?? 30);
    const n = Number(reqUrl.searchParams.get("page") ?? 1);
    const slice = items.slice((n - 1) * size, n * size);
    const headers: Record<string, string> = {};
    if (n * size < items.length) {
      const nextUrl = new URL(reqUrl.toString());
      nextUrl.searchParams.set("page", String(n + 1));
      headers.link = `<${nextUrl.toString()}>; rel="next"`;
    }
    send(res, 200, slice, headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reqUrl = new URL(req.url ?? "/", url);
    const method = req.method ?? "GET";
    const path = reqUrl.pathname;
    requests.push(`${method} ${path}${reqUrl.search}`);
    if (
      req.headers.authorization !== `token ${o.token}` &&
      req.headers.authorization !== `Bearer ${o.token}`
    ) {
      send(res, 401, { message: "Bad credentials" });
      return;
    }
    if (!limited && o.secondaryLimitOnce === `${method} ${path}`) {
      limited = true;
      send(
        res,
        403,
        {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        },
        { "retry-after": "1" },
      );
      return;
    }
    if (!path.startsWith(prefix)) {
      send(res, 404, { message: "Not Found" });
      return;
    }
    const rest = path.slice(prefix.length);
    const body = method === "GET" ? {} : record(await readBody(req));
    let m: RegExpExecArray | null;
    if (method === "GET" && rest === "") {
      send(res, 200, { default_branch: "main", full_name: `${o.owner}/${o.repo}` });
    } else if (method === "GET" && rest === "/issues") {
      const state = reqUrl.searchParams.get("state") ?? "open";
      const labels = (reqUrl.searchParams.get("labels") ?? "").split(",").filter(Boolean);
      const items = [
        ...issues,
        ...pulls.map((p) => ({
          number: p.number,
          title: p.title,
          body: p.body,
          labels: p.labels,
          state: p.state,
          updated_at: now(),
          pull_request: {},
        })),
      ]
        .filter((i) => state === "all" || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .sort((a, b) => b.number - a.number);
      page(res, reqUrl, items.map(issueJson));
    } else if (method === "GET" && (m = /^\/issues\/(\d+)$/.exec(rest))) {
      const issue = issues.find((i) => i.number === Number(m?.[1]));
      if (issue) send(res, 200, issueJson(issue));
      else send(res, 404, { message: "Not Found" });
    } else if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const n = Number(m[1]);
      if (method === "POST") {
        const c = {
          id: ++commentId,
          issue: n,
          body: str(body.body),
          user: "orchestrator-bot",
          created_at: now(),
        };
        comments.push(c);
        send(res, 201, commentJson(c));
      } else {
        const since = reqUrl.searchParams.get("since");
        page(
          res,
          reqUrl,
          comments
            .filter((c) => c.issue === n && (!since || c.created_at >= since))
            .map(commentJson),
        );
      }
    } else if (method === "POST" && (m = /^\/issues\/(\d+)\/labels$/.exec(rest))) {
      const pull = pulls.find((p) => p.number === Number(m?.[1]));
      const labels = Array.isArray(body.labels) ? body.labels.map(str) : [];
      pull?.labels.push(...labels);
      send(
        res,
        200,
        labels.map((name) => ({ name })),
      );
    } else if (rest === "/pulls" && method === "GET") {
      const head = reqUrl.searchParams.get("head") ?? "";
      const state = reqUrl.searchParams.get("state") ?? "open";
      page(
        res,
        reqUrl,
        pulls
          .filter(
            (p) =>
              (state === "all" || p.state === state) && (!head || `${o.owner}:${p.head}` === head),
          )
          .map(pullJson),
      );
    } else if (rest === "/pulls" && method === "POST") {
      if (pulls.some((p) => p.head === str(body.head) && p.state === "open")) {
        send(res, 422, {
          message: "Validation Failed",
          errors: [{ message: "A pull request already exists" }],
        });
        return;
      }
      const p: FakePull = {
        number: next++,
        title: str(body.title),
        body: str(body.body),
        head: str(body.head),
        base: str(body.base),
        draft: body.draft === true,
        state: "open",
        labels: [],
        reviewers: [],
      };
      pulls.push(p);
      send(res, 201, pullJson(p));
    } else if (method === "PATCH" && (m = /^\/pulls\/(\d+)$/.exec(rest))) {
      const p = pulls.find((x) => x.number === Number(m?.[1]));
      if (!p) {
        send(res, 404, { message: "Not Found" });
        return;
      }
      if (typeof body.title === "string") p.title = body.title;
      if (typeof body.body === "string") p.body = body.body;
      send(res, 200, pullJson(p));
    } else if (method === "POST" && (m = /^\/pulls\/(\d+)\/requested_reviewers$/.exec(rest))) {
      const p = pulls.find((x) => x.number === Number(m?.[1]));
      p?.reviewers.push(...(Array.isArray(body.reviewers) ? body.reviewers.map(str) : []));
      send(res, 201, p ? pullJson(p) : {});
    } else if (method === "POST" && rest === "/check-runs") {
      const output = record(body.output);
      checkRuns.push({
        name: str(body.name),
        head_sha: str(body.head_sha),
        conclusion: str(body.conclusion),
        summary: str(output.summary),
      });
      send(res, 201, {
        id: checkRuns.length,
        url: `${url}${prefix}/check-runs/${checkRuns.length}`,
        html_url: `${url}/html/runs/${checkRuns.length}`,
      });
    } else if (method === "GET" && (m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest))) {
      const permission = o.permissions?.[decodeURIComponent(m[1] ?? "")] ?? "none";
      send(res, 200, { permission, role_name: permission, user: { login: m[1] } });
    } else {
      send(res, 404, { message: `Not Found: ${method} ${rest}` });
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, 500, { message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    issues,
    comments,
    pulls,
    checkRuns,
    requests,
    addIssue(issue) {
      const full: FakeIssue = { state: "open", ...issue, number: next++, updated_at: now() };
      issues.push(full);
      return full;
    },
    comment(issue, user, body) {
      const c = { id: ++commentId, issue, body, user, created_at: now() };
      comments.push(c);
      return c;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
