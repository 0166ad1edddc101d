import { z } from "zod";
import { describeValue } from "./describe.js";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** `90m`, `1h30m`, `45s`, `2h`, `1d`, `500ms`, or a plain number of seconds such as `90`. */
export const DURATION_PATTERN = /^\s*(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h|d)\s*)+$|^\s*\d+(?:\.\d+)?\s*$/;

/**
 * Converts a duration as written in the YAML files to milliseconds: a number is seconds, a string
 * is a sequence of `<number><unit>` parts. Returns undefined when the text is not a duration or
 * is not positive.
 */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === "number") return value > 0 ? Math.round(value * 1000) : undefined;
  const text = value.trim();
  if (!DURATION_PATTERN.test(text)) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return parseDuration(Number(text));
  let total = 0;
  for (const match of text.replace(/\s+/g, "").matchAll(PART)) {
    const amount = Number(match[1]);
    const unit = match[2];
    if (unit === "ms" || unit === "s" || unit === "m" || unit === "h" || unit === "d") {
      total += amount * UNIT_MS[unit];
    }
  }
  const ms = Math.round(total);
  return ms > 0 ? ms : undefined;
}

const EXPECTED = `a duration such as "90m", "1h30m", "45s" or a number of seconds`;

/** A positive duration: a number of seconds or a string such as `1h30m`. */
export const DurationSchema = z
  .union(
    [
      z
        .number()
        .positive({ error: (iss) => `expected ${EXPECTED}, found ${describeValue(iss.input)}` }),
      z
        .string()
        .regex(DURATION_PATTERN, {
          abort: true,
          error: (iss) => `expected ${EXPECTED}, found ${describeValue(iss.input)}`,
        })
        .refine((text) => parseDuration(text) !== undefined, {
          error: (iss) =>
            `expected a duration greater than zero, found ${describeValue(iss.input)}`,
        }),
    ],
    { error: (iss) => `expected ${EXPECTED}, found ${describeValue(iss.input)}` },
  )
  .meta({ description: `A duration: ${EXPECTED}.` });
