import type { RawModel, RawRule } from "./file-schemas.js";

// Built-in defaults, used when `.orchestrator/model_config.yaml` is missing or leaves out
// `models:` or `routing.rules:`. The starter model_config.yaml of `orchestrator init` spells out
// the same values (init-files.test.ts checks that both load to the same configuration).

/** The seed's three models (prices: USD per million tokens). */
export const DEFAULT_MODELS: Readonly<Record<string, RawModel>> = {
  claude_sonnet: {
    provider: "claude-cli",
    model: "claude-sonnet-4-5",
    family: "anthropic",
    tier: "strong",
    price: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 },
    args: [],
    env: {},
    timeout: "15m",
  },
  gemini_pro: {
    provider: "gemini-cli",
    model: "gemini-2.5-pro",
    family: "google",
    tier: "medium",
    price: { input: 1.25, output: 10, cache_read: 0.31, cache_write: 0 },
    args: [],
    env: {},
    timeout: "15m",
  },
  gemini_flash: {
    provider: "gemini-cli",
    model: "gemini-2.5-flash",
    family: "google",
    tier: "cheap",
    price: { input: 0.3, output: 2.5, cache_read: 0.075, cache_write: 0 },
    args: [],
    env: {},
    timeout: "15m",
  },
};

/**
 * The seed's routing matrix (ORCHESTRATOR_PLAN.md, "Model Routing Matrix") as rules: first its
 * rows verbatim, in its order, then rules for the situations its table leaves open (high risk
 * and core/math to Claude Sonnet, low-risk docs and tests to Gemini Flash, Gemini Pro as the
 * middle ground). Every reviewer rule lists a model of each family, so cross-review can always
 * be satisfied whoever wrote the plan or the code. `starter-models.ts` writes the same rules.
 */
export const DEFAULT_RULES: readonly RawRule[] = [
  // The seed's rows.
  {
    role: "planner",
    risk: "high",
    area: ["core", "math"],
    use: "claude_sonnet",
    reason: "best reasoning",
  },
  {
    role: "planner",
    risk: "high",
    area: ["api", "services"],
    use: "gemini_pro",
    reason: "good architecture",
  },
  {
    role: "planner",
    risk: "medium",
    area: ["tests", "docs"],
    use: "gemini_pro",
    reason: "fast planning",
  },
  {
    role: "planner",
    risk: "low",
    area: ["docs", "comments"],
    use: "gemini_flash",
    reason: "cheap and good enough",
  },
  {
    role: "plan_reviewer",
    use: ["gemini_pro", "claude_sonnet"],
    reason: "cross-check the plan with another family",
  },
  {
    role: "implementer",
    risk: "high",
    area: ["core", "math"],
    use: "claude_sonnet",
    reason: "complex logic",
  },
  {
    role: "implementer",
    risk: "medium",
    area: ["api", "services"],
    use: "gemini_pro",
    reason: "solid coding",
  },
  {
    role: "implementer",
    risk: "low",
    area: ["tests", "docs"],
    use: "gemini_flash",
    reason: "fast and cheap",
  },
  {
    role: "code_reviewer",
    use: ["claude_sonnet", "gemini_pro"],
    reason: "cross-check the code with another family",
  },
  // What the seed's table leaves open.
  {
    role: ["planner", "implementer"],
    risk: "high",
    use: "claude_sonnet",
    reason: "high risk: the best model",
  },
  {
    role: ["planner", "implementer"],
    area: ["core", "math"],
    use: "claude_sonnet",
    reason: "core and math: the best model",
  },
  {
    role: ["planner", "implementer"],
    risk: "low",
    area: ["tests", "docs", "comments"],
    use: "gemini_flash",
    reason: "low-risk tests and docs: cheap",
  },
  { role: ["planner", "implementer"], use: "gemini_pro", reason: "the middle ground" },
];
