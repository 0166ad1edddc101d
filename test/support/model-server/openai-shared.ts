import { textOf } from "./vendor-api.js";

/** The OpenAI error body (chat completions and Responses share it). */
export function openaiErrorBody(status: number, message: string): unknown {
  const type =
    status === 401
      ? "authentication_error"
      : status === 403
        ? "permission_error"
        : status === 429
          ? "rate_limit_exceeded"
          : status >= 500
            ? "server_error"
            : "invalid_request_error";
  return { error: { message, type, param: null, code: status === 401 ? "invalid_api_key" : null } };
}

/** A chat message (chat completions) or an input item (Responses), as far as rules read it. */
interface OpenAIMessage {
  readonly role?: string | undefined;
  readonly content?: string | readonly unknown[] | null | undefined;
}

/**
 * What the messages of an OpenAI request say: the system and developer text (after `start`'s,
 * e.g. the Responses `instructions`), the last user text (else `start`'s prompt), and how many
 * tool results came back.
 */
export function readOpenAIMessages<M extends OpenAIMessage>(
  messages: readonly M[],
  isToolResult: (message: M) => boolean,
  start: { readonly system: readonly string[]; readonly prompt: string } = {
    system: [],
    prompt: "",
  },
): { system: string; prompt: string; turn: number } {
  const system = [...start.system];
  let prompt = start.prompt;
  let turn = 0;
  for (const message of messages) {
    if (isToolResult(message)) turn += 1;
    if (message.role === "system" || message.role === "developer") {
      system.push(textOf(message.content));
    }
    if (message.role === "user") {
      const text = textOf(message.content);
      if (text !== "") prompt = text;
    }
  }
  return { system: system.join("\n"), prompt, turn };
}
