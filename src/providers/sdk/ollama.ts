import { z } from "zod";
import { ProviderError, type ProviderCheck } from "../../core/provider-errors.js";
import type { ModelProvider, ModelRequest, ModelResponse } from "../../core/ports.js";
import type { ModelSpec } from "../../core/project-config.js";
import { retryAfterFromHeaders } from "../http-status.js";
import { httpError } from "./http-errors.js";
import { ApiProvider, type KeyLookup, type RawAnswer, type SdkDeps } from "./sdk-call.js";

/** Where `ollama serve` listens unless told otherwise. */
export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";

const ChatResponseSchema = z.looseObject({
  model: z.string(),
  message: z.looseObject({ content: z.string() }),
  prompt_eval_count: z.number().optional(),
  eval_count: z.number().optional(),
});

const ErrorBodySchema = z.looseObject({ error: z.string() });

const TagsSchema = z.looseObject({
  models: z.array(z.looseObject({ name: z.string() })),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `llama3` and `llama3:latest` are the same model to Ollama. */
function sameModel(a: string, b: string): boolean {
  const full = (name: string) => (name.includes(":") ? name : `${name}:latest`);
  return full(a) === full(b);
}

/**
 * A local model through Ollama's native chat API (`POST /api/chat`, not streamed), with plain
 * `fetch`: the status, headers and body of every failure stay in reach. No key unless the
 * model names `api_key_env` (a proxy or a hosted Ollama), sent as a bearer token.
 */
export class OllamaProvider extends ApiProvider implements ModelProvider {
  readonly kind = "ollama";
  private readonly host: string;

  constructor(spec: ModelSpec, deps: SdkDeps = {}) {
    super(spec, deps);
    this.host = (spec.baseUrl ?? DEFAULT_OLLAMA_HOST).replace(/\/+$/, "");
  }

  private key(): KeyLookup | undefined {
    return this.spec.apiKeyEnv === undefined ? undefined : this.lookUpKey([]);
  }

  private headers(key: KeyLookup | undefined): Record<string, string> {
    if (key !== undefined && key.found === undefined) throw this.missingKeyError(key);
    return {
      "content-type": "application/json",
      ...(key?.found === undefined ? {} : { authorization: `Bearer ${key.found.value}` }),
    };
  }

  /** One HTTP exchange; a non-2xx status becomes the ProviderError its status means. */
  private async fetchJson(
    path: string,
    init: RequestInit & { signal: AbortSignal },
  ): Promise<{ body: unknown; text: string }> {
    const response = await fetch(`${this.host}${path}`, init);
    const text = await response.text();
    const body = parseJson(text);
    if (!response.ok) {
      const parsed = ErrorBodySchema.safeParse(body);
      let message = parsed.success ? parsed.data.error : text.slice(0, 500);
      if (response.status === 404 && /not found/i.test(message)) {
        message += ` (run: ollama pull ${this.spec.model})`;
      }
      throw httpError(this.spec.name, response.status, message, {
        retryAfterMs: retryAfterFromHeaders((name) => response.headers.get(name)),
        detail: text,
      });
    }
    if (body === undefined) {
      throw new ProviderError("malformed_output", this.spec.name, "the response is not JSON", {
        detail: text.slice(0, 4000),
      });
    }
    return { body, text };
  }

  private async chat(
    request: { system: string; prompt: string; numPredict?: number },
    key: KeyLookup | undefined,
    signal: AbortSignal,
  ): Promise<RawAnswer> {
    const messages = [
      ...(request.system === "" ? [] : [{ role: "system", content: request.system }]),
      { role: "user", content: request.prompt },
    ];
    const { body, text } = await this.fetchJson("/api/chat", {
      method: "POST",
      headers: this.headers(key),
      body: JSON.stringify({
        model: this.spec.model,
        messages,
        stream: false,
        ...(request.numPredict === undefined
          ? {}
          : { options: { num_predict: request.numPredict } }),
      }),
      signal,
    });
    const parsed = ChatResponseSchema.safeParse(body);
    if (!parsed.success) throw this.malformed("/api/chat response", body);
    return {
      text: parsed.data.message.content,
      usage: body,
      modelId: parsed.data.model,
      transcript: text,
    };
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const key = this.key();
    return this.completeWith(
      "ollama",
      request,
      () => undefined,
      (signal) => this.chat(request, key, signal),
    );
  }

  async check(options: { offline: boolean; signal?: AbortSignal }): Promise<ProviderCheck> {
    const key = this.key();
    const found = `Ollama at ${this.host}`;
    const result = await this.checkWith(
      options,
      key,
      found,
      async (signal) => {
        const { body } = await this.fetchJson("/api/tags", {
          method: "GET",
          headers: this.headers(key),
          signal,
        });
        const tags = TagsSchema.safeParse(body);
        if (tags.success && !tags.data.models.some((m) => sameModel(m.name, this.spec.model))) {
          throw new ProviderError(
            "bad_request",
            this.spec.name,
            `model "${this.spec.model}" is not pulled`,
          );
        }
        return this.chat({ system: "", prompt: "Reply with OK.", numPredict: 1 }, key, signal);
      },
      () => undefined,
    );
    if (result.ok || options.offline) return result;
    // Ollama's own fixes are more useful than the generic ones.
    const problem = result.problems.join(" ");
    const fix = /not pulled|not found/i.test(problem)
      ? `ollama pull ${this.spec.model}`
      : /reach/i.test(problem)
        ? `start Ollama (ollama serve) or set base_url; tried ${this.host}`
        : (result.fixes[0] ?? "");
    return { ...result, fixes: [fix] };
  }
}
