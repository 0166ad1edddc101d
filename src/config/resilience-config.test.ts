import { describe, expect, it } from "vitest";
import { DEFAULT_RESILIENCE } from "../core/project-config.js";
import {
  cleanUpTempProjects,
  lines,
  load,
  makeProject,
  messages,
} from "../../test/support/temp-project.js";

cleanUpTempProjects();

const models = lines(
  "models:",
  "  s1: { provider: scripted, model: m, family: one, script: s.yaml }",
  "  s2: { provider: scripted, model: m, family: two, script: s.yaml }",
  "routing:",
  "  rules:",
  "    - { role: [planner, implementer], use: s1 }",
  "    - { role: [plan_reviewer, code_reviewer], use: [s2, s1] }",
);

async function loadWith(resilience: string) {
  const root = await makeProject({ tasks: "[]\n", model_config: models + resilience }, [
    ".orchestrator/s.yaml",
  ]);
  return load(root);
}

describe("model_config.yaml resilience:", () => {
  it("is absent by default (the engine then uses the defaults)", async () => {
    expect((await loadWith("")).models.resilience).toBeUndefined();
    expect(DEFAULT_RESILIENCE).toEqual({
      maxRetries: 3,
      baseDelayMs: 2_000,
      maxDelayMs: 60_000,
      cooldownAfter: 3,
      cooldownMs: 300_000,
      fallback: true,
    });
  });

  it("reads every key, durations in milliseconds, and fills the omitted ones", async () => {
    const config = await loadWith(
      lines("resilience:", "  max_retries: 5", "  base_delay: 500ms", "  cooldown: 10m"),
    );
    expect(config.models.resilience).toEqual({
      maxRetries: 5,
      baseDelayMs: 500,
      maxDelayMs: 60_000,
      cooldownAfter: 3,
      cooldownMs: 600_000,
      fallback: true,
    });
    const all = await loadWith(
      lines(
        "resilience:",
        "  max_retries: 0",
        "  base_delay: 1s",
        "  max_delay: 30",
        "  cooldown_after: 1",
        "  cooldown: 1h",
        "  fallback: false",
      ),
    );
    expect(all.models.resilience).toEqual({
      maxRetries: 0,
      baseDelayMs: 1_000,
      maxDelayMs: 30_000,
      cooldownAfter: 1,
      cooldownMs: 3_600_000,
      fallback: false,
    });
  });

  it("reports bad values with their field paths", async () => {
    const bad = loadWith(
      lines(
        "resilience:",
        "  max_retries: -1",
        "  base_delay: soon",
        "  cooldown_after: 0",
        "  fallbak: true",
      ),
    );
    const found = await messages(bad);
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/^resilience\.max_retries: /);
    expect(found[1]).toMatch(/^resilience\.base_delay: expected a duration/);
    expect(found[2]).toMatch(/^resilience\.cooldown_after: /);
    expect(found[3]).toMatch(/fallbak/);
  });

  it("refuses a base_delay longer than max_delay", async () => {
    expect(
      await messages(loadWith(lines("resilience:", "  base_delay: 2m", "  max_delay: 1m"))),
    ).toEqual([
      "resilience.base_delay: expected a base_delay no longer than max_delay (1m), found 2m",
    ]);
  });
});
