import { z } from "zod";
import type { ModelRequest } from "../../../core/ports.js";
import type { ModelSpec } from "../../../core/project-config.js";
import { ProviderError } from "../../../core/provider-errors.js";
import { normalizeUsage, sumUsage } from "../../../costs/usage.js";
import { promptWithSystem, type CliAnswer } from "../cli-dialect.js";
import { reportedFailure, unstructuredFailure, usageOrFailure } from "../cli-failure.js";
import { JsonRpcError, JsonRpcPeer, methodNotFound } from "./json-rpc.js";
import {
  SessionStartError,
  type SessionConnection,
  type SessionLaunch,
  type SessionLink,
  type SessionProtocol,
} from "./session-protocol.js";

/** ACP's error code for "authentication required". */
const ACP_AUTH_REQUIRED = -32000;

/** The Agent Client Protocol version this client speaks. */
const ACP_VERSION = 1;

const InitializeResultSchema = z.looseObject({ protocolVersion: z.number() });
const NewSessionResultSchema = z.looseObject({ sessionId: z.string() });

const TokenCountSchema = z.looseObject({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
});
/** `session/prompt`'s result; Gemini CLI 0.61 puts the turn's tokens in `_meta.quota`. */
const PromptResultSchema = z.looseObject({
  stopReason: z.string(),
  _meta: z
    .looseObject({
      quota: z
        .looseObject({
          token_count: TokenCountSchema.optional(),
          model_usage: z
            .array(z.looseObject({ model: z.string(), token_count: TokenCountSchema }))
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

const UpdateSchema = z.looseObject({
  sessionId: z.string(),
  update: z.looseObject({
    sessionUpdate: z.string(),
    content: z.looseObject({ type: z.string(), text: z.string().optional() }).optional(),
  }),
});

const PermissionRequestSchema = z.looseObject({
  options: z.array(z.looseObject({ optionId: z.string(), kind: z.string() })),
});

/** Stop reasons other than `end_turn`, as the one-process path's exit codes name them. */
const STOP_REASONS: Readonly<Record<string, string>> = {
  max_turn_requests: "turn limit reached",
  max_tokens: "the answer passed the token limit",
  refusal: "the model refused",
  cancelled: "the turn was cancelled",
};

/**
 * Gemini CLI 0.61 as an Agent Client Protocol agent (`gemini --acp`, JSON-RPC 2.0 over stdio):
 * `initialize` once, then per call `session/new` in the task's worktree and `session/prompt`
 * with the same text as `gemini -p` gets. The answer is the `agent_message_chunk` text;
 * permission requests (a tool the approval mode does not allow) are refused, as headless mode
 * refuses them.
 */
export const geminiSession: SessionProtocol = {
  kind: "gemini-cli",
  mode: "acp",

  launch(spec: ModelSpec, request: ModelRequest): SessionLaunch {
    const approval = request.mode === "agent" ? (spec.permissionMode ?? "auto_edit") : "default";
    const args = ["--acp", "-m", spec.model, "--approval-mode", approval];
    if (request.mode === "agent" && spec.allowedTools !== undefined) {
      for (const tool of spec.allowedTools) args.push(`--allowed-tools=${tool}`);
    }
    args.push(...spec.args);
    return { args, env: {} };
  },

  connect(spec: ModelSpec, link: SessionLink): SessionConnection {
    return new AcpConnection(spec, link);
  },
};

class AcpConnection implements SessionConnection {
  private readonly peer: JsonRpcPeer;
  /** Text of the session being prompted, by session id. */
  private readonly texts = new Map<string, string[]>();

  constructor(
    private readonly spec: ModelSpec,
    private readonly link: SessionLink,
  ) {
    this.peer = new JsonRpcPeer(
      (line) => {
        link.send(line);
      },
      {
        notification: (method, params) => {
          if (method === "session/update") this.update(params);
        },
        request: (method, params) => {
          if (method === "session/request_permission") return refusal(params);
          throw methodNotFound(method);
        },
      },
    );
  }

  handleLine(line: string): void {
    this.peer.handleLine(line);
  }

  async open(): Promise<void> {
    let result: unknown;
    try {
      result = await this.peer.request("initialize", {
        protocolVersion: ACP_VERSION,
        clientCapabilities: { fs: { readTextFile: false, writeTextFile: false } },
      });
    } catch (error) {
      if (error instanceof JsonRpcError) {
        throw new SessionStartError(`gemini --acp refused initialize: ${error.message}`);
      }
      throw error;
    }
    const parsed = InitializeResultSchema.safeParse(result);
    if (!parsed.success || parsed.data.protocolVersion !== ACP_VERSION) {
      throw new SessionStartError(
        `gemini --acp answered initialize with ${JSON.stringify(result).slice(0, 200)}, not protocol version ${String(ACP_VERSION)}`,
      );
    }
  }

  async ask(request: ModelRequest): Promise<CliAnswer | ProviderError> {
    let sessionId: string | undefined;
    try {
      const created = NewSessionResultSchema.safeParse(
        await this.peer.request("session/new", { cwd: request.cwd, mcpServers: [] }),
      );
      if (!created.success) return this.malformed("session/new returned no sessionId");
      sessionId = created.data.sessionId;
      this.texts.set(sessionId, []);
      const result = await this.peer.request("session/prompt", {
        sessionId,
        prompt: [{ type: "text", text: promptWithSystem(request) }],
      });
      return this.answer(sessionId, result);
    } catch (error) {
      if (!(error instanceof JsonRpcError)) throw error;
      return this.failure(error);
    } finally {
      if (sessionId !== undefined) this.texts.delete(sessionId);
    }
  }

  close(error: Error): void {
    this.peer.close(error);
  }

  private update(params: unknown): void {
    const parsed = UpdateSchema.safeParse(params);
    if (!parsed.success) return;
    const { sessionId, update } = parsed.data;
    if (update.sessionUpdate !== "agent_message_chunk") return;
    if (update.content?.type === "text" && update.content.text !== undefined) {
      this.texts.get(sessionId)?.push(update.content.text);
    }
  }

  private answer(sessionId: string, raw: unknown): CliAnswer | ProviderError {
    const parsed = PromptResultSchema.safeParse(raw);
    if (!parsed.success) return this.malformed("session/prompt's result has no stopReason");
    const { stopReason, _meta } = parsed.data;
    const why = STOP_REASONS[stopReason];
    if (why !== undefined) {
      return reportedFailure(
        this.spec,
        this.link.callResult(),
        `${why} (stop reason ${stopReason})`,
      );
    }
    const models = _meta?.quota?.model_usage ?? [];
    const total = _meta?.quota?.token_count;
    const usage = usageOrFailure(this.spec, "gemini", this.link.callResult(), () => {
      // promptTokenCount (cached included) and candidatesTokenCount of each model turn.
      const counts = models.length > 0 ? models.map((m) => m.token_count) : total ? [total] : [];
      if (counts.length === 0) return normalizeUsage("gemini", undefined);
      return sumUsage(
        counts.map((c) =>
          normalizeUsage("gemini", {
            promptTokenCount: c.input_tokens,
            candidatesTokenCount: c.output_tokens,
          }),
        ),
      );
    });
    if (usage instanceof ProviderError) return usage;
    const main = [...models].sort(
      (a, b) => b.token_count.output_tokens - a.token_count.output_tokens,
    )[0];
    return {
      text: (this.texts.get(sessionId) ?? []).join(""),
      usage,
      ...(main === undefined ? {} : { modelId: main.model }),
    };
  }

  /**
   * A JSON-RPC error from `session/new` or `session/prompt`: Gemini CLI gives the HTTP status as
   * the code; -32000 is ACP's "authentication required" (no key, not logged in).
   */
  private failure(error: JsonRpcError): ProviderError {
    const status = error.code >= 400 && error.code < 600 ? error.code : undefined;
    return reportedFailure(this.spec, this.link.callResult(), error.message, {
      status,
      ...(error.code === ACP_AUTH_REQUIRED ? { fallback: "auth" as const } : {}),
    });
  }

  private malformed(why: string): ProviderError {
    return unstructuredFailure(this.spec, "gemini", this.link.callResult(), why);
  }
}

/** The answer to a permission request: the first "reject" option, or a cancelled outcome. */
function refusal(params: unknown): unknown {
  const parsed = PermissionRequestSchema.safeParse(params);
  const reject = parsed.success
    ? parsed.data.options.find((o) => o.kind.startsWith("reject"))
    : undefined;
  return reject === undefined
    ? { outcome: { outcome: "cancelled" } }
    : { outcome: { outcome: "selected", optionId: reject.optionId } };
}
