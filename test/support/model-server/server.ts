import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicApi } from "./anthropic.js";
import { countTokensAnswer, geminiApi } from "./gemini.js";
import { pause, sendJson, writable } from "./http.js";
import { ollamaApi } from "./ollama.js";
import { openaiChatApi } from "./openai-chat.js";
import { openaiResponsesApi } from "./openai-responses.js";
import {
  answerFor,
  parseScenario,
  ruleMatches,
  type Conversation,
  type Fault,
  type ParsedScenario,
  type Rule,
  type Scenario,
  type Vendor,
} from "./scenario.js";
import { RequestShapeError, type UrlFacts, type VendorApi } from "./vendor-api.js";

/** What became of a request. */
export type Outcome =
  | "answer"
  | "fault"
  /** No rule matched: answered 500 with a message naming the request. */
  | "unmatched"
  /** The body was not JSON or not the vendor's request shape: answered 400. */
  | "invalid"
  /** A side endpoint: models list, token count, version. */
  | "aux"
  /** No such endpoint: answered 404. */
  | "not_found";

/** One request the server received, recorded before it was answered. */
export interface RecordedRequest {
  /** 0-based, in arrival order. */
  readonly index: number;
  readonly vendor: Vendor | "unknown";
  readonly method: string;
  /** Path with the query string, e.g. `/v1/messages?beta=true`. */
  readonly path: string;
  readonly model: string | undefined;
  readonly stream: boolean;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body (`undefined` for none, the raw text when it was not JSON). */
  readonly body: unknown;
  /** Tool results the request carried; see the scenario's `match.turn`. */
  readonly turn: number | undefined;
  readonly prompt: string | undefined;
  readonly system: string | undefined;
  /** The rule that answered: its `name`, or `#<index>`. */
  rule: string | undefined;
  outcome: Outcome;
  /** The HTTP status sent (undefined while pending, for a hang or a reset). */
  status: number | undefined;
}

/** A running scripted model server. */
export interface ModelServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Requests no rule matched (each was answered 500). */
  unmatched(): readonly RecordedRequest[];
  /** Replaces the scenario and resets the rules' use counters. */
  setScenario(scenario: Scenario): void;
  /** Stops the server, cutting any request still open (hangs included). */
  close(): Promise<void>;
}

interface RuleState {
  readonly rule: Rule;
  readonly label: string;
  used: number;
  faulted: number;
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly vendor: Vendor;
  /** A conversation endpoint, answered from the scenario. */
  readonly api?: VendorApi;
  /** A side endpoint, answered directly. */
  readonly aux?: (facts: UrlFacts, body: unknown, scenario: ParsedScenario) => unknown;
  /** Reads the model and streaming from the URL match. */
  readonly facts?: (m: RegExpExecArray, url: URL) => Omit<UrlFacts, "requestBytes">;
}

const GEMINI_PATH =
  /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

const ROUTES: readonly Route[] = [
  { method: "POST", pattern: /^\/v1\/messages$/, vendor: "anthropic", api: anthropicApi },
  {
    method: "POST",
    pattern: /^\/v1\/messages\/count_tokens$/,
    vendor: "anthropic",
    aux: (facts) => ({ input_tokens: Math.max(1, Math.ceil(facts.requestBytes / 4)) }),
  },
  {
    method: "POST",
    pattern: GEMINI_PATH,
    vendor: "gemini",
    api: geminiApi,
    facts: (m) => ({
      model: decodeURIComponent(m[1] ?? ""),
      stream: m[2] === "streamGenerateContent",
    }),
  },
  {
    method: "POST",
    pattern: /^\/v1(?:beta|alpha)?\/models\/([^/:]+):countTokens$/,
    vendor: "gemini",
    aux: (facts) => countTokensAnswer(facts.requestBytes),
  },
  {
    method: "GET",
    pattern: /^\/v1(?:beta|alpha)\/models$/,
    vendor: "gemini",
    aux: (_f, _b, s) => ({
      models: s.models.map((id) => ({ name: `models/${id}`, displayName: id })),
    }),
  },
  {
    method: "POST",
    pattern: /^\/v1\/chat\/completions$/,
    vendor: "openai-chat",
    api: openaiChatApi,
  },
  {
    method: "POST",
    pattern: /^\/v1\/responses$/,
    vendor: "openai-responses",
    api: openaiResponsesApi,
  },
  {
    method: "GET",
    pattern: /^\/v1\/models$/,
    vendor: "openai-chat",
    aux: (_f, _b, s) => ({
      object: "list",
      data: s.models.map((id) => ({ id, object: "model", created: 0, owned_by: "model-server" })),
    }),
  },
  { method: "POST", pattern: /^\/api\/chat$/, vendor: "ollama", api: ollamaApi },
  {
    method: "GET",
    pattern: /^\/api\/tags$/,
    vendor: "ollama",
    aux: (_f, _b, s) => ({
      models: s.models.map((name) => ({
        name,
        model: name,
        modified_at: "2025-01-01T00:00:00Z",
        size: 0,
        digest: "0".repeat(64),
        details: { format: "gguf", family: "scripted", parameter_size: "0B" },
      })),
    }),
  },
  {
    method: "GET",
    pattern: /^\/api\/version$/,
    vendor: "ollama",
    aux: () => ({ version: "0.6.0" }),
  },
];

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function clip(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

function modelOfBody(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("model" in body)) return undefined;
  return typeof body.model === "string" ? body.model : undefined;
}

function waitForClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (!writable(res)) {
      resolve();
      return;
    }
    res.once("close", () => {
      resolve();
    });
  });
}

/**
 * Starts a scripted model server on 127.0.0.1 (a random free port). It speaks the Anthropic
 * Messages API, the Gemini API, OpenAI chat completions and Responses, and Ollama's native
 * API, answering from `scenario` (see README.md beside this file).
 */
export async function startModelServer(scenario: Scenario): Promise<ModelServer> {
  let parsed = parseScenario(scenario);
  let states: RuleState[] = [];
  const resetStates = (): void => {
    states = parsed.rules.map((rule, i) => ({
      rule,
      label: rule.name ?? `#${i}`,
      used: 0,
      faulted: 0,
    }));
  };
  resetStates();
  const requests: RecordedRequest[] = [];

  const pick = (conv: Conversation): RuleState | undefined => {
    for (const state of states) {
      if (state.rule.uses !== undefined && state.used >= state.rule.uses) continue;
      if (ruleMatches(state.rule, conv)) {
        state.used += 1;
        return state;
      }
    }
    return undefined;
  };

  const applyFault = async (
    fault: Fault,
    api: VendorApi,
    conv: Conversation,
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
  ): Promise<boolean> => {
    await pause(res, fault.delayMs ?? 0);
    if (fault.hang === true) {
      await waitForClose(res);
      return true;
    }
    if (fault.reset === true) {
      req.socket.destroy();
      return true;
    }
    if (fault.malformed === true) {
      record.status = 200;
      await api.malformed(res, conv);
      return true;
    }
    if (fault.status === undefined) return false;
    const headers: Record<string, string> = { ...fault.headers };
    if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
    const body =
      fault.body ?? api.errorBody(fault.status, `model-server: scripted ${fault.status} fault`);
    record.status = fault.status;
    sendJson(res, fault.status, body, headers);
    return true;
  };

  const handleConversation = async (
    route: Route & { api: VendorApi },
    facts: UrlFacts,
    body: unknown,
    base: Omit<RecordedRequest, "model" | "stream" | "turn" | "prompt" | "system" | "vendor">,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    const api = route.api;
    let conv: Conversation;
    try {
      conv = api.conversation(body, facts);
    } catch (error) {
      if (!(error instanceof RequestShapeError)) throw error;
      const record: RecordedRequest = {
        ...base,
        vendor: route.vendor,
        model: facts.model ?? modelOfBody(body),
        stream: facts.stream ?? false,
        turn: undefined,
        prompt: undefined,
        system: undefined,
        outcome: "invalid",
        status: 400,
      };
      requests.push(record);
      sendJson(res, 400, api.errorBody(400, `model-server: ${error.message}`));
      return;
    }
    const record: RecordedRequest = {
      ...base,
      vendor: conv.vendor,
      model: conv.model,
      stream: conv.stream,
      turn: conv.turn,
      prompt: conv.prompt,
      system: conv.system,
    };
    requests.push(record);
    const state = pick(conv);
    if (state === undefined) {
      record.outcome = "unmatched";
      record.status = 500;
      const message =
        `model-server: no rule matches ${conv.vendor} request ${base.method} ${base.path}: ` +
        `model="${conv.model}" turn=${conv.turn} stream=${conv.stream} ` +
        `prompt="${clip(conv.prompt)}" system="${clip(conv.system)}"`;
      sendJson(res, 500, api.errorBody(500, message));
      return;
    }
    record.rule = state.label;
    const rule = state.rule;
    if (
      rule.fault !== undefined &&
      (rule.fault.times === undefined || state.faulted < rule.fault.times)
    ) {
      state.faulted += 1;
      record.outcome = "fault";
      if (await applyFault(rule.fault, api, conv, req, res, record)) return;
      record.outcome = "answer";
    }
    await pause(res, rule.delayMs);
    if (!writable(res)) return;
    record.status = 200;
    await api.answer(res, answerFor(rule, conv, base.index), conv);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const text = await readBody(req);
    const json = parseJson(text);
    const base = {
      index: requests.length,
      method,
      path: `${url.pathname}${url.search}`,
      headers: flattenHeaders(req),
      body: json.ok ? json.value : text,
      rule: undefined,
      outcome: "answer" as Outcome,
      status: undefined,
    };
    for (const route of ROUTES) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(url.pathname);
      if (m === null) continue;
      const facts: UrlFacts = { ...route.facts?.(m, url), requestBytes: Buffer.byteLength(text) };
      if (!json.ok) {
        requests.push({
          ...base,
          vendor: route.vendor,
          model: facts.model,
          stream: facts.stream ?? false,
          turn: undefined,
          prompt: undefined,
          system: undefined,
          outcome: "invalid",
          status: 400,
        });
        const message = "model-server: the request body is not JSON";
        sendJson(res, 400, route.api?.errorBody(400, message) ?? { error: message });
        return;
      }
      if (route.api !== undefined) {
        await handleConversation({ ...route, api: route.api }, facts, json.value, base, req, res);
        return;
      }
      requests.push({
        ...base,
        vendor: route.vendor,
        model: facts.model ?? modelOfBody(json.value),
        stream: false,
        turn: undefined,
        prompt: undefined,
        system: undefined,
        outcome: "aux",
        status: 200,
      });
      sendJson(res, 200, route.aux?.(facts, json.value, parsed) ?? {});
      return;
    }
    requests.push({
      ...base,
      vendor: "unknown",
      model: modelOfBody(json.ok ? json.value : undefined),
      stream: false,
      turn: undefined,
      prompt: undefined,
      system: undefined,
      outcome: "not_found",
      status: 404,
    });
    sendJson(res, 404, {
      error: { message: `model-server: no endpoint ${method} ${url.pathname}` },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, 500, { error: { message: `model-server: internal error: ${message}` } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unmatched: () => requests.filter((r) => r.outcome === "unmatched"),
    setScenario(next: Scenario): void {
      parsed = parseScenario(next);
      resetStates();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
