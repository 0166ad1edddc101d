import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** One request the receiver accepted. */
export interface ReceivedRequest {
  readonly path: string;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body parsed as JSON (the OTLP/HTTP JSON encoding), or undefined when it was not JSON. */
  readonly body: unknown;
}

/** How the receiver answers: store and answer 200, hang without answering, or answer 503. */
export type ReceiverMode = "accept" | "hang" | "unavailable";

/** A local OTLP/HTTP collector stand-in on 127.0.0.1 that keeps what it receives. */
export interface OtlpReceiver {
  /** Base URL, to use as `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  mode: ReceiverMode;
  /** Bodies received on a path (`/v1/traces`, `/v1/metrics`). */
  bodies(path: string): unknown[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server is not on TCP");
  return address.port;
}

/** Starts a receiver on an ephemeral port of 127.0.0.1. */
export async function startOtlpReceiver(mode: ReceiverMode = "accept"): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  const state = { mode };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    if (state.mode === "hang") return;
    if (state.mode === "unavailable") {
      res.writeHead(503).end();
      return;
    }
    requests.push({
      path: req.url ?? "",
      contentType: req.headers["content-type"] ?? "",
      headers: req.headers,
      body: parseJson(text),
    });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = portOf(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get mode() {
      return state.mode;
    },
    set mode(m: ReceiverMode) {
      state.mode = m;
    },
    bodies: (path) => requests.filter((r) => r.path === path).map((r) => r.body),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (connections are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = portOf(server);
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}
