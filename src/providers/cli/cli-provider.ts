import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { basename, delimiter, isAbsolute, join, resolve } from "node:path";
import { UserError } from "../../core/errors.js";
import { MAX_OUTPUT_CHARS } from "../../core/ports.js";
import type {
  ModelProvider,
  ModelRequest,
  ModelResponse,
  ProcessRunner,
} from "../../core/ports.js";
import type { ModelSpec } from "../../core/project-config.js";
import { ProviderError, type ProviderCheck } from "../../core/provider-errors.js";
import type { CliDialect } from "./cli-dialect.js";
import { findCliCredentials } from "./cli-credentials.js";
import { kindForText, processFailure, tail } from "./cli-failure.js";

/** How long `--version` may take in `check`. */
const VERSION_TIMEOUT_MS = 30_000;
/** How long the one-word call of `check` may take, at most. */
const CHECK_CALL_TIMEOUT_MS = 120_000;

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path a binary name resolves to on `PATH`, as a spawn would find it. */
export async function findBinary(binary: string, path: string): Promise<string | undefined> {
  if (binary.includes("/")) {
    const full = isAbsolute(binary) ? binary : resolve(binary);
    return (await isExecutable(full)) ? full : undefined;
  }
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, binary);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * A coding-agent CLI as a model: runs the binary once per request through the one process
 * runner (argv only, timeout with SIGTERM then SIGKILL of its process group), in the task's
 * worktree, and turns its JSON output into a response or a {@link ProviderError}.
 */
export class CliProvider implements ModelProvider {
  readonly name: string;
  readonly family: string;
  readonly kind: string;
  private readonly binary: string;

  constructor(
    private readonly spec: ModelSpec,
    private readonly dialect: CliDialect,
    private readonly runner: ProcessRunner,
  ) {
    this.name = spec.name;
    this.family = spec.family;
    this.kind = dialect.kind;
    this.binary = spec.binary ?? dialect.defaultBinary;
    const mode = spec.permissionMode;
    if (mode !== undefined && !dialect.permissionModes.includes(mode)) {
      throw new UserError(
        `model ${spec.name}: permission_mode "${mode}" is not one ${dialect.kind} accepts ` +
          `(${dialect.permissionModes.join(", ")})`,
      );
    }
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    try {
      return await this.call(request, this.spec.timeoutMs);
    } catch (error) {
      throw error instanceof ProviderError ? this.explainFailure(error) : error;
    }
  }

  /**
   * An auth failure (not logged in, no key) carries the one-line fix `doctor` gives, so the
   * escalation says what to do; it is not retried (docs/PROVIDERS.md). A failure only classified
   * by its exit (a long-lived session that ended) is an auth failure when its text says so.
   * Public so that the session transport of the same CLI explains its failures the same way.
   */
  explainFailure(error: ProviderError): ProviderError {
    const reclassified =
      error.kind === "nonzero_exit" &&
      kindForText(`${error.message}\n${error.detail ?? ""}`) === "auth"
        ? new ProviderError("auth", error.model, error.message, {
            cause: error,
            ...(error.status === undefined ? {} : { status: error.status }),
            ...(error.detail === undefined ? {} : { detail: error.detail }),
          })
        : error;
    return this.withSetupFix(reclassified);
  }

  private withSetupFix(error: ProviderError): ProviderError {
    if (error.kind !== "auth") return error;
    const fix = this.dialect.setupFixes(this.spec, [error.message])[0];
    if (fix === undefined) return error;
    const prefix = `${error.model}: auth: `;
    const text = error.message.startsWith(prefix)
      ? error.message.slice(prefix.length)
      : error.message;
    return new ProviderError("auth", error.model, `${text}; fix: ${fix}`, {
      cause: error,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.detail === undefined ? {} : { detail: error.detail }),
    });
  }

  private async call(request: ModelRequest, timeoutMs: number): Promise<ModelResponse> {
    const invocation = this.dialect.invocation(this.spec, request);
    // Precedence: the CLI's defaults, then the trace context, then the user's `env:`.
    const env = { ...invocation.env, ...(request.env ?? {}), ...this.spec.env };
    const result = await this.runner.run(this.binary, invocation.args, {
      cwd: request.cwd,
      env,
      ...(timeoutMs > 0 ? { timeoutMs } : {}),
      ...(invocation.input === undefined ? {} : { input: invocation.input }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(request.track === undefined ? {} : { track: request.track }),
    });
    request.signal?.throwIfAborted();
    const failure = processFailure(this.spec, this.binary, result, {
      packageName: this.dialect.packageName,
      timeoutMs,
    });
    if (failure) throw failure;
    const answer = this.dialect.parse(this.spec, result);
    if (answer instanceof ProviderError && result.truncated?.stdout === true) {
      // The head of the output was dropped at the cap: say so, not "no result object".
      throw new ProviderError(
        "malformed_output",
        this.spec.name,
        `${this.binary} printed more than the ${String(MAX_OUTPUT_CHARS / (1024 * 1024))} MiB ` +
          `output cap; its output was cut at the cap (only the last ` +
          `${String(MAX_OUTPUT_CHARS / (1024 * 1024))} MiB kept) and its answer could not be read`,
        { detail: answer.detail ?? answer.message },
      );
    }
    if (answer instanceof ProviderError) throw answer;
    return {
      text: answer.text,
      usage: answer.usage,
      ...(answer.costUsd === undefined ? {} : { costUsd: answer.costUsd }),
      modelId: answer.modelId ?? this.spec.model,
      durationMs: result.durationMs,
      transcript: result.stdout,
    };
  }

  /** Binary on PATH, its `--version`, and (unless offline) a one-word call. */
  async check(options: { offline: boolean; signal?: AbortSignal }): Promise<ProviderCheck> {
    const env = { ...process.env, ...this.spec.env };
    const path = await findBinary(this.binary, env.PATH ?? "");
    if (path === undefined) {
      return {
        ok: false,
        problems: [`${this.dialect.kind} binary "${this.binary}" not found`],
        fixes: [
          `npm install -g ${this.dialect.packageName}, or set binary: to its path for model ${this.name}`,
        ],
      };
    }
    const version = await this.runner.run(path, ["--version"], {
      cwd: process.cwd(),
      env: this.spec.env,
      timeoutMs: VERSION_TIMEOUT_MS,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const versionText = version.stdout.trim().split("\n")[0] ?? "";
    const name = this.binary === path ? basename(path) : this.binary;
    const found = `${name} ${versionText} at ${path}`.replace(/\s+/g, " ");
    if (version.exitCode !== 0 || versionText === "") {
      return {
        ok: false,
        found,
        problems: [
          `\`${path} --version\` failed (exit ${String(version.exitCode)}): ${tail(version.stderr)}`,
        ],
        fixes: [`reinstall it: npm install -g ${this.dialect.packageName}`],
      };
    }
    if (options.offline) {
      // No call: the CLI needs a key or a saved login, or its first real call fails on auth.
      const credentials = await findCliCredentials(this.dialect.kind, env);
      if ("missing" in credentials) {
        return {
          ok: false,
          found,
          version: versionText,
          problems: [`not logged in (auth): ${credentials.missing}`],
          fixes: this.dialect.setupFixes(this.spec, [`auth: ${credentials.missing}`]),
        };
      }
      return {
        ok: true,
        found: `${found}, ${credentials.found}`,
        version: versionText,
        problems: [],
        fixes: [],
      };
    }
    try {
      const limit = this.spec.timeoutMs > 0 ? this.spec.timeoutMs : CHECK_CALL_TIMEOUT_MS;
      await this.call(
        {
          role: "planner",
          taskId: "doctor",
          system: "",
          prompt: "Reply with the single word OK.",
          mode: "text",
          cwd: process.cwd(),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        },
        Math.min(limit, CHECK_CALL_TIMEOUT_MS),
      );
      return { ok: true, found, version: versionText, problems: [], fixes: [] };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      const problems = [`a one-word call failed: ${error.message}`];
      return {
        ok: false,
        found,
        version: versionText,
        problems,
        fixes: this.dialect.setupFixes(this.spec, problems),
      };
    }
  }
}
