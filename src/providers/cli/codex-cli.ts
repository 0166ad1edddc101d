import { z } from "zod";
import type { ModelRequest, ProcessResult } from "../../core/ports.js";
import type { ModelSpec } from "../../core/project-config.js";
import { ProviderError } from "../../core/provider-errors.js";
import { normalizeUsage, sumUsage } from "../../costs/usage.js";
import {
  needsStdin,
  promptWithSystem,
  type CliAnswer,
  type CliDialect,
  type CliInvocation,
} from "./cli-dialect.js";
import { reportedFailure, tryJson, unstructuredFailure, usageOrFailure } from "./cli-failure.js";

/** `codex exec --json` events, one per line; only the ones the adapter reads are typed. */
const CodexEventSchema = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("item.completed"),
    item: z.looseObject({ type: z.string(), text: z.string().optional() }),
  }),
  z.looseObject({ type: z.literal("turn.completed"), usage: z.unknown() }),
  z.looseObject({
    type: z.literal("turn.failed"),
    error: z.looseObject({ message: z.string() }),
  }),
  z.looseObject({ type: z.literal("error"), message: z.string() }),
  z.looseObject({
    type: z.enum(["thread.started", "turn.started", "item.started", "item.updated"]),
  }),
]);
export type CodexEvent = z.infer<typeof CodexEventSchema>;

/** The events of a run; lines that are not known events (log noise) are skipped. */
export function codexEvents(stdout: string): CodexEvent[] {
  const events: CodexEvent[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    const parsed = CodexEventSchema.safeParse(tryJson(line));
    if (parsed.success) events.push(parsed.data);
  }
  return events;
}

/** Codex prints an HTTP failure as e.g. `unexpected status 401 Unauthorized: ...`. */
function statusIn(message: string): number | undefined {
  const match = /\bstatus:? (\d{3})\b/i.exec(message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Codex CLI (`@openai/codex`), `codex exec --json`. */
export const codexCli: CliDialect = {
  kind: "codex-cli",
  defaultBinary: "codex",
  packageName: "@openai/codex",
  permissionModes: ["workspace-write", "danger-full-access"],

  invocation(spec: ModelSpec, request: ModelRequest): CliInvocation {
    // No system-prompt flag in `exec`; the instructions lead the prompt.
    const prompt = promptWithSystem(request);
    const viaStdin = needsStdin(prompt);
    const sandbox =
      request.mode === "agent" ? (spec.permissionMode ?? "workspace-write") : "read-only";
    const args = [
      "exec",
      "--json",
      "--skip-git-repo-check",
      "-m",
      spec.model,
      "-s",
      sandbox,
      ...spec.args,
      // `-` reads the prompt from stdin.
      viaStdin ? "-" : prompt,
    ];
    return { args, ...(viaStdin ? { input: prompt } : {}), env: {} };
  },

  parse(spec: ModelSpec, result: ProcessResult): CliAnswer | ProviderError {
    const binary = spec.binary ?? "codex";
    const events = codexEvents(result.stdout);
    const failed = events.findLast((e) => e.type === "turn.failed" || e.type === "error");
    if (failed !== undefined) {
      const message = failed.type === "turn.failed" ? failed.error.message : failed.message;
      return reportedFailure(spec, result, message, {
        status: statusIn(message),
      });
    }
    const completed = events.filter((e) => e.type === "turn.completed");
    if (completed.length === 0 || result.exitCode !== 0) {
      return unstructuredFailure(spec, binary, result, "no turn.completed event");
    }
    const usage = usageOrFailure(spec, binary, result, () =>
      sumUsage(completed.map((e) => normalizeUsage("openai", e.usage))),
    );
    if (usage instanceof ProviderError) return usage;
    const messages = events.flatMap((e) =>
      e.type === "item.completed" && e.item.type === "agent_message" && e.item.text !== undefined
        ? [e.item.text]
        : [],
    );
    const text = messages.at(-1);
    if (text === undefined) return unstructuredFailure(spec, binary, result, "no agent_message");
    // `exec --json` does not name the model; it is the one requested.
    return { text, usage };
  },

  setupFixes(spec: ModelSpec, problems: readonly string[]): readonly string[] {
    const text = problems.join("\n");
    if (!/auth|401|403|api key|log ?in/i.test(text)) return [];
    return [
      `run \`codex login\` or set OPENAI_API_KEY (shell or model ${spec.name}'s env:); for another ` +
        `server add [model_providers.<id>] with base_url and env_key to ~/.codex/config.toml`,
    ];
  },
};
