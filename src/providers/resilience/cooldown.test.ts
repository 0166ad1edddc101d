import { describe, expect, it } from "vitest";
import { ProviderError } from "../../core/provider-errors.js";
import { CooldownTracker } from "./cooldown.js";

function clockAt(start: number) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

const err = new ProviderError("overloaded", "m", "busy");

describe("CooldownTracker", () => {
  it("cools a model after cooldown_after failed calls in a row, until the cooldown expires", () => {
    const clock = clockAt(1_000);
    const tracker = new CooldownTracker({ cooldownAfter: 3, cooldownMs: 300_000 }, clock);
    expect(tracker.failed("m", err)).toBeUndefined();
    expect(tracker.failed("m", err)).toBeUndefined();
    expect(tracker.coolingOf("m")).toBeUndefined();
    const cooling = tracker.failed("m", err);
    expect(cooling).toEqual({ until: 301_000, error: err, failures: 3 });
    clock.t = 300_999;
    expect(tracker.coolingOf("m")).toEqual(cooling);
    clock.t = 301_000;
    expect(tracker.coolingOf("m")).toBeUndefined();
    // After expiry the count starts again from zero.
    expect(tracker.failed("m", err)).toBeUndefined();
  });

  it("resets the count on a success and keeps models apart", () => {
    const tracker = new CooldownTracker({ cooldownAfter: 2, cooldownMs: 1_000 }, clockAt(0));
    tracker.failed("a", err);
    tracker.succeeded("a");
    expect(tracker.failed("a", err)).toBeUndefined();
    expect(tracker.failed("b", err)).toBeUndefined();
    expect(tracker.failed("a", err)?.failures).toBe(2);
    expect(tracker.coolingOf("b")).toBeUndefined();
  });

  it("cools at once for the given time when asked", () => {
    const tracker = new CooldownTracker({ cooldownAfter: 5, cooldownMs: 1_000 }, clockAt(0));
    expect(tracker.failed("a", err, 90_000)).toMatchObject({ until: 90_000, failures: 1 });
  });
});
