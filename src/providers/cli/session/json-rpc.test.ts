import { describe, expect, it } from "vitest";
import { JsonRpcError, JsonRpcPeer, methodNotFound } from "./json-rpc.js";

function peer(handlers: Partial<ConstructorParameters<typeof JsonRpcPeer>[1]> = {}) {
  const sent: unknown[] = [];
  const notes: [string, unknown][] = [];
  const p = new JsonRpcPeer(
    (line) => {
      sent.push(JSON.parse(line));
    },
    {
      notification: (method, params) => {
        notes.push([method, params]);
      },
      request: (method) => {
        throw methodNotFound(method);
      },
      ...handlers,
    },
  );
  return { p, sent, notes };
}

describe("JsonRpcPeer", () => {
  it("numbers requests and matches responses by id, in any order", async () => {
    const { p, sent } = peer();
    const first = p.request("initialize", { protocolVersion: 1 });
    const second = p.request("session/new", { cwd: "/w" });
    expect(sent).toEqual([
      { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: 1 } },
      { jsonrpc: "2.0", id: 2, method: "session/new", params: { cwd: "/w" } },
    ]);
    p.handleLine('{"jsonrpc":"2.0","id":2,"result":{"sessionId":"s"}}');
    p.handleLine('{"id":1,"result":{"protocolVersion":1}}');
    await expect(first).resolves.toEqual({ protocolVersion: 1 });
    await expect(second).resolves.toEqual({ sessionId: "s" });
  });

  it("rejects with the error's code and message", async () => {
    const { p } = peer();
    const call = p.request("session/prompt", {});
    p.handleLine('{"jsonrpc":"2.0","id":1,"error":{"code":401,"message":"UNAUTHENTICATED"}}');
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonRpcError);
    expect(error).toMatchObject({ code: 401, message: "UNAUTHENTICATED" });
  });

  it("hands notifications over and ignores lines that are not JSON-RPC", () => {
    const { p, notes } = peer();
    p.handleLine("Ripgrep is not available. Falling back to GrepTool.");
    p.handleLine("[1, 2]");
    p.handleLine('{"jsonrpc":"2.0","method":"session/update","params":{"x":1}}');
    expect(notes).toEqual([["session/update", { x: 1 }]]);
  });

  it("answers the other side's requests with the handler's result or error", () => {
    const { p, sent } = peer({
      request: (method) => {
        if (method === "session/request_permission") return { outcome: { outcome: "cancelled" } };
        throw methodNotFound(method);
      },
    });
    p.handleLine('{"jsonrpc":"2.0","id":"a","method":"session/request_permission","params":{}}');
    p.handleLine('{"jsonrpc":"2.0","id":9,"method":"fs/read_text_file","params":{}}');
    expect(sent).toEqual([
      { jsonrpc: "2.0", id: "a", result: { outcome: { outcome: "cancelled" } } },
      {
        jsonrpc: "2.0",
        id: 9,
        error: { code: -32601, message: "method not found: fs/read_text_file" },
      },
    ]);
  });

  it("fails waiting and later requests once closed", async () => {
    const { p } = peer();
    const waiting = p.request("session/prompt", {});
    p.close(new Error("the CLI exited"));
    await expect(waiting).rejects.toThrow("the CLI exited");
    await expect(p.request("session/new", {})).rejects.toThrow("the CLI exited");
  });
});
