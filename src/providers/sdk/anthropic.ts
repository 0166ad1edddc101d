import Anthropic, { APIConnectionTimeoutError, APIError } from "@anthropic-ai/sdk";
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
  type RawAnswer,
  type SdkDeps,
} from "./sdk-call.js";

/** Output limit per call; every current Claude model allows at least this. */
const MAX_TOKENS = 8192;

const MessageSchema = z.looseObject({
  model: z.string(),
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  usage: z.unknown(),
});

/** `instanceof` on the generic class would type its fields `any`; this keeps the defaults. */
function isApiError(error: unknown): error is APIError {
  return error instanceof APIError;
}

/** Maps the SDK's errors; HTTP errors carry their status and `retry-after`. */
function classify(spec: ModelSpec, error: unknown): ProviderError | undefined {
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError("timeout", spec.name, error.message, { cause: error });
  }
  if (!isApiError(error)) return undefined;
  const { status, headers } = error;
  if (status === undefined) return undefined;
  return httpError(spec.name, status, error.apiMessage ?? error.message, {
    retryAfterMs: retryAfterFromHeaders((name) => headers?.get(name)),
    detail: error.error === undefined ? "" : JSON.stringify(error.error),
    cause: error,
  });
}

/**
 * Claude through the Anthropic Messages API (`@anthropic-ai/sdk`). The system prompt is the
 * stable prefix of every call, so it carries an ephemeral `cache_control` breakpoint: repeated
 * calls read it from the prompt cache at a tenth of the input price.
 */
export class AnthropicProvider implements ModelProvider {
  readonly kind = "anthropic";
  readonly name: string;
  readonly family: string;

  constructor(
    private readonly spec: ModelSpec,
    private readonly deps: SdkDeps = {},
  ) {
    this.name = spec.name;
    this.family = spec.family;
  }

  private key() {
    return lookUpKey(this.spec, ["ANTHROPIC_API_KEY"], this.deps);
  }

  private client(apiKey: string): Anthropic {
    return new Anthropic({
      apiKey,
      // Retries live in one wrapper around every provider, not inside the SDK.
      maxRetries: 0,
      timeout: this.spec.timeoutMs,
      ...(this.spec.baseUrl === undefined ? {} : { baseURL: this.spec.baseUrl }),
    });
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
    if (!parsed.success) throw malformed(this.spec, "Messages API response", message);
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
    return completeWith(
      this.spec,
      "anthropic",
      request,
      this.deps,
      (e) => classify(this.spec, e),
      (signal) => {
        if (apiKey === undefined) throw missingKeyError(this.spec, key);
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
    const found = `key in ${key.found?.name ?? key.names.join(", ")}${
      this.spec.baseUrl === undefined ? "" : ` for ${this.spec.baseUrl}`
    }`;
    return checkWith(
      this.spec,
      options,
      key,
      found,
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
      (e) => classify(this.spec, e),
    );
  }
}
