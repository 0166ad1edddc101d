import { setTimeout as delay } from "node:timers/promises";
import type { Clock } from "../../core/ports.js";
import { systemClock } from "../../core/ports.js";
import type { ModelSpec, ResilienceConfig } from "../../core/project-config.js";
import { DEFAULT_RESILIENCE } from "../../core/project-config.js";
import type { ProviderError } from "../../core/provider-errors.js";
import type { Cooling } from "./cooldown.js";
import { CooldownTracker } from "./cooldown.js";
import type { Alternatives } from "./fallback.js";
import { backoffDelay, coolsDownAtOnce, retriesAllowed } from "./retry-policy.js";

/** Time, waiting and chance, injectable so tests neither wait nor depend on luck. */
export interface ResilienceIo {
  readonly clock: Clock;
  /** Waits `ms`; rejects when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A number in [0, 1). */
  readonly random: () => number;
}

export const systemResilienceIo: ResilienceIo = {
  clock: systemClock,
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
  random: Math.random,
};

/** One try of one model: its answer, or the classified failure. */
export type AttemptResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProviderError };

/** What happened along the way, for the event log. */
export type ResilienceEvent =
  | {
      readonly type: "retry";
      readonly model: ModelSpec;
      readonly error: ProviderError;
      /** 1-based number of the retry about to be made. */
      readonly retry: number;
      readonly of: number;
      readonly delayMs: number;
    }
  | {
      readonly type: "cooldown";
      readonly model: ModelSpec;
      readonly cooling: Cooling;
    }
  | {
      readonly type: "fallback";
      readonly from: ModelSpec;
      readonly to: ModelSpec;
      /** Why `from` was left: its last failure, or that it is cooling down. */
      readonly reason: string;
    };

export interface ResilientCall<T> {
  readonly primary: ModelSpec;
  /** Models that may stand in, in order; the caller has applied the cross-review rule. */
  readonly alternatives: Alternatives;
  /** One try of a model; throws only for what must stop the run (abort, budget). */
  readonly attempt: (model: ModelSpec) => Promise<AttemptResult<T>>;
  readonly notify?: (event: ResilienceEvent) => Promise<void>;
  readonly signal?: AbortSignal;
}

export type ResilientOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly model: ModelSpec }
  | {
      readonly ok: false;
      /** The last failure seen. */
      readonly error: ProviderError;
      /** Every model tried or skipped and why, and why nothing else could be tried. */
      readonly message: string;
    };

const clockTime = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/**
 * The one place model failures are handled, whatever the provider: retries with backoff, then
 * fallback to another model of the same tier, with a cooldown for a model that keeps failing.
 * One instance per process; its cooldowns are shared by every task the process runs.
 */
export class ModelResilience {
  readonly settings: ResilienceConfig;
  private readonly cooldowns: CooldownTracker;

  constructor(
    settings: ResilienceConfig = DEFAULT_RESILIENCE,
    private readonly io: ResilienceIo = systemResilienceIo,
  ) {
    this.settings = settings;
    this.cooldowns = new CooldownTracker(settings, io.clock);
  }

  /** The model's cooldown, while it lasts. */
  coolingOf(model: string): Cooling | undefined {
    return this.cooldowns.coolingOf(model);
  }

  /**
   * Calls the primary model, retrying what is retryable; when it gives up (or is cooling
   * down), the alternatives in order, each with its own retries, skipping cooled-down ones.
   */
  async run<T>(call: ResilientCall<T>): Promise<ResilientOutcome<T>> {
    const queue = this.settings.fallback
      ? [call.primary, ...call.alternatives.models]
      : [call.primary];
    const story: string[] = [];
    let last: { model: ModelSpec; error: ProviderError; reason: string } | undefined;
    for (const model of queue) {
      const cooling = this.cooldowns.coolingOf(model.name);
      if (cooling !== undefined) {
        const reason = `cooling down until ${clockTime(cooling.until)} after ${cooling.error.message}`;
        story.push(`${model.name} is ${reason}`);
        last = { model, error: cooling.error, reason: `it is ${reason}` };
        continue;
      }
      if (last !== undefined) {
        await call.notify?.({ type: "fallback", from: last.model, to: model, reason: last.reason });
      }
      const result = await this.tryModel(model, call);
      if (result.ok) return { ok: true, value: result.value, model };
      const tries = result.tries === 1 ? "1 try" : `${result.tries} tries`;
      story.push(`${result.error.message} (${tries})`);
      last = { model, error: result.error, reason: `${result.error.kind} after ${tries}` };
    }
    // The queue is never empty, so `last` is set.
    const error = last?.error;
    if (error === undefined) throw new Error("resilience: nothing was tried");
    const why = !this.settings.fallback
      ? "fallback is off (resilience.fallback: false)"
      : call.alternatives.models.length === 0
        ? (call.alternatives.none ?? "no model can stand in")
        : "no model of the same tier is left to fall back to";
    return {
      ok: false,
      error,
      message: `model ${call.primary.name} failed: ${story.join("; ")}; ${why}`,
    };
  }

  private async tryModel<T>(
    model: ModelSpec,
    call: ResilientCall<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: ProviderError; tries: number }> {
    for (let retry = 0; ; retry++) {
      const result = await call.attempt(model);
      if (result.ok) {
        this.cooldowns.succeeded(model.name);
        return { ok: true, value: result.value };
      }
      const { error } = result;
      const allowed = retriesAllowed(error.kind, this.settings.maxRetries);
      const waitTooLong =
        error.retryAfterMs !== undefined && error.retryAfterMs > this.settings.maxDelayMs;
      if (retry < allowed && !waitTooLong) {
        const delayMs = backoffDelay(retry, this.settings, this.io.random, error.retryAfterMs);
        await call.notify?.({
          type: "retry",
          model,
          error,
          retry: retry + 1,
          of: allowed,
          delayMs,
        });
        await this.io.sleep(delayMs, call.signal);
        continue;
      }
      const coolForMs = waitTooLong
        ? error.retryAfterMs
        : coolsDownAtOnce(error.kind)
          ? this.settings.cooldownMs
          : undefined;
      const cooling = this.cooldowns.failed(model.name, error, coolForMs);
      if (cooling !== undefined) await call.notify?.({ type: "cooldown", model, cooling });
      return { ok: false, error, tries: retry + 1 };
    }
  }
}
