import { describe, expect, it } from "vitest";
import { sampleBeta, sampleGamma, seededRng } from "./rng.js";

describe("seededRng", () => {
  it("replays the same sequence for the same seed, and another for another seed", () => {
    const a = seededRng(7);
    const b = seededRng(7);
    const c = seededRng(8);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe("sampleBeta", () => {
  it("has the mean a / (a + b)", () => {
    const rng = seededRng(1);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sampleBeta(9, 3, rng);
    expect(sum / n).toBeCloseTo(0.75, 2);
  });

  it("handles the uniform prior and small gamma shapes", () => {
    const rng = seededRng(2);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += sampleBeta(1, 1, rng);
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
    let g = 0;
    for (let i = 0; i < 20_000; i++) g += sampleGamma(0.5, rng);
    expect(g / 20_000).toBeCloseTo(0.5, 1);
  });
});
