import { describe, expect, it } from "vitest";
import type { ModelSpec, ResilienceConfig, Tier } from "../../core/project-config.js";
import { DEFAULT_RESILIENCE } from "../../core/project-config.js";
import { ProviderError } from "../../core/provider-errors.js";
import type { ProviderErrorKind } from "../../core/provider-errors.js";
import { sameTierAlternatives } from "./fallback.js";
import type { AttemptResult, ResilienceEvent, ResilienceIo } from "./model-resilience.js";
import { ModelResilience } from "./model-resilience.js";

function model(name: string, family: string, tier: Tier = "strong"): ModelSpec {
  return {
    name,
    provider: "scripted",
    model: `${name}-v1`,
    family,
    tier,
    price: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    args: [],
    env: {},
    timeoutMs: 1_000,
  };
}

/** A fake clock whose sleep advances it, recording every wait. */
function fakeIo(random = 0.5): ResilienceIo & { t: number; waits: number[] } {
  const io = {
    t: 0,
    waits: [] as number[],
    clock: { now: () => io.t },
    sleep: (ms: number) => {
      io.waits.push(ms);
      io.t += ms;
      return Promise.resolve();
    },
    random: () => random,
  };
  return io;
}

type Plan = Record<string, readonly (ProviderErrorKind | ProviderError | "ok")[]>;

/** Answers per model from a queue of outcomes (the last one repeats); records each call. */
function scriptedAttempts(plan: Plan) {
  const calls: string[] = [];
  const counts = new Map<string, number>();
  const attempt = (m: ModelSpec): Promise<AttemptResult<string>> => {
    calls.push(m.name);
    const queue = plan[m.name] ?? ["ok"];
    const index = counts.get(m.name) ?? 0;
    counts.set(m.name, index + 1);
    const next = queue[Math.min(index, queue.length - 1)] ?? "ok";
    if (next === "ok") return Promise.resolve({ ok: true, value: `${m.name} answered` });
    const error = next instanceof ProviderError ? next : new ProviderError(next, m.name, "failed");
    return Promise.resolve({ ok: false, error });
  };
  return { calls, attempt };
}

const claude = model("claude", "anthropic");
const claudeB = model("claude_b", "anthropic");
const gpt = model("gpt", "openai");
const flash = model("flash", "google", "cheap");

function setup(settings: Partial<ResilienceConfig> = {}, plan: Plan = {}) {
  const io = fakeIo();
  const guard = new ModelResilience({ ...DEFAULT_RESILIENCE, ...settings }, io);
  const events: ResilienceEvent[] = [];
  const attempts = scriptedAttempts(plan);
  const run = (primary: ModelSpec, alternatives: readonly ModelSpec[], none?: string) =>
    guard.run({
      primary,
      alternatives: { models: alternatives, ...(none === undefined ? {} : { none }) },
      attempt: attempts.attempt,
      notify: (e) => {
        events.push(e);
        return Promise.resolve();
      },
    });
  return { io, guard, events, calls: attempts.calls, run };
}

describe("ModelResilience retries", () => {
  it("retries a rate limit with backoff and answers from the same model", async () => {
    const s = setup({}, { claude: ["rate_limit", "overloaded", "ok"] });
    const outcome = await s.run(claude, [gpt]);
    expect(outcome).toMatchObject({ ok: true, value: "claude answered", model: claude });
    expect(s.calls).toEqual(["claude", "claude", "claude"]);
    // random 0.5 of ceilings 2 s and 4 s
    expect(s.io.waits).toEqual([1_000, 2_000]);
    expect(s.events.map((e) => e.type)).toEqual(["retry", "retry"]);
  });

  it.each(["rate_limit", "overloaded", "network"] as const)(
    "retries %s up to max_retries before giving the model up",
    async (kind) => {
      const s = setup({ maxRetries: 2, fallback: false }, { claude: [kind] });
      const outcome = await s.run(claude, []);
      expect(outcome.ok).toBe(false);
      expect(s.calls).toHaveLength(3);
    },
  );

  it.each(["nonzero_exit", "timeout"] as const)("retries %s only once", async (kind) => {
    const s = setup({ fallback: false }, { claude: [kind] });
    await s.run(claude, []);
    expect(s.calls).toEqual(["claude", "claude"]);
  });

  it.each(["auth", "bad_request", "binary_missing", "malformed_output"] as const)(
    "does not retry %s but falls back",
    async (kind) => {
      const s = setup({}, { claude: [kind] });
      const outcome = await s.run(claude, [gpt]);
      expect(outcome).toMatchObject({ ok: true, model: gpt });
      expect(s.calls).toEqual(["claude", "gpt"]);
      expect(s.io.waits).toEqual([]);
    },
  );

  it("honours retry-after, capped at max_delay", async () => {
    const limited = new ProviderError("rate_limit", "claude", "429", { retryAfterMs: 9_000 });
    const s = setup({}, { claude: [limited, "ok"] });
    await s.run(claude, []);
    expect(s.io.waits).toEqual([9_000]);
  });

  it("does not wait for a retry-after longer than max_delay: cools the model and falls back", async () => {
    const daily = new ProviderError("rate_limit", "claude", "quota", { retryAfterMs: 3_600_000 });
    const s = setup({}, { claude: [daily] });
    const outcome = await s.run(claude, [gpt]);
    expect(outcome).toMatchObject({ ok: true, model: gpt });
    expect(s.io.waits).toEqual([]);
    expect(s.guard.coolingOf("claude")?.until).toBe(3_600_000);
  });
});

describe("ModelResilience fallback", () => {
  it("falls back in order after the primary's retries, recording the decision", async () => {
    const s = setup({}, { claude: ["overloaded"], claude_b: ["auth"] });
    const outcome = await s.run(claude, [claudeB, gpt]);
    expect(outcome).toMatchObject({ ok: true, value: "gpt answered", model: gpt });
    expect(s.calls).toEqual(["claude", "claude", "claude", "claude", "claude_b", "gpt"]);
    const fallbacks = s.events.filter((e) => e.type === "fallback");
    expect(fallbacks.map((e) => [e.from.name, e.to.name, e.reason])).toEqual([
      ["claude", "claude_b", "overloaded after 4 tries"],
      ["claude_b", "gpt", "auth after 1 try"],
    ]);
  });

  it("does not fall back when fallback is off", async () => {
    const s = setup({ fallback: false }, { claude: ["auth"] });
    const outcome = await s.run(claude, [gpt]);
    expect(outcome.ok).toBe(false);
    expect(s.calls).toEqual(["claude"]);
    if (!outcome.ok) expect(outcome.message).toContain("fallback is off");
  });

  it("says clearly why nothing could stand in when every model failed", async () => {
    const s = setup({ maxRetries: 0 }, { claude: ["overloaded"], gpt: ["bad_request"] });
    const outcome = await s.run(claude, [gpt], "unused");
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.kind).toBe("bad_request");
    expect(outcome.message).toBe(
      "model claude failed: claude: overloaded: failed (1 try); gpt: bad request: failed (1 try); " +
        "no model of the same tier is left to fall back to",
    );
  });

  it("passes on the reason there are no alternatives", async () => {
    const s = setup({ maxRetries: 0 }, { claude: ["overloaded"] });
    const outcome = await s.run(claude, [], "no other model of tier strong is configured");
    expect(outcome.ok ? "" : outcome.message).toMatch(/no other model of tier strong/);
  });
});

describe("ModelResilience cooldown", () => {
  it("cools a model after cooldown_after failed calls and skips it until it expires", async () => {
    const s = setup(
      { maxRetries: 0, cooldownAfter: 2, cooldownMs: 60_000 },
      { claude: ["overloaded", "overloaded", "ok"] },
    );
    await s.run(claude, [gpt]);
    expect(s.events.some((e) => e.type === "cooldown")).toBe(false);
    await s.run(claude, [gpt]);
    const cooldown = s.events.find((e) => e.type === "cooldown");
    expect(cooldown).toMatchObject({ model: claude, cooling: { until: 60_000, failures: 2 } });
    s.calls.length = 0;
    // While it cools, the call goes straight to the stand-in.
    const skipped = await s.run(claude, [gpt]);
    expect(skipped).toMatchObject({ ok: true, model: gpt });
    expect(s.calls).toEqual(["gpt"]);
    expect(s.events.at(-1)).toMatchObject({ type: "fallback", from: claude, to: gpt });
    // After the cooldown, the primary is asked again.
    s.io.t = 60_000;
    s.calls.length = 0;
    expect(await s.run(claude, [gpt])).toMatchObject({ ok: true, model: claude });
    expect(s.calls).toEqual(["claude"]);
  });

  it("skips a cooled-down alternative", async () => {
    const s = setup({ maxRetries: 0 }, { claude_b: ["binary_missing"], claude: ["overloaded"] });
    await s.run(claudeB, [gpt]);
    expect(s.guard.coolingOf("claude_b")).toBeDefined();
    s.calls.length = 0;
    const outcome = await s.run(claude, [claudeB, gpt]);
    expect(outcome).toMatchObject({ ok: true, model: gpt });
    expect(s.calls).toEqual(["claude", "gpt"]);
  });

  it("fails at once with the cooldown named when the cooled primary has no stand-in", async () => {
    const s = setup({ maxRetries: 0 }, { claude: ["auth"] });
    await s.run(claude, []);
    s.calls.length = 0;
    const outcome = await s.run(claude, [], "no other model of tier strong is configured");
    expect(s.calls).toEqual([]);
    expect(outcome.ok ? "" : outcome.message).toMatch(
      /^model claude failed: claude is cooling down until 00:05:00 after claude: auth: failed; no other model/,
    );
  });
});

describe("sameTierAlternatives", () => {
  it("keeps the same tier, in configuration order, that the caller allows", () => {
    const pool = [claude, flash, gpt, claudeB];
    expect(sameTierAlternatives(pool, claude, () => true).models).toEqual([gpt, claudeB]);
    const otherFamily = sameTierAlternatives(pool, claude, (m) => m.family !== "anthropic");
    expect(otherFamily.models).toEqual([gpt]);
  });

  it("explains why there is none", () => {
    expect(sameTierAlternatives([claude, flash], claude, () => true).none).toBe(
      "no other model of tier strong is configured",
    );
    expect(sameTierAlternatives([claude, claudeB], claude, () => false).none).toBe(
      "the other strong-tier models (claude_b) would break the cross-review rule",
    );
  });
});
