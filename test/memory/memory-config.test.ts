import { describe, expect, it } from "vitest";
import type { ProblemCase } from "../support/temp-project.js";
import {
  cleanUpTempProjects,
  expectProblem,
  lines,
  load,
  makeProject,
} from "../support/temp-project.js";
import { runCli } from "../support/cli.js";

cleanUpTempProjects();

/** A valid model_config.yaml of 15 lines; `memory:` starts on line 16. */
const models = (...memory: string[]): string =>
  lines(
    "models:",
    "  a:",
    "    provider: claude-cli",
    "    model: a-1",
    "    family: anthropic",
    "  g:",
    "    provider: gemini-cli",
    "    model: g-1",
    "    family: google",
    "routing:",
    "  rules:",
    "    - role: [planner, implementer]",
    "      use: a",
    "    - role: [plan_reviewer, code_reviewer]",
    "      use: [g, a]",
    ...memory,
  );

const cases: ProblemCase[] = [
  {
    name: "an unknown backend",
    file: "model_config",
    text: models("memory:", "  backend: redis"),
    at: [17, 12],
    path: "memory.backend",
    message: 'expected one of embedded, rae, found "redis"',
  },
  {
    name: "backend rae without rae:",
    file: "model_config",
    text: models("memory:", "  backend: rae"),
    at: [17, 3],
    path: "memory.rae",
    message: "expected rae: { url, tenant } when backend is rae",
  },
  {
    name: "rae: without its URL",
    file: "model_config",
    text: models("memory:", "  backend: rae", "  rae:", "    tenant: acme"),
    at: [19, 5],
    path: "memory.rae.url",
    message: "required",
  },
  {
    name: "rae: with a URL that is not one",
    file: "model_config",
    text: models("memory:", "  backend: rae", "  rae:", "    url: rae-host", "    tenant: acme"),
    at: [19, 10],
    path: "memory.rae.url",
    message: "URL",
  },
  {
    name: "rae: without its tenant",
    file: "model_config",
    text: models("memory:", "  backend: rae", "  rae:", "    url: http://rae:8000"),
    at: [19, 5],
    path: "memory.rae.tenant",
    message: "required",
  },
  {
    name: "a misspelt key",
    file: "model_config",
    text: models("memory:", "  token_budjet: 100"),
    at: [17, 3],
    path: "memory.token_budjet",
    message: 'unknown key "token_budjet"; did you mean "token_budget"?',
  },
  {
    name: "a negative token budget",
    file: "model_config",
    text: models("memory:", "  token_budget: -5"),
    at: [17, 17],
    path: "memory.token_budget",
    message: "expected",
  },
];

describe("memory: in model_config.yaml", () => {
  it.each(cases)("$name", expectProblem);

  it("reads a valid rae: with its defaults", async () => {
    const root = await makeProject({
      tasks: "[]\n",
      model_config: models(
        "memory:",
        "  backend: rae",
        "  rae: { url: http://rae:8000, tenant: acme }",
      ),
    });
    expect((await load(root)).models.memory).toEqual({
      backend: "rae",
      tokenBudget: 600,
      rae: { url: "http://rae:8000", apiKeyEnv: "RAE_API_KEY", tenant: "acme", timeoutMs: 5000 },
    });
  });

  it("a command that opens the memory names the missing API key variable in one line, exit 2", async () => {
    const root = await makeProject({
      tasks: "[]\n",
      model_config: models(
        "memory:",
        "  backend: rae",
        "  rae: { url: http://rae:8000, tenant: acme, api_key_env: MY_RAE_KEY }",
      ),
    });
    const result = await runCli(["memory", "list"], root, { MY_RAE_KEY: "" });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "orchestrator: .orchestrator/model_config.yaml: memory.rae.api_key_env: expected the environment variable MY_RAE_KEY to hold the RAE API key; it is not set\n",
    );
  });
});
