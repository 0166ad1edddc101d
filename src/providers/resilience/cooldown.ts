import type { Clock } from "../../core/ports.js";
import type { ProviderError } from "../../core/provider-errors.js";

/** A model that is being skipped, and why. */
export interface Cooling {
  readonly until: number;
  /** The failure that started the cooldown. */
  readonly error: ProviderError;
  /** Consecutive failed calls that led to it (1 for failures that cool at once). */
  readonly failures: number;
}

/**
 * Consecutive failed calls per model (a call fails when its retries are used up). After
 * `cooldownAfter` of them in a row the model is cooled down for `cooldownMs`: fallback skips it
 * until then. A success resets the count. In memory, per process.
 */
export class CooldownTracker {
  private readonly failures = new Map<string, number>();
  private readonly cooling = new Map<string, Cooling>();

  constructor(
    private readonly settings: { readonly cooldownAfter: number; readonly cooldownMs: number },
    private readonly clock: Clock,
  ) {}

  /** The model's cooldown while it lasts; an expired one is forgotten. */
  coolingOf(model: string): Cooling | undefined {
    const entry = this.cooling.get(model);
    if (entry === undefined) return undefined;
    if (this.clock.now() < entry.until) return entry;
    this.cooling.delete(model);
    return undefined;
  }

  succeeded(model: string): void {
    this.failures.delete(model);
  }

  /**
   * Counts a failed call; returns the cooldown when this failure starts one. `coolForMs` starts
   * one at once for that long (a failure that will not heal soon, a long `retry-after`).
   */
  failed(model: string, error: ProviderError, coolForMs?: number): Cooling | undefined {
    const count = (this.failures.get(model) ?? 0) + 1;
    if (coolForMs === undefined && count < this.settings.cooldownAfter) {
      this.failures.set(model, count);
      return undefined;
    }
    this.failures.delete(model);
    const entry: Cooling = {
      until: this.clock.now() + (coolForMs ?? this.settings.cooldownMs),
      error,
      failures: count,
    };
    this.cooling.set(model, entry);
    return entry;
  }
}
