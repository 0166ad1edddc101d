import OpenAI, { APIConnectionTimeoutError, APIError } from "openai";
import { z } from "zod";
import { ProviderError, type ProviderCheck } from "../../core/provider-errors.js";
import type { ModelProvider, ModelRequest, ModelResponse } from "../../core/ports.js";
import type { ModelSpec } from "../../core/project-config.js";
import { httpError, retryAfterFromHeaders } from "./http-errors.js";
import {
  checkWith,
  completeWith,
  lookUpKey,
  malformed,
  missingKeyError,
  type KeyLookup,
  type RawAnswer,
  type SdkDeps,
} from "./sdk-call.js";

const CompletionSchema = z.looseObject({
  model: z.string(),
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.unknown().optional(),
});

/** Sent when a local server needs no key: the SDK refuses to run without one. */
const NO_KEY = "no-key";

/** `instanceof` on the generic class would type its fields `any`; this keeps the defaults. */
function isApiError(error: unknown): error is APIError {
  return error instanceof APIError;
}

function classify(spec: ModelSpec, error: unknown): ProviderError | undefined {
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError("timeout", spec.name, error.message, { cause: error });
  }
  if (!isApiError(error)) return undefined;
  const { status, headers } = error;
  if (status === undefined) return undefined;
  // The SDK's message starts with the status, which httpError adds itself.
  return httpError(spec.name, status, error.message.replace(/^\d{3}\s+/, ""), {
    retryAfterMs: retryAfterFromHeaders((name) => headers?.get(name)),
    detail: error.error === undefined ? "" : JSON.stringify(error.error),
    cause: error,
  });
}

/** Whether the base URL is OpenAI's own API (or unset, which means it). */
function isOpenAI(baseUrl: string | undefined): boolean {
  if (baseUrl === undefined) return true;
  try {
    return new URL(baseUrl).hostname === "api.openai.com";
  } catch {
    return false;
  }
}

/**
 * Any server that speaks OpenAI chat completions (`openai` SDK): OpenAI, OpenRouter, vLLM,
 * LM Studio, llama.cpp's server, Ollama's `/v1`. `base_url` includes the `/v1`. A local server
 * needs no key; OpenAI's own API, or a model that names `api_key_env`, does.
 */
export class OpenAICompatibleProvider implements ModelProvider {
  readonly kind = "openai-compatible";
  readonly name: string;
  readonly family: string;

  constructor(
    private readonly spec: ModelSpec,
    private readonly deps: SdkDeps = {},
  ) {
    this.name = spec.name;
    this.family = spec.family;
  }

  /** The key lookup, or `undefined` when the server needs no key. */
  private key(): KeyLookup | undefined {
    const key = lookUpKey(this.spec, ["OPENAI_API_KEY"], this.deps);
    const required = this.spec.apiKeyEnv !== undefined || isOpenAI(this.spec.baseUrl);
    return key.found !== undefined || required ? key : undefined;
  }

  private client(apiKey: string): OpenAI {
    return new OpenAI({
      apiKey,
      // Retries live in one wrapper around every provider, not inside the SDK.
      maxRetries: 0,
      timeout: this.spec.timeoutMs,
      ...(this.spec.baseUrl === undefined ? {} : { baseURL: this.spec.baseUrl }),
    });
  }

  private async call(
    client: OpenAI,
    request: { system: string; prompt: string },
    signal: AbortSignal,
  ): Promise<RawAnswer> {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      ...(request.system === "" ? [] : [{ role: "system" as const, content: request.system }]),
      { role: "user", content: request.prompt },
    ];
    const completion = await client.chat.completions.create(
      { model: this.spec.model, messages },
      { signal },
    );
    const parsed = CompletionSchema.safeParse(completion);
    if (!parsed.success) throw malformed(this.spec, "chat completion", completion);
    const choice = parsed.data.choices[0];
    const transcript = JSON.stringify(completion);
    if (choice?.message.refusal) {
      throw new ProviderError("bad_request", this.spec.name, `refused: ${choice.message.refusal}`, {
        detail: transcript,
      });
    }
    return {
      text: choice?.message.content ?? "",
      // Some local servers report no usage; their calls cost nothing anyway.
      usage: parsed.data.usage ?? { prompt_tokens: 0, completion_tokens: 0 },
      modelId: parsed.data.model,
      transcript,
    };
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const key = this.key();
    return completeWith(
      this.spec,
      "openai",
      request,
      this.deps,
      (e) => classify(this.spec, e),
      (signal) => {
        if (key !== undefined && key.found === undefined) throw missingKeyError(this.spec, key);
        return this.call(this.client(key?.found?.value ?? NO_KEY), request, signal);
      },
    );
  }

  async check(options: { offline: boolean; signal?: AbortSignal }): Promise<ProviderCheck> {
    const key = this.key();
    const where = this.spec.baseUrl ?? "api.openai.com";
    const found =
      key === undefined
        ? `no key needed for ${where}`
        : `key in ${key.found?.name ?? key.names.join(", ")} for ${where}`;
    return checkWith(
      this.spec,
      options,
      key,
      found,
      (signal) =>
        this.call(
          this.client(key?.found?.value ?? NO_KEY),
          { system: "", prompt: "Reply with OK." },
          signal,
        ),
      (e) => classify(this.spec, e),
    );
  }
}
