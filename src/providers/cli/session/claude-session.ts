import type { ModelRequest } from "../../../core/ports.js";
import type { ModelSpec } from "../../../core/project-config.js";
import { ProviderError } from "../../../core/provider-errors.js";
import { ARGV_PROMPT_LIMIT, promptWithSystem, type CliAnswer } from "../cli-dialect.js";
import { CLAUDE_ENV, ClaudeResultSchema, claudeCli, claudeRoleArgs } from "../claude-cli.js";
import { tryJson } from "../cli-failure.js";
import type {
  SessionConnection,
  SessionLaunch,
  SessionLink,
  SessionProtocol,
} from "./session-protocol.js";

/** A user message in Claude Code's stream-json input. */
function userMessage(text: string): string {
  return JSON.stringify({ type: "user", message: { role: "user", content: text } });
}

/** Whether the system text goes in a flag (it fits in argv), as in one-process-per-call mode. */
function systemFits(request: ModelRequest): boolean {
  return Buffer.byteLength(request.system, "utf8") <= ARGV_PROMPT_LIMIT;
}

/**
 * Claude Code 2.1 in `-p --input-format stream-json --output-format stream-json --verbose`:
 * user messages are JSON lines on stdin, each turn ends with a `result` line. A `/clear`
 * message before every call after the first starts a fresh conversation, so a call sees only
 * its own prompt, as with one process per call. The result's `total_cost_usd` counts the whole
 * process, so a call's cost is the difference from the previous result.
 */
export const claudeSession: SessionProtocol = {
  kind: "claude-cli",
  mode: "stream-json",

  launch(spec: ModelSpec, request: ModelRequest): SessionLaunch {
    const args: string[] = [
      "-p",
      "--input-format",
      "stream-json",
      "--output-format",
      "stream-json",
      "--verbose",
      "--model",
      spec.model,
    ];
    args.push(...claudeRoleArgs(spec, request, systemFits(request)));
    return { args, env: CLAUDE_ENV };
  },

  connect(spec: ModelSpec, link: SessionLink): SessionConnection {
    return new ClaudeConnection(spec, link);
  },
};

class ClaudeConnection implements SessionConnection {
  private waiting:
    { resolve: (cost: number | undefined) => void; reject: (error: Error) => void } | undefined;
  private closed: Error | undefined;
  private turns = 0;
  /** `total_cost_usd` of the last result: the process's spend so far. */
  private spentUsd = 0;

  constructor(
    private readonly spec: ModelSpec,
    private readonly link: SessionLink,
  ) {}

  handleLine(line: string): void {
    if (!line.startsWith("{")) return;
    const result = ClaudeResultSchema.safeParse(tryJson(line));
    if (!result.success) return;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(result.data.total_cost_usd);
  }

  /** Claude Code says nothing until its first message: start-up shows in the first call. */
  open(): Promise<void> {
    return Promise.resolve();
  }

  async ask(request: ModelRequest): Promise<CliAnswer | ProviderError> {
    if (this.turns > 0) await this.turn("/clear");
    this.turns += 1;
    const before = this.spentUsd;
    await this.turn(systemFits(request) ? request.prompt : promptWithSystem(request));
    const answer = claudeCli.parse(this.spec, this.link.callResult());
    if (answer instanceof ProviderError || answer.costUsd === undefined) return answer;
    return { ...answer, costUsd: Math.max(0, answer.costUsd - before) };
  }

  close(error: Error): void {
    this.closed = error;
    this.waiting?.reject(error);
    this.waiting = undefined;
  }

  /** Sends one user message and waits for the `result` line that ends its turn. */
  private async turn(text: string): Promise<void> {
    if (this.closed) throw this.closed;
    const cost = await new Promise<number | undefined>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.link.send(userMessage(text));
    });
    if (cost !== undefined) this.spentUsd = cost;
  }
}
