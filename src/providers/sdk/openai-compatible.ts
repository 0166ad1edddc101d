import OpenAI, { APIConnectionTimeoutError, APIError } from "openai";
import { z } from "zod";
import { ProviderError, type ProviderCheck } from "../../core/provider-errors.js";
import type { ModelProvider, ModelRequest, ModelResponse } from "../../core/ports.js";
import { classifySdkError, type SdkErrorClasses } from "./http-errors.js";
import {
  ApiProvider,
  describeKey,
  sdkClientOptions,
  type KeyLookup,
  type RawAnswer,
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

/** The SDK's errors; HTTP errors carry their status and `retry-after`. */
const ERRORS: SdkErrorClasses<APIError> = {
  TimeoutError: APIConnectionTimeoutError,
  ApiError: APIError,
  // The SDK's message starts with the status, which httpError adds itself.
  messageOf: (error) => error.message.replace(/^\d{3}\s+/, ""),
};

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
export class OpenAICompatibleProvider extends ApiProvider implements ModelProvider {
  readonly kind = "openai-compatible";

  /** The key lookup, or `undefined` when the server needs no key. */
  private key(): KeyLookup | undefined {
    const key = this.lookUpKey(["OPENAI_API_KEY"]);
    const required = this.spec.apiKeyEnv !== undefined || isOpenAI(this.spec.baseUrl);
    return key.found !== undefined || required ? key : undefined;
  }

  private client(apiKey: string): OpenAI {
    return new OpenAI(sdkClientOptions(this.spec, apiKey));
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
    if (!parsed.success) throw this.malformed("chat completion", completion);
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
    return this.completeWith(
      "openai",
      request,
      (e) => classifySdkError(this.name, e, ERRORS),
      (signal) => {
        if (key !== undefined && key.found === undefined) throw this.missingKeyError(key);
        return this.call(this.client(key?.found?.value ?? NO_KEY), request, signal);
      },
    );
  }

  async check(options: { offline: boolean; signal?: AbortSignal }): Promise<ProviderCheck> {
    const key = this.key();
    const where = this.spec.baseUrl ?? "api.openai.com";
    const found = key === undefined ? `no key needed for ${where}` : describeKey(key, where);
    return this.checkWith(
      options,
      key,
      found,
      (signal) =>
        this.call(
          this.client(key?.found?.value ?? NO_KEY),
          { system: "", prompt: "Reply with OK." },
          signal,
        ),
      (e) => classifySdkError(this.name, e, ERRORS),
    );
  }
}
