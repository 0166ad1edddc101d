import type { ServerResponse } from "node:http";
import { z } from "zod";
import type { Answer, Conversation } from "./scenario.js";

/** A request body that does not have the vendor's documented shape. */
export class RequestShapeError extends Error {}

/** What the request's URL already says (Gemini puts the model and streaming there). */
export interface UrlFacts {
  readonly model?: string;
  readonly stream?: boolean;
  readonly requestBytes: number;
}

/** One wire protocol: how to read its requests and write its answers and errors. */
export interface VendorApi {
  /** Reduces a request to what rules match on. @throws RequestShapeError */
  conversation(body: unknown, url: UrlFacts): Conversation;
  /** Writes the answer, streamed when the request asked for a stream. */
  answer(res: ServerResponse, answer: Answer, conv: Conversation): Promise<void>;
  /** The vendor's error body for a status. */
  errorBody(status: number, message: string): unknown;
  /** Writes a 200 answer that does not parse (JSON cut short, or a broken stream event). */
  malformed(res: ServerResponse, conv: Conversation): Promise<void>;
}

/** Parses a request body with a schema. @throws RequestShapeError naming the first issue */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new RequestShapeError(
    `${what} request body is invalid at ${issue?.path.join(".") ?? ""}: ${issue?.message ?? ""}`,
  );
}

const TextPartSchema = z.looseObject({ text: z.string() });

/** The text of a list of content parts/blocks: those that carry `text`, joined by newlines. */
export function textOfParts(parts: readonly unknown[]): string {
  const texts: string[] = [];
  for (const part of parts) {
    const parsed = TextPartSchema.safeParse(part);
    if (parsed.success) texts.push(parsed.data.text);
  }
  return texts.join("\n");
}

/** Text content: a string, or a list of parts. */
export function textOf(content: string | readonly unknown[] | null | undefined): string {
  if (content === null || content === undefined) return "";
  return typeof content === "string" ? content : textOfParts(content);
}
