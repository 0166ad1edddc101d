import { ApiError, GoogleGenAI } from "@google/genai";
import { z } from "zod";
import { ProviderError, type ProviderCheck } from "../../core/provider-errors.js";
import type { ModelProvider, ModelRequest, ModelResponse } from "../../core/ports.js";
import { retryAfterFromHeaders } from "../http-status.js";
import { httpError } from "./http-errors.js";
import { ApiProvider, describeKey, type KeyLookup, type RawAnswer } from "./sdk-call.js";

const ResponseSchema = z.looseObject({
  candidates: z
    .array(
      z.looseObject({
        content: z
          .looseObject({
            parts: z
              .array(
                z.looseObject({ text: z.string().optional(), thought: z.boolean().optional() }),
              )
              .optional(),
          })
          .optional(),
        finishReason: z.string().optional(),
      }),
    )
    .optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional() }).optional(),
  usageMetadata: z.unknown(),
  modelVersion: z.string().optional(),
});

/** The body of a Google API error: `{error: {message, status, details: [RetryInfo...]}}`. */
const ErrorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    status: z.string().optional(),
    details: z
      .array(z.looseObject({ "@type": z.string().optional(), retryDelay: z.string().optional() }))
      .optional(),
  }),
});

function parseErrorBody(message: string): z.infer<typeof ErrorBodySchema> | undefined {
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Google's `RetryInfo.retryDelay`, e.g. `"37s"` or `"1.5s"`, in milliseconds. */
function retryDelayMs(body: z.infer<typeof ErrorBodySchema> | undefined): number | undefined {
  const delay = body?.error.details?.find((d) => d.retryDelay !== undefined)?.retryDelay;
  const match = delay === undefined ? null : /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
  return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) * 1000);
}

/**
 * Gemini through the Gemini API (`@google/genai`). Gemini caches repeated prompt prefixes
 * implicitly, so the stable system instruction is sent first and unchanged.
 */
export class GeminiProvider extends ApiProvider implements ModelProvider {
  readonly kind = "gemini";

  private key(): KeyLookup {
    return this.lookUpKey(["GEMINI_API_KEY", "GOOGLE_API_KEY"]);
  }

  /**
   * A client whose responses' headers are kept: the SDK's `ApiError` carries only the status,
   * and a 429's `retry-after` is in the headers.
   */
  private client(apiKey: string): { ai: GoogleGenAI; headers: () => Headers | undefined } {
    let last: Headers | undefined;
    const keepHeaders = async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      last = response.headers;
      return response;
    };
    const ai = new GoogleGenAI({
      apiKey,
      httpOptions: {
        // Retries live in one wrapper around every provider, not inside the SDK.
        retryOptions: { attempts: 1 },
        fetch: keepHeaders,
        ...(this.spec.baseUrl === undefined ? {} : { baseUrl: this.spec.baseUrl }),
      },
    });
    return { ai, headers: () => last };
  }

  private classify(error: unknown, headers: () => Headers | undefined): ProviderError | undefined {
    if (!(error instanceof ApiError)) return undefined;
    const body = parseErrorBody(error.message);
    const message = body?.error.message ?? error.message;
    const retryAfterMs =
      retryAfterFromHeaders((name) => headers()?.get(name)) ?? retryDelayMs(body);
    return httpError(this.spec.name, error.status, message, {
      retryAfterMs,
      detail: error.message,
      cause: error,
    });
  }

  private async call(
    ai: GoogleGenAI,
    request: { system: string; prompt: string; maxOutputTokens?: number },
    signal: AbortSignal,
  ): Promise<RawAnswer> {
    const response = await ai.models.generateContent({
      model: this.spec.model,
      contents: request.prompt,
      config: {
        abortSignal: signal,
        ...(request.system === "" ? {} : { systemInstruction: request.system }),
        ...(request.maxOutputTokens === undefined
          ? {}
          : { maxOutputTokens: request.maxOutputTokens }),
      },
    });
    const parsed = ResponseSchema.safeParse(response);
    if (!parsed.success) throw this.malformed("generateContent response", response);
    const data = parsed.data;
    const transcript = JSON.stringify(response);
    const candidate = data.candidates?.[0];
    if (candidate === undefined) {
      const reason = data.promptFeedback?.blockReason;
      if (reason !== undefined) {
        throw new ProviderError("bad_request", this.spec.name, `prompt blocked: ${reason}`, {
          detail: transcript,
        });
      }
      throw this.malformed("generateContent response without candidates", response);
    }
    const text = (candidate.content?.parts ?? [])
      .filter((part) => part.thought !== true)
      .map((part) => part.text ?? "")
      .join("");
    return {
      text,
      usage: data.usageMetadata,
      modelId: data.modelVersion ?? this.spec.model,
      transcript,
    };
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const key = this.key();
    let headers: () => Headers | undefined = () => undefined;
    return this.completeWith(
      "gemini",
      request,
      (e) => this.classify(e, headers),
      (signal) => {
        if (key.found === undefined) throw this.missingKeyError(key);
        const client = this.client(key.found.value);
        headers = client.headers;
        return this.call(client.ai, request, signal);
      },
    );
  }

  async check(options: { offline: boolean; signal?: AbortSignal }): Promise<ProviderCheck> {
    const key = this.key();
    let headers: () => Headers | undefined = () => undefined;
    return this.checkWith(
      options,
      key,
      describeKey(key, this.spec.baseUrl),
      (signal) => {
        // checkWith pings only when the key is there.
        const client = this.client(key.found?.value ?? "");
        headers = client.headers;
        return this.call(
          client.ai,
          { system: "", prompt: "Reply with OK.", maxOutputTokens: 1 },
          signal,
        );
      },
      (e) => this.classify(e, headers),
    );
  }
}
