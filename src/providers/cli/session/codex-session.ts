import { z } from "zod";
import type { ModelRequest } from "../../../core/ports.js";
import type { ModelSpec } from "../../../core/project-config.js";
import { ProviderError } from "../../../core/provider-errors.js";
import { normalizeUsage } from "../../../costs/usage.js";
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

const ThreadStartResultSchema = z.looseObject({
  thread: z.looseObject({ id: z.string() }),
  model: z.string().optional(),
});

const BreakdownSchema = z.looseObject({
  inputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative().default(0),
  outputTokens: z.number().int().nonnegative(),
});
const TokenUsageSchema = z.looseObject({
  threadId: z.string(),
  tokenUsage: z.looseObject({ total: BreakdownSchema }),
});
const ItemCompletedSchema = z.looseObject({
  threadId: z.string(),
  item: z.looseObject({ type: z.string(), text: z.string().optional() }),
});
const TurnCompletedSchema = z.looseObject({
  threadId: z.string(),
  turn: z.looseObject({
    status: z.string(),
    error: z.looseObject({ message: z.string(), codexErrorInfo: z.unknown() }).nullish(),
  }),
});
type TurnCompleted = z.infer<typeof TurnCompletedSchema>;

/** What one thread (one call) has produced so far. */
interface ThreadState {
  readonly messages: string[];
  usage?: z.infer<typeof BreakdownSchema>;
  done?: (turn: TurnCompleted["turn"]) => void;
}

/** Codex prints an HTTP failure as e.g. `unexpected status 401 Unauthorized: ...`. */
function statusIn(message: string): number | undefined {
  const match = /\bstatus:? (\d{3})\b/i.exec(message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** `codexErrorInfo: {httpConnectionFailed: {httpStatusCode: 401}}` and its kin. */
function statusOf(info: unknown): number | undefined {
  if (typeof info !== "object" || info === null) return undefined;
  for (const value of Object.values(info)) {
    const parsed = z.looseObject({ httpStatusCode: z.number().int() }).safeParse(value);
    if (parsed.success) return parsed.data.httpStatusCode;
  }
  return undefined;
}

/**
 * Codex 0.171's `codex app-server` (experimental; JSON-RPC over stdio): `initialize` once, then
 * per call an ephemeral thread (`thread/start` with the model, the worktree as cwd, the sandbox
 * and approval policy `never`, as `codex exec` runs) and one `turn/start` with the same text as
 * `codex exec` gets. The answer is the last agent message; the thread's token total is the call's.
 */
export const codexSession: SessionProtocol = {
  kind: "codex-cli",
  mode: "app-server",

  launch(spec: ModelSpec): SessionLaunch {
    return { args: ["app-server", ...spec.args], env: {} };
  },

  connect(spec: ModelSpec, link: SessionLink): SessionConnection {
    return new AppServerConnection(spec, link);
  },
};

class AppServerConnection implements SessionConnection {
  private readonly peer: JsonRpcPeer;
  private readonly threads = new Map<string, ThreadState>();

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
          this.notification(method, params);
        },
        // Approvals are never asked with approvalPolicy "never"; anything else is refused.
        request: (method) => {
          throw methodNotFound(method);
        },
      },
    );
  }

  handleLine(line: string): void {
    this.peer.handleLine(line);
  }

  async open(): Promise<void> {
    try {
      await this.peer.request("initialize", {
        clientInfo: { name: "orchestrator", title: null, version: "1" },
        capabilities: null,
      });
    } catch (error) {
      if (error instanceof JsonRpcError) {
        throw new SessionStartError(`codex app-server refused initialize: ${error.message}`);
      }
      throw error;
    }
    this.peer.notify("initialized");
  }

  async ask(request: ModelRequest): Promise<CliAnswer | ProviderError> {
    const sandbox =
      request.mode === "agent" ? (this.spec.permissionMode ?? "workspace-write") : "read-only";
    let threadId: string | undefined;
    try {
      const started = ThreadStartResultSchema.safeParse(
        await this.peer.request("thread/start", {
          model: this.spec.model,
          cwd: request.cwd,
          approvalPolicy: "never",
          sandbox,
          ephemeral: true,
        }),
      );
      if (!started.success) {
        return unstructuredFailure(
          this.spec,
          "codex",
          this.link.callResult(),
          "thread/start returned no thread id",
        );
      }
      const id = started.data.thread.id;
      threadId = id;
      const state: ThreadState = { messages: [] };
      this.threads.set(id, state);
      const finished = new Promise<TurnCompleted["turn"]>((resolve) => {
        state.done = resolve;
      });
      await this.peer.request("turn/start", {
        threadId: id,
        input: [{ type: "text", text: promptWithSystem(request), text_elements: [] }],
      });
      return this.answer(state, await finished);
    } catch (error) {
      if (!(error instanceof JsonRpcError)) throw error;
      return reportedFailure(this.spec, this.link.callResult(), error.message, {
        status: statusIn(error.message),
      });
    } finally {
      if (threadId !== undefined) this.threads.delete(threadId);
    }
  }

  close(error: Error): void {
    this.peer.close(error);
  }

  private notification(method: string, params: unknown): void {
    if (method === "item/completed") {
      const parsed = ItemCompletedSchema.safeParse(params);
      const { item } = parsed.success ? parsed.data : { item: undefined };
      if (parsed.success && item?.type === "agentMessage" && item.text !== undefined) {
        this.threads.get(parsed.data.threadId)?.messages.push(item.text);
      }
    } else if (method === "thread/tokenUsage/updated") {
      const parsed = TokenUsageSchema.safeParse(params);
      const state = parsed.success ? this.threads.get(parsed.data.threadId) : undefined;
      if (parsed.success && state) state.usage = parsed.data.tokenUsage.total;
    } else if (method === "turn/completed") {
      const parsed = TurnCompletedSchema.safeParse(params);
      if (parsed.success) this.threads.get(parsed.data.threadId)?.done?.(parsed.data.turn);
    }
  }

  private answer(state: ThreadState, turn: TurnCompleted["turn"]): CliAnswer | ProviderError {
    const result = this.link.callResult();
    if (turn.status !== "completed") {
      const message = turn.error?.message ?? `the turn ended ${turn.status}`;
      return reportedFailure(this.spec, result, message, {
        status: statusOf(turn.error?.codexErrorInfo) ?? statusIn(message),
      });
    }
    const text = state.messages.at(-1);
    if (text === undefined)
      return unstructuredFailure(this.spec, "codex", result, "no agent message");
    const total = state.usage;
    const usage = usageOrFailure(this.spec, "codex", result, () =>
      normalizeUsage(
        "openai",
        total === undefined
          ? undefined
          : {
              input_tokens: total.inputTokens,
              cached_input_tokens: total.cachedInputTokens,
              output_tokens: total.outputTokens,
            },
      ),
    );
    if (usage instanceof ProviderError) return usage;
    // As with `codex exec`, the model is the one requested.
    return { text, usage };
  }
}
