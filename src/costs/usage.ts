import { z } from "zod";
import { SystemError } from "../core/errors.js";
import type { TokenUsage } from "../core/events.js";

/** The ways vendors count tokens; each has its own rule for cached input. */
export const USAGE_VENDORS = ["anthropic", "openai", "gemini", "ollama"] as const;
export type UsageVendor = (typeof USAGE_VENDORS)[number];

/** A vendor's usage object did not have the shape its documentation gives. */
export class UsageFormatError extends SystemError {}

const count = z.number().int().nonnegative();
const optionalCount = count.optional().default(0);

/**
 * Anthropic Messages API and Claude Code (`usage` of the result): `input_tokens` EXCLUDES the
 * cache reads and cache writes, which are reported beside it.
 */
const AnthropicUsageSchema = z.looseObject({
  input_tokens: count,
  output_tokens: count,
  cache_read_input_tokens: count.nullish(),
  cache_creation_input_tokens: count.nullish(),
  /** The cache writes by lifetime (1-hour writes cost 2x input, 5-minute ones 1.25x). */
  cache_creation: z
    .looseObject({
      ephemeral_5m_input_tokens: count.nullish(),
      ephemeral_1h_input_tokens: count.nullish(),
    })
    .nullish(),
});

/** OpenAI Chat Completions: `prompt_tokens` INCLUDES `prompt_tokens_details.cached_tokens`. */
const OpenAIChatUsageSchema = z.looseObject({
  prompt_tokens: count,
  completion_tokens: optionalCount,
  prompt_tokens_details: z.looseObject({ cached_tokens: count.nullish() }).nullish(),
});

/**
 * OpenAI Responses API (`input_tokens_details.cached_tokens`) and Codex CLI `turn.completed`
 * (`cached_input_tokens`): `input_tokens` INCLUDES the cached tokens, as in Chat Completions.
 */
const OpenAIResponsesUsageSchema = z.looseObject({
  input_tokens: count,
  output_tokens: optionalCount,
  cached_input_tokens: count.nullish(),
  input_tokens_details: z.looseObject({ cached_tokens: count.nullish() }).nullish(),
});

/**
 * Gemini API `usageMetadata`: `promptTokenCount` INCLUDES `cachedContentTokenCount`; tool-use
 * prompt tokens are counted apart and billed as input; thinking tokens are billed as output.
 */
const GeminiApiUsageSchema = z.looseObject({
  promptTokenCount: count,
  candidatesTokenCount: optionalCount,
  cachedContentTokenCount: optionalCount,
  toolUsePromptTokenCount: optionalCount,
  thoughtsTokenCount: optionalCount,
});

/** Gemini CLI `stats.models.<model>.tokens`: the same counts under shorter names. */
const GeminiCliUsageSchema = z.looseObject({
  prompt: count,
  candidates: optionalCount,
  cached: optionalCount,
  thoughts: optionalCount,
  tool: optionalCount,
});

/** Ollama's native `/api/chat`: no prompt cache is reported. */
const OllamaUsageSchema = z.looseObject({
  prompt_eval_count: optionalCount,
  eval_count: optionalCount,
});

function usage(input: number, output: number, cacheRead = 0, cacheWrite = 0): TokenUsage {
  return { input, output, cacheRead, cacheWrite };
}

/** Splits a prompt count that includes cached tokens; a cached count above it is clamped. */
function splitCached(prompt: number, cached: number): { input: number; cacheRead: number } {
  const cacheRead = Math.min(cached, prompt);
  return { input: prompt - cacheRead, cacheRead };
}

function fromOpenAI(raw: unknown): TokenUsage | undefined {
  const chat = OpenAIChatUsageSchema.safeParse(raw);
  if (chat.success) {
    const u = chat.data;
    const split = splitCached(u.prompt_tokens, u.prompt_tokens_details?.cached_tokens ?? 0);
    return usage(split.input, u.completion_tokens, split.cacheRead);
  }
  const responses = OpenAIResponsesUsageSchema.safeParse(raw);
  if (!responses.success) return undefined;
  const u = responses.data;
  const cached = u.cached_input_tokens ?? u.input_tokens_details?.cached_tokens ?? 0;
  const split = splitCached(u.input_tokens, cached);
  return usage(split.input, u.output_tokens, split.cacheRead);
}

function fromGemini(raw: unknown): TokenUsage | undefined {
  const api = GeminiApiUsageSchema.safeParse(raw);
  if (api.success) {
    const u = api.data;
    const split = splitCached(u.promptTokenCount, u.cachedContentTokenCount);
    return usage(
      split.input + u.toolUsePromptTokenCount,
      u.candidatesTokenCount + u.thoughtsTokenCount,
      split.cacheRead,
    );
  }
  const cli = GeminiCliUsageSchema.safeParse(raw);
  if (!cli.success) return undefined;
  const u = cli.data;
  const split = splitCached(u.prompt, u.cached);
  return usage(split.input + u.tool, u.candidates + u.thoughts, split.cacheRead);
}

function fromAnthropic(raw: unknown): TokenUsage | undefined {
  const parsed = AnthropicUsageSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const u = parsed.data;
  const hour = u.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  const minutes = u.cache_creation?.ephemeral_5m_input_tokens ?? 0;
  // The total is authoritative; the split only tells which part was written for an hour.
  const writes = u.cache_creation_input_tokens ?? minutes + hour;
  const base = usage(u.input_tokens, u.output_tokens, u.cache_read_input_tokens ?? 0, writes);
  return hour > 0 ? { ...base, cacheWrite1h: Math.min(hour, writes) } : base;
}

function fromOllama(raw: unknown): TokenUsage | undefined {
  const parsed = OllamaUsageSchema.safeParse(raw);
  if (parsed.success && (parsed.data.prompt_eval_count > 0 || parsed.data.eval_count > 0)) {
    return usage(parsed.data.prompt_eval_count, parsed.data.eval_count);
  }
  // Ollama's `/v1` endpoint answers in the OpenAI shape.
  return fromOpenAI(raw) ?? (parsed.success ? usage(0, 0) : undefined);
}

function describe(raw: unknown): string {
  return typeof raw === "object" && raw !== null ? JSON.stringify(raw).slice(0, 200) : String(raw);
}

const READERS: Readonly<Record<UsageVendor, (raw: unknown) => TokenUsage | undefined>> = {
  anthropic: fromAnthropic,
  openai: fromOpenAI,
  gemini: fromGemini,
  ollama: fromOllama,
};

/** The token counts of several calls (or turns) added up. */
export function sumUsage(all: readonly TokenUsage[]): TokenUsage {
  return all.reduce(
    (a, u) => ({
      input: a.input + u.input,
      output: a.output + u.output,
      cacheRead: a.cacheRead + u.cacheRead,
      cacheWrite: a.cacheWrite + u.cacheWrite,
    }),
    { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  );
}

/**
 * A vendor's usage object as normalised token counts: `input` is the input NOT served from
 * the cache, so `input + cacheRead + cacheWrite` is every input token, each counted once.
 * Counting cached tokens twice (or not at all) is the usual cost bug; the vendors differ:
 * Anthropic reports `input_tokens` without the cache, OpenAI and Gemini include it.
 * @throws UsageFormatError when `raw` is not a usage object of that vendor.
 */
export function normalizeUsage(vendor: UsageVendor, raw: unknown): TokenUsage {
  const result = READERS[vendor](raw);
  if (result === undefined) {
    throw new UsageFormatError(`unrecognised ${vendor} usage object: ${describe(raw)}`);
  }
  return result;
}
