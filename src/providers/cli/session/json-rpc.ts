import { z } from "zod";
import { tryJson } from "../cli-failure.js";

/** A JSON-RPC 2.0 message as the CLIs send it (Codex's app-server omits `"jsonrpc"`). */
const MessageSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).nullish(),
  method: z.string().optional(),
  params: z.unknown().optional(),
  result: z.unknown().optional(),
  error: z
    .looseObject({ code: z.number(), message: z.string(), data: z.unknown().optional() })
    .optional(),
});

/** An error response to one of our requests. */
export class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "JsonRpcError";
  }
}

/** What the other side sends us unasked. */
export interface JsonRpcHandlers {
  /** A notification (no id). */
  notification(method: string, params: unknown): void;
  /**
   * A request we must answer; the value returned is the result. Throwing a
   * {@link JsonRpcError} answers with that error.
   */
  request(method: string, params: unknown): unknown;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * One end of a JSON-RPC 2.0 connection over newline-delimited JSON (Gemini CLI's Agent Client
 * Protocol, Codex's app-server): numbered requests matched to their responses, notifications
 * and requests from the other side dispatched to handlers. Lines that are not JSON-RPC (log
 * noise) are ignored.
 */
export class JsonRpcPeer {
  private nextId = 1;
  private readonly pending = new Map<number | string, Pending>();
  private closedWith: Error | undefined;

  constructor(
    private readonly send: (line: string) => void,
    private readonly handlers: JsonRpcHandlers,
    private readonly options: { jsonrpcField: boolean } = { jsonrpcField: true },
  ) {}

  /** Sends a request; resolves with its result, rejects with a {@link JsonRpcError}. */
  request(method: string, params: unknown): Promise<unknown> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ id, method, params });
    });
  }

  notify(method: string, params?: unknown): void {
    this.write(params === undefined ? { method } : { method, params });
  }

  /** Feeds one line read from the other side. */
  handleLine(line: string): void {
    const parsed = MessageSchema.safeParse(tryJson(line));
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.method !== undefined) {
      if (message.id === undefined || message.id === null) {
        this.handlers.notification(message.method, message.params);
      } else {
        this.answer(message.id, message.method, message.params);
      }
      return;
    }
    if (message.id === undefined || message.id === null) return;
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.error) {
      const { code, message: text, data } = message.error;
      waiting.reject(new JsonRpcError(code, text, data));
    } else waiting.resolve(message.result ?? null);
  }

  /** Fails every request still waiting, and any later one (the other side is gone). */
  close(error: Error): void {
    this.closedWith = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  private answer(id: number | string, method: string, params: unknown): void {
    try {
      this.write({ id, result: this.handlers.request(method, params) ?? null });
    } catch (error) {
      const rpc = error instanceof JsonRpcError ? error : new JsonRpcError(-32603, String(error));
      this.write({ id, error: { code: rpc.code, message: rpc.message } });
    }
  }

  private write(message: Record<string, unknown>): void {
    this.send(JSON.stringify(this.options.jsonrpcField ? { jsonrpc: "2.0", ...message } : message));
  }
}

/** The error for a method this client does not implement. */
export function methodNotFound(method: string): JsonRpcError {
  return new JsonRpcError(-32601, `method not found: ${method}`);
}
