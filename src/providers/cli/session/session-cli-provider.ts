import type { LiveProcessLauncher } from "../../../core/live-process.js";
import type { ModelProvider, ModelRequest, ModelResponse } from "../../../core/ports.js";
import type { ModelSpec } from "../../../core/project-config.js";
import { ProviderError, type ProviderCheck } from "../../../core/provider-errors.js";
import type { CliDialect } from "../cli-dialect.js";
import type { CliProvider } from "../cli-provider.js";
import { CliSession, sessionKey } from "./cli-session.js";
import { SessionStartError, type SessionProtocol } from "./session-protocol.js";

/**
 * A coding-agent CLI that keeps one long-lived process per (task, role, model) and start-up
 * flags, instead of one process per call: the CLI's start-up (seconds for Gemini CLI) is paid
 * once per task. A session serves one call at a time (a second call in parallel gets a second
 * session), never crosses a task or a role, and is stopped by {@link endTask}. When a CLI's
 * session mode does not come up, the call (and every later call with the same flags) runs as
 * one process per call through `perCall`, which also does `check`.
 */
export class SessionCliProvider implements ModelProvider {
  readonly name: string;
  readonly family: string;
  readonly kind: string;
  private readonly binary: string;
  /** Sessions by task, then by role and start-up key. */
  private readonly tasks = new Map<string, Map<string, CliSession[]>>();
  /** Start-up flags whose session did not come up, with the reason: those run per call. */
  private readonly refused = new Map<string, string>();

  constructor(
    private readonly spec: ModelSpec,
    dialect: CliDialect,
    private readonly protocol: SessionProtocol,
    private readonly perCall: CliProvider,
    private readonly launcher: LiveProcessLauncher,
  ) {
    this.name = spec.name;
    this.family = spec.family;
    this.kind = dialect.kind;
    this.binary = spec.binary ?? dialect.defaultBinary;
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const launch = this.protocol.launch(this.spec, request);
    const signature = JSON.stringify([this.binary, launch.args]);
    const refusedWhy = this.refused.get(signature);
    if (refusedWhy !== undefined) return this.fallback(request, refusedWhy);
    // Precedence as per call: the CLI's defaults, then the trace context, then the user's `env:`.
    const env = { ...launch.env, ...(request.env ?? {}), ...this.spec.env };
    const key = `${request.role}\n${sessionKey(this.binary, launch, request.cwd, env)}`;
    const session =
      this.idle(request.taskId, key) ??
      this.add(
        request.taskId,
        key,
        new CliSession(this.launcher, this.spec, this.binary, this.protocol, launch, request, env),
      );
    session.busy = true;
    try {
      return await session.call(request, this.spec.timeoutMs);
    } catch (error) {
      if (error instanceof ProviderError) throw this.perCall.explainFailure(error);
      if (!(error instanceof SessionStartError)) throw error;
      this.refused.set(signature, error.message);
      await session.stop();
      return await this.fallback(request, error.message);
    } finally {
      session.busy = false;
      if (!session.alive) this.remove(request.taskId, key, session);
    }
  }

  /** Stops every session of the task (it left the running state) and waits until they are gone. */
  async endTask(taskId: string): Promise<void> {
    const sessions = this.tasks.get(taskId);
    if (!sessions) return;
    this.tasks.delete(taskId);
    await Promise.all([...sessions.values()].flat().map((s) => s.stop()));
  }

  /** How many session processes are running for a task (for tests and benches). */
  sessionCount(taskId: string): number {
    return [...(this.tasks.get(taskId)?.values() ?? [])].flat().filter((s) => s.alive).length;
  }

  check(options: { offline: boolean; signal?: AbortSignal }): Promise<ProviderCheck> {
    return this.perCall.check(options);
  }

  private async fallback(request: ModelRequest, why: string): Promise<ModelResponse> {
    const response = await this.perCall.complete(request);
    const note = `[${this.protocol.kind} ${this.protocol.mode} session did not start (${why}); ran one process for this call]`;
    return { ...response, transcript: `${note}\n${response.transcript ?? ""}` };
  }

  private idle(taskId: string, key: string): CliSession | undefined {
    return this.tasks
      .get(taskId)
      ?.get(key)
      ?.find((s) => !s.busy && s.alive);
  }

  private add(taskId: string, key: string, session: CliSession): CliSession {
    let byKey = this.tasks.get(taskId);
    if (!byKey) {
      byKey = new Map<string, CliSession[]>();
      this.tasks.set(taskId, byKey);
    }
    byKey.set(key, [...(byKey.get(key) ?? []), session]);
    return session;
  }

  private remove(taskId: string, key: string, session: CliSession): void {
    const byKey = this.tasks.get(taskId);
    const left = (byKey?.get(key) ?? []).filter((s) => s !== session);
    if (left.length > 0) byKey?.set(key, left);
    else byKey?.delete(key);
  }
}
