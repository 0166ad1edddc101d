import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

const StoreBody = z.object({
  content: z.string(),
  project: z.string(),
  importance: z.number().min(0).max(1),
  tags: z.array(z.string()),
  layer: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});
const QueryBody = z.object({
  query: z.string().min(1).max(1024),
  project: z.string(),
  k: z.number().int().min(1).max(100),
});

interface Stored {
  readonly id: string;
  readonly tenant: string;
  readonly body: z.infer<typeof StoreBody>;
}

/**
 * A stand-in for the RAE service written for the tests: the two endpoints of
 * `../shared/REFERENCE.md`, `X-API-Key` and `X-Tenant-Id` required, memories kept per tenant
 * and project, queries scored by shared words. It can be stopped and started on the same port.
 */
export class FakeRaeServer {
  readonly memories: Stored[] = [];
  readonly requests: { path: string; apiKey: string | undefined; tenant: string | undefined }[] =
    [];
  private server: Server | undefined;
  port = 0;

  constructor(private readonly apiKey: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk as Uint8Array));
    const apiKey = req.headers["x-api-key"];
    const tenant = req.headers["x-tenant-id"];
    const path = req.url ?? "";
    this.requests.push({
      path,
      apiKey: typeof apiKey === "string" ? apiKey : undefined,
      tenant: typeof tenant === "string" ? tenant : undefined,
    });
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (apiKey !== this.apiKey) {
      send(401, { detail: "invalid API key" });
      return;
    }
    if (typeof tenant !== "string" || tenant === "") {
      send(400, { detail: "X-Tenant-Id required" });
      return;
    }
    const json: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (req.method === "POST" && path === "/v2/memories/") {
      const body = StoreBody.safeParse(json);
      if (!body.success) {
        send(422, { detail: body.error.message });
        return;
      }
      const id = `m${this.memories.length + 1}`;
      this.memories.push({ id, tenant, body: body.data });
      send(200, { memory_id: id, message: "stored" });
      return;
    }
    if (req.method === "POST" && path === "/v2/memories/query") {
      const body = QueryBody.safeParse(json);
      if (!body.success) {
        send(422, { detail: body.error.message });
        return;
      }
      const words = new Set(body.data.query.toLowerCase().match(/\w{2,}/g) ?? []);
      const results = this.memories
        .filter((m) => m.tenant === tenant && m.body.project === body.data.project)
        .map((m) => {
          const hits = (m.body.content.toLowerCase().match(/\w{2,}/g) ?? []).filter((w) =>
            words.has(w),
          );
          return { m, score: Math.min(1, new Set(hits).size / Math.max(1, words.size)) };
        })
        .filter((r) => r.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, body.data.k)
        .map(({ m, score }) => ({
          id: m.id,
          content: m.body.content,
          score,
          layer: m.body.layer,
          importance: m.body.importance,
          timestamp: "2026-01-01T00:00:00Z",
          tags: m.body.tags,
          metadata: m.body.metadata,
        }));
      send(200, { results, total_count: results.length });
      return;
    }
    send(404, { detail: "not found" });
  }
}
