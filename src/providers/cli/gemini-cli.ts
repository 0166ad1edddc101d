import { z } from "zod";
import type { ModelRequest, ProcessResult } from "../../core/ports.js";
import type { ModelSpec } from "../../core/project-config.js";
import { ProviderError, type ProviderErrorKind } from "../../core/provider-errors.js";
import { normalizeUsage, sumUsage } from "../../costs/usage.js";
import {
  needsStdin,
  promptWithSystem,
  type CliAnswer,
  type CliDialect,
  type CliInvocation,
} from "./cli-dialect.js";
import { reportedFailure, tryJson, unstructuredFailure, usageOrFailure } from "./cli-failure.js";

/** Gemini CLI's documented fatal exit codes. */
const EXIT_KINDS: Readonly<Record<number, { kind: ProviderErrorKind; what: string }>> = {
  41: { kind: "auth", what: "authentication failed" },
  42: { kind: "bad_request", what: "invalid input" },
  52: { kind: "bad_request", what: "invalid configuration" },
  53: { kind: "nonzero_exit", what: "turn limit reached" },
};

const ErrorSchema = z.looseObject({
  type: z.string().optional(),
  message: z.string(),
  code: z.union([z.number(), z.string()]).optional(),
});

/** `gemini --output-format json`: pretty-printed, the answer or an `error` object. */
export const GeminiOutputSchema = z.looseObject({
  session_id: z.string().optional(),
  response: z.string().optional(),
  stats: z
    .looseObject({
      models: z.record(z.string(), z.looseObject({ tokens: z.unknown() })).default({}),
    })
    .optional(),
  error: ErrorSchema.optional(),
});
export type GeminiOutput = z.infer<typeof GeminiOutputSchema>;

/**
 * The last JSON document in a stream. Gemini CLI prints its JSON over many lines, on stdout
 * when it succeeds and (0.61) on stderr after the log lines when it fails.
 */
function lastJsonDocument(text: string): GeminiOutput | undefined {
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]?.trimEnd() !== "{") continue;
    const parsed = GeminiOutputSchema.safeParse(tryJson(lines.slice(i).join("\n")));
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

function failureOf(spec: ModelSpec, result: ProcessResult, error: z.infer<typeof ErrorSchema>) {
  const code = typeof error.code === "number" ? error.code : Number(error.code);
  const exit = EXIT_KINDS[Number.isInteger(code) ? code : (result.exitCode ?? -1)];
  return reportedFailure(spec, result, exit ? `${exit.what}: ${error.message}` : error.message, {
    // Gemini CLI reports an HTTP error with the status as `code` (and exits with it mod 256).
    ...(Number.isInteger(code) && code >= 400 && code < 600 ? { status: code } : {}),
    ...(exit ? { fallback: exit.kind } : {}),
  });
}

/** Gemini CLI (`@google/gemini-cli`). */
export const geminiCli: CliDialect = {
  kind: "gemini-cli",
  defaultBinary: "gemini",
  packageName: "@google/gemini-cli",
  permissionModes: ["auto_edit", "yolo"],

  invocation(spec: ModelSpec, request: ModelRequest): CliInvocation {
    // No system-prompt flag (GEMINI_SYSTEM_MD would replace the CLI's tool instructions).
    const prompt = promptWithSystem(request);
    const viaStdin = needsStdin(prompt);
    // Headless `default` mode offers only read-only tools; `auto_edit` adds the edit tools.
    const approval = request.mode === "agent" ? (spec.permissionMode ?? "auto_edit") : "default";
    const args: string[] = [
      // `--prompt=` keeps a value that starts with "-" from reading as an option; with stdin
      // the (empty) -p value is appended to the prompt read from stdin.
      `--prompt=${viaStdin ? "" : prompt}`,
      "--output-format",
      "json",
      "-m",
      spec.model,
      "--approval-mode",
      approval,
    ];
    if (request.mode === "agent" && spec.allowedTools !== undefined) {
      for (const tool of spec.allowedTools) args.push(`--allowed-tools=${tool}`);
    }
    args.push(...spec.args);
    return { args, ...(viaStdin ? { input: prompt } : {}), env: {} };
  },

  parse(spec: ModelSpec, result: ProcessResult): CliAnswer | ProviderError {
    const binary = spec.binary ?? "gemini";
    const out = lastJsonDocument(result.stdout) ?? lastJsonDocument(result.stderr);
    if (out?.error !== undefined) return failureOf(spec, result, out.error);
    const exit = result.exitCode === null ? undefined : EXIT_KINDS[result.exitCode];
    if (exit !== undefined) {
      return reportedFailure(spec, result, `${exit.what}: exit ${String(result.exitCode)}`, {
        fallback: exit.kind,
      });
    }
    if (out?.response === undefined || result.exitCode !== 0) {
      return unstructuredFailure(spec, binary, result, "no response field");
    }
    const models = Object.entries(out.stats?.models ?? {});
    const usage = usageOrFailure(spec, binary, result, () =>
      sumUsage(models.map(([, m]) => normalizeUsage("gemini", m.tokens))),
    );
    if (usage instanceof ProviderError) return usage;
    // The model that produced the most output is the one that answered (a router may add a
    // small model's classification call).
    models.sort((a, b) => outputOf(b[1].tokens) - outputOf(a[1].tokens));
    const modelId = models[0]?.[0];
    return { text: out.response, usage, ...(modelId === undefined ? {} : { modelId }) };
  },

  setupFixes(spec: ModelSpec, problems: readonly string[]): readonly string[] {
    const text = problems.join("\n");
    const fixes: string[] = [];
    if (/auth|401|403|api key|41/i.test(text)) {
      fixes.push(
        `write {"security":{"auth":{"selectedType":"gemini-api-key"}}} to ~/.gemini/settings.json and set GEMINI_API_KEY (shell or model ${spec.name}'s env:)`,
      );
    }
    if (/trust/i.test(text)) {
      fixes.push(`set GEMINI_CLI_TRUST_WORKSPACE=true in model ${spec.name}'s env:`);
    }
    return fixes;
  },
};

function outputOf(tokens: unknown): number {
  const parsed = z.looseObject({ candidates: z.number() }).safeParse(tokens);
  return parsed.success ? parsed.data.candidates : 0;
}
