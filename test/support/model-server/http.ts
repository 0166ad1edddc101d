import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** One server-sent event; `event` is omitted by vendors that send only `data:` lines. */
export interface SseEvent {
  readonly event?: string;
  readonly data: unknown;
}

/** Whether the client is still there to write to. */
export function writable(res: ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded;
}

/** Waits, but stops early when the client goes away. */
export async function pause(res: ServerResponse, ms: number): Promise<void> {
  if (ms <= 0 || !writable(res)) return;
  const gone = new AbortController();
  const onClose = (): void => {
    gone.abort();
  };
  res.once("close", onClose);
  try {
    await sleep(ms, undefined, { signal: gone.signal });
  } catch {
    // The client closed the connection; the caller checks `writable`.
  } finally {
    res.off("close", onClose);
  }
}

/** Sends a complete JSON answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (!writable(res)) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Starts an event stream (SSE or NDJSON). */
export function startStream(res: ServerResponse, contentType = "text/event-stream"): void {
  if (!writable(res)) return;
  res.writeHead(200, {
    "content-type": contentType,
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  res.flushHeaders();
}

/** Writes events as SSE, pausing between them, and ends the stream. */
export async function sendSse(
  res: ServerResponse,
  events: readonly SseEvent[],
  delayMs: number,
  trailer?: string,
): Promise<void> {
  startStream(res);
  for (const [i, e] of events.entries()) {
    if (i > 0) await pause(res, delayMs);
    if (!writable(res)) return;
    const data = typeof e.data === "string" ? e.data : JSON.stringify(e.data);
    res.write(e.event === undefined ? `data: ${data}\n\n` : `event: ${e.event}\ndata: ${data}\n\n`);
  }
  if (trailer !== undefined && writable(res)) res.write(trailer);
  if (writable(res)) res.end();
}

/** Writes objects as newline-delimited JSON (Ollama's stream) and ends the stream. */
export async function sendNdjson(
  res: ServerResponse,
  lines: readonly unknown[],
  delayMs: number,
): Promise<void> {
  startStream(res, "application/x-ndjson");
  for (const [i, line] of lines.entries()) {
    if (i > 0) await pause(res, delayMs);
    if (!writable(res)) return;
    res.write(`${JSON.stringify(line)}\n`);
  }
  if (writable(res)) res.end();
}
