import { describe, expect, it } from "vitest";
import type { Prices } from "../core/project-config.js";
import { costOf } from "./price.js";
import { normalizeUsage, UsageFormatError } from "./usage.js";

const sonnet: Prices = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
const gpt: Prices = { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 0 };
const geminiPro: Prices = { input: 1.25, output: 10, cacheRead: 0.31, cacheWrite: 0 };

describe("normalizeUsage", () => {
  describe("anthropic: input_tokens excludes cache reads and writes", () => {
    const raw = {
      input_tokens: 100,
      cache_read_input_tokens: 5000,
      cache_creation_input_tokens: 2000,
      output_tokens: 300,
    };

    it("keeps input as reported and adds the cache counts beside it", () => {
      expect(normalizeUsage("anthropic", raw)).toEqual({
        input: 100,
        output: 300,
        cacheRead: 5000,
        cacheWrite: 2000,
      });
    });

    it("prices each token once: 100·3 + 300·15 + 5000·0.3 + 2000·3.75 per million", () => {
      expect(costOf(normalizeUsage("anthropic", raw), sonnet)).toBeCloseTo(0.0138, 10);
    });

    it("tells 1-hour cache writes (2x input) from 5-minute ones (1.25x input)", () => {
      const split = {
        input_tokens: 100,
        output_tokens: 300,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 3000,
        cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
      };
      const u = normalizeUsage("anthropic", split);
      expect(u).toEqual({
        input: 100,
        output: 300,
        cacheRead: 0,
        cacheWrite: 3000,
        cacheWrite1h: 2000,
      });
      // 100·3 + 300·15 + 1000·3.75 + 2000·6 per million.
      expect(costOf(u, sonnet)).toBeCloseTo((300 + 4500 + 3750 + 12_000) / 1e6, 10);
      // Without the split every write is priced as a 5-minute one.
      expect(costOf({ ...u, cacheWrite1h: undefined }, sonnet)).toBeCloseTo(
        (300 + 4500 + 3000 * 3.75) / 1e6,
        10,
      );
    });

    it("reads Claude Code's result usage, where cache counts may be null or missing", () => {
      expect(normalizeUsage("anthropic", { input_tokens: 10, output_tokens: 5 })).toEqual({
        input: 10,
        output: 5,
        cacheRead: 0,
        cacheWrite: 0,
      });
      expect(
        normalizeUsage("anthropic", {
          input_tokens: 10,
          output_tokens: 5,
          cache_read_input_tokens: null,
        }).cacheRead,
      ).toBe(0);
    });
  });

  describe("openai: prompt_tokens includes the cached tokens", () => {
    const expected = { input: 2000, output: 500, cacheRead: 4000, cacheWrite: 0 };

    it("subtracts prompt_tokens_details.cached_tokens (Chat Completions)", () => {
      const raw = {
        prompt_tokens: 6000,
        completion_tokens: 500,
        total_tokens: 6500,
        prompt_tokens_details: { cached_tokens: 4000 },
      };
      expect(normalizeUsage("openai", raw)).toEqual(expected);
      // 2000·1.25 + 500·10 + 4000·0.125 per million, not 6000·1.25 plus the cache again.
      expect(costOf(normalizeUsage("openai", raw), gpt)).toBeCloseTo(0.008, 10);
    });

    it("subtracts input_tokens_details.cached_tokens (Responses API)", () => {
      const raw = {
        input_tokens: 6000,
        output_tokens: 500,
        input_tokens_details: { cached_tokens: 4000 },
      };
      expect(normalizeUsage("openai", raw)).toEqual(expected);
    });

    it("subtracts cached_input_tokens (Codex CLI turn.completed)", () => {
      const raw = { input_tokens: 6000, cached_input_tokens: 4000, output_tokens: 500 };
      expect(normalizeUsage("openai", raw)).toEqual(expected);
    });

    it("treats missing details as no cache, and never goes below zero", () => {
      expect(normalizeUsage("openai", { prompt_tokens: 70, completion_tokens: 9 })).toEqual({
        input: 70,
        output: 9,
        cacheRead: 0,
        cacheWrite: 0,
      });
      const odd = { prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 50 } };
      expect(normalizeUsage("openai", odd)).toMatchObject({ input: 0, cacheRead: 10 });
    });
  });

  describe("gemini: promptTokenCount includes cachedContentTokenCount", () => {
    it("subtracts the cached count; thoughts are output, tool-use prompts are input", () => {
      const raw = {
        promptTokenCount: 10_000,
        cachedContentTokenCount: 8000,
        candidatesTokenCount: 400,
        thoughtsTokenCount: 100,
        toolUsePromptTokenCount: 50,
        totalTokenCount: 10_550,
      };
      expect(normalizeUsage("gemini", raw)).toEqual({
        input: 2050,
        output: 500,
        cacheRead: 8000,
        cacheWrite: 0,
      });
      // 2050·1.25 + 500·10 + 8000·0.31 per million.
      expect(costOf(normalizeUsage("gemini", raw), geminiPro)).toBeCloseTo(0.0100425, 10);
    });

    it("reads the Gemini CLI's stats tokens the same way", () => {
      const raw = {
        input: 2000,
        prompt: 10_000,
        candidates: 400,
        total: 10_500,
        cached: 8000,
        thoughts: 100,
        tool: 0,
      };
      expect(normalizeUsage("gemini", raw)).toEqual({
        input: 2000,
        output: 500,
        cacheRead: 8000,
        cacheWrite: 0,
      });
    });

    it("accepts a streamed chunk without candidates", () => {
      expect(normalizeUsage("gemini", { promptTokenCount: 12 })).toEqual({
        input: 12,
        output: 0,
        cacheRead: 0,
        cacheWrite: 0,
      });
    });
  });

  describe("ollama", () => {
    it("reads prompt_eval_count and eval_count of /api/chat (no cache)", () => {
      expect(normalizeUsage("ollama", { prompt_eval_count: 26, eval_count: 298 })).toEqual({
        input: 26,
        output: 298,
        cacheRead: 0,
        cacheWrite: 0,
      });
    });

    it("reads the OpenAI shape of its /v1 endpoint", () => {
      expect(normalizeUsage("ollama", { prompt_tokens: 26, completion_tokens: 298 })).toMatchObject(
        { input: 26, output: 298 },
      );
    });
  });

  it.each([
    ["anthropic", { prompt_tokens: 5 }],
    ["openai", { input: 5 }],
    ["gemini", { prompt_tokens: 5 }],
    ["openai", { prompt_tokens: -1 }],
    ["ollama", null],
  ] as const)("rejects a %s usage object of another shape: %o", (vendor, raw) => {
    expect(() => normalizeUsage(vendor, raw)).toThrow(UsageFormatError);
  });
});
