import Anthropic, { APIConnectionTimeoutError, APIError } from "@anthropic-ai/sdk";
import { z } from "zod";
import type { ProviderCheck } from "../../core/provider-errors.js";
import type { ModelProvider, ModelRequest, ModelResponse } from "../../core/ports.js";
import { classifySdkError, type SdkErrorClasses } from "./http-errors.js";
import { ApiProvider, describeKey, sdkClientOptions, type RawAnswer } from "./sdk-call.js";

/** Output limit per call; every current Claude model allows at least this. */
const MAX_TOKENS = 8192;

const MessageSchema = z.looseObject({
  model: z.string(),
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  usage: z.unknown(),
});

/** The SDK's errors; HTTP errors carry their status and `retry-after`. */
const ERRORS: SdkErrorClasses<APIError> = {
  TimeoutError: APIConnectionTimeoutError,
  ApiError: APIError,
  messageOf: (error) => error.apiMessage ?? error.message,
};

/**
 * Claude through the Anthropic Messages API (`@anthropic-ai/sdk`). The system prompt is the
 * stable prefix of every call, so it carries an ephemeral `cache_control` breakpoint: repeated
 * calls read it from the prompt cache at a tenth of the input price.
 */
export class AnthropicProvider extends ApiProvider implements ModelProvider {
  readonly kind = "anthropic";

  private key() {
    return this.lookUpKey(["ANTHROPIC_API_KEY"]);
  }

  private client(apiKey: string): Anthropic {
    return new Anthropic(sdkClientOptions(this.spec, apiKey));
  }

  private async call(
    client: Anthropic,
    params: Anthropic.MessageCreateParamsNonStreaming,
    signal: AbortSignal,
  ): Promise<RawAnswer> {
    const message = await client.messages.create(params, {
      signal,
      timeout: this.spec.timeoutMs,
    });
    const parsed = MessageSchema.safeParse(message);
    if (!parsed.success) throw this.malformed("Messages API response", message);
    const text = parsed.data.content
      .filter((block) => block.type === "text")
      .map((block) => block.text ?? "")
      .join("");
    return {
      text,
      usage: parsed.data.usage,
      modelId: parsed.data.model,
      transcript: JSON.stringify(message),
    };
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const key = this.key();
    const apiKey = key.found?.value;
    const system: Anthropic.TextBlockParam[] =
      request.system === ""
        ? []
        : [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }];
    return this.completeWith(
      "anthropic",
      request,
      (e) => classifySdkError(this.name, e, ERRORS),
      (signal) => {
        if (apiKey === undefined) throw this.missingKeyError(key);
        return this.call(
          this.client(apiKey),
          {
            model: this.spec.model,
            max_tokens: MAX_TOKENS,
            ...(system.length > 0 ? { system } : {}),
            messages: [{ role: "user", content: request.prompt }],
          },
          signal,
        );
      },
    );
  }

  async check(options: { offline: boolean; signal?: AbortSignal }): Promise<ProviderCheck> {
    const key = this.key();
    return this.checkWith(
      options,
      key,
      describeKey(key, this.spec.baseUrl),
      (signal) =>
        this.call(
          this.client(key.found?.value ?? ""),
          {
            model: this.spec.model,
            max_tokens: 1,
            messages: [{ role: "user", content: "Reply with OK." }],
          },
          signal,
        ),
      (e) => classifySdkError(this.name, e, ERRORS),
    );
  }
}
