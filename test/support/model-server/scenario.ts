import { z } from "zod";

/** The wire protocols the server speaks. */
export const VENDORS = [
  "anthropic",
  "gemini",
  "openai-chat",
  "openai-responses",
  "ollama",
] as const;
export type Vendor = (typeof VENDORS)[number];

const VendorSchema = z.enum(VENDORS);

/** A substring to look for, or a regular expression to test. */
const TextMatchSchema = z.union([z.string(), z.instanceof(RegExp)]);
export type TextMatch = z.infer<typeof TextMatchSchema>;

const ToolCallShapeSchema = z
  .object({
    /** The tool's name as the client declared it (e.g. `Write`, `write_file`, `shell`). */
    name: z.string().min(1),
    /** The arguments object. */
    args: z.record(z.string(), z.unknown()).default({}),
    /**
     * OpenAI Responses only: a free-form ("custom") tool call whose input is this string, e.g.
     * Codex's `apply_patch`. Other vendors send `args`.
     */
    custom: z.string().optional(),
  })
  .strict();

const ToolCallSchema = ToolCallShapeSchema.extend({
  /** The call id; default a deterministic id per request and position. */
  id: z.string().optional(),
  /** The same call as another vendor's client names it, e.g. `{ gemini: { name: "write_file", ... } }`. */
  perVendor: z.partialRecord(VendorSchema, ToolCallShapeSchema).optional(),
}).strict();

const UsageSchema = z
  .object({
    /** Input tokens NOT served from the cache (default: about a token per 4 request bytes). */
    input: z.number().int().nonnegative().optional(),
    /** Output tokens (default: about a token per 4 characters of the answer). */
    output: z.number().int().nonnegative().optional(),
    /** Input tokens read from the prompt cache. */
    cacheRead: z.number().int().nonnegative().optional(),
    /** Input tokens written to the cache; only Anthropic reports them. */
    cacheWrite: z.number().int().nonnegative().optional(),
    /** Gemini only: thinking tokens (`thoughtsTokenCount`). */
    thoughts: z.number().int().nonnegative().optional(),
  })
  .strict();

const FaultSchema = z
  .object({
    /** HTTP status to answer with (e.g. 401, 429, 500, 529). */
    status: z.number().int().min(100).max(599).optional(),
    /** Response body: an object is sent as JSON, a string as is; default a vendor-shaped error. */
    body: z.unknown().optional(),
    /** `retry-after` header: seconds, or any string (e.g. an HTTP date). */
    retryAfter: z.union([z.number().nonnegative(), z.string()]).optional(),
    /** Extra response headers. */
    headers: z.record(z.string(), z.string()).optional(),
    /** Wait before the fault. */
    delayMs: z.number().int().nonnegative().optional(),
    /** Never answer (until the client gives up or the server closes). */
    hang: z.boolean().optional(),
    /** Answer 200 with a body (or stream) that does not parse. */
    malformed: z.boolean().optional(),
    /** Destroy the connection without an answer. */
    reset: z.boolean().optional(),
    /** Fault only the first N matching requests, then answer normally (default: every one). */
    times: z.number().int().positive().optional(),
  })
  .strict();

const RuleSchema = z
  .object({
    /** Shown in recorded requests and messages. Default `#<index>`. */
    name: z.string().optional(),
    match: z
      .object({
        vendor: z.union([VendorSchema, z.array(VendorSchema)]).optional(),
        /** The model the request names. */
        model: TextMatchSchema.optional(),
        /** The last user message that has text and carries no tool results. */
        prompt: TextMatchSchema.optional(),
        /** The system prompt / instructions. */
        system: TextMatchSchema.optional(),
        /** How many tool results the request already carries: 0 on the first turn. */
        turn: z.number().int().nonnegative().optional(),
      })
      .strict()
      .default({}),
    /** Use this rule for the first N matching requests only; later ones fall through. */
    uses: z.number().int().positive().optional(),
    /** The answer text (final turn). */
    text: z.string().default(""),
    /** Tool calls to make, after `text` if both are given. */
    toolCalls: z.array(ToolCallSchema).default([]),
    usage: UsageSchema.default({}),
    /** The model id the answer reports (default: the requested model). */
    modelId: z.string().optional(),
    /** Wait before answering. */
    delayMs: z.number().int().nonnegative().default(0),
    /** Wait between streamed chunks. */
    chunkDelayMs: z.number().int().nonnegative().default(0),
    fault: FaultSchema.optional(),
  })
  .strict();

/** The script a model server answers from: the first rule that matches a request answers it. */
export const ScenarioSchema = z
  .object({
    rules: z.array(RuleSchema),
    /** Model ids listed by the `models` / `tags` endpoints. */
    models: z.array(z.string()).default([]),
  })
  .strict();

/** A scenario as written by a test. */
export type Scenario = z.input<typeof ScenarioSchema>;
/** A rule as written by a test. */
export type ScenarioRule = z.input<typeof RuleSchema>;
export type ParsedScenario = z.output<typeof ScenarioSchema>;
export type Rule = z.output<typeof RuleSchema>;
export type ToolCall = z.output<typeof ToolCallSchema>;
export type Fault = z.output<typeof FaultSchema>;
export type RuleUsage = z.output<typeof UsageSchema>;

/** What a request asks, in the terms rules match on; every vendor's request reduces to it. */
export interface Conversation {
  readonly vendor: Vendor;
  readonly model: string;
  readonly stream: boolean;
  readonly system: string;
  /** The last user message with text and no tool results. */
  readonly prompt: string;
  /** Tool results already in the request. */
  readonly turn: number;
  /** Size of the request body, for the default input token count. */
  readonly requestBytes: number;
  /** OpenAI chat only: the stream should end with a usage chunk (`stream_options`). */
  readonly includeUsage?: boolean;
}

/** Validates a scenario; a mistake in a test's script fails loudly, naming the field. */
export function parseScenario(scenario: Scenario): ParsedScenario {
  const result = ScenarioSchema.safeParse(scenario);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(
      `model-server: invalid scenario at ${issue?.path.join(".") ?? ""}: ${issue?.message ?? ""}`,
    );
  }
  return result.data;
}

function matchesText(pattern: TextMatch | undefined, text: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
}

/** Whether a rule's conditions hold for a request (its use counters are checked elsewhere). */
export function ruleMatches(rule: Rule, conv: Conversation): boolean {
  const m = rule.match;
  if (m.vendor !== undefined) {
    const vendors = Array.isArray(m.vendor) ? m.vendor : [m.vendor];
    if (!vendors.includes(conv.vendor)) return false;
  }
  if (m.turn !== undefined && m.turn !== conv.turn) return false;
  return (
    matchesText(m.model, conv.model) &&
    matchesText(m.prompt, conv.prompt) &&
    matchesText(m.system, conv.system)
  );
}

/** A tool call resolved for one vendor. */
export interface ResolvedToolCall {
  readonly id: string;
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly custom: string | undefined;
}

/** The answer to send, vendor-neutral; each vendor module renders it in its own shape. */
export interface Answer {
  readonly text: string;
  readonly toolCalls: readonly ResolvedToolCall[];
  readonly usage: {
    readonly input: number;
    readonly output: number;
    readonly cacheRead: number;
    readonly cacheWrite: number;
    readonly thoughts: number;
  };
  readonly modelId: string;
  readonly chunkDelayMs: number;
  /** A number unique to the request, for ids. */
  readonly serial: number;
}

function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** Builds the answer a rule gives to a request. */
export function answerFor(rule: Rule, conv: Conversation, serial: number): Answer {
  const toolCalls = rule.toolCalls.map((call, i): ResolvedToolCall => {
    const shape = call.perVendor?.[conv.vendor] ?? call;
    return {
      id: call.id ?? `call_${serial}_${i}`,
      name: shape.name,
      args: shape.args,
      custom: shape.custom,
    };
  });
  const outChars =
    rule.text.length +
    toolCalls.reduce((n, c) => n + c.name.length + JSON.stringify(c.args).length, 0);
  return {
    text: rule.text,
    toolCalls,
    usage: {
      input: rule.usage.input ?? estimateTokens(conv.requestBytes),
      output: rule.usage.output ?? estimateTokens(outChars),
      cacheRead: rule.usage.cacheRead ?? 0,
      cacheWrite: rule.usage.cacheWrite ?? 0,
      thoughts: rule.usage.thoughts ?? 0,
    },
    modelId: rule.modelId ?? conv.model,
    chunkDelayMs: rule.chunkDelayMs,
    serial,
  };
}

/** Splits text into a few pieces so streams carry more than one delta. */
export function chunksOf(text: string, pieces = 3): string[] {
  if (text.length === 0) return [];
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
