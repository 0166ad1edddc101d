/**
 * How each model family can be reached on this machine, as `orchestrator init` found it: a CLI
 * on PATH (preferred: it brings its own login) or only an API key. Absent: not found.
 */
export interface AvailableModels {
  readonly anthropic?: "claude-cli" | "anthropic";
  readonly google?: "gemini-cli" | "gemini";
  readonly openai?: "codex-cli" | "openai-compatible";
  /** A local Ollama server answered. */
  readonly ollama?: boolean;
  /** Where it answered (default http://127.0.0.1:11434). */
  readonly ollamaUrl?: string;
}

/** The seed's two CLIs: what the starter file names when nothing was detected. */
export const SEED_MODELS: AvailableModels = { anthropic: "claude-cli", google: "gemini-cli" };

/** One model entry of the starter file. */
interface Entry {
  readonly name: string;
  readonly family: string;
  readonly lines: readonly string[];
}

function anthropicEntry(provider: "claude-cli" | "anthropic"): Entry {
  return {
    name: "claude_sonnet",
    family: "anthropic",
    lines: [
      "  claude_sonnet:",
      `    provider: ${provider}`,
      "    model: claude-sonnet-4-5",
      "    family: anthropic",
      "    tier: strong",
      "    price: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 }",
    ],
  };
}

function googleEntries(provider: "gemini-cli" | "gemini"): Entry[] {
  return [
    {
      name: "gemini_pro",
      family: "google",
      lines: [
        "  gemini_pro:",
        `    provider: ${provider}`,
        "    model: gemini-2.5-pro",
        "    family: google",
        "    tier: medium",
        "    price: { input: 1.25, output: 10, cache_read: 0.31, cache_write: 0 }",
      ],
    },
    {
      name: "gemini_flash",
      family: "google",
      lines: [
        "  gemini_flash:",
        `    provider: ${provider}`,
        "    model: gemini-2.5-flash",
        "    family: google",
        "    tier: cheap",
        "    price: { input: 0.3, output: 2.5, cache_read: 0.075, cache_write: 0 }",
      ],
    },
  ];
}

function openaiEntry(provider: "codex-cli" | "openai-compatible"): Entry {
  return {
    name: "gpt",
    family: "openai",
    lines: [
      "  gpt:",
      `    provider: ${provider}`,
      "    model: gpt-5",
      "    family: openai",
      "    tier: strong",
      "    price: { input: 1.25, output: 10, cache_read: 0.125, cache_write: 0 }",
    ],
  };
}

function ollamaEntry(baseUrl: string): Entry {
  return {
    name: "local_coder",
    family: "qwen",
    lines: [
      "  local_coder: # a local model through Ollama: free, slower, weaker",
      "    provider: ollama",
      "    model: qwen2.5-coder:7b",
      "    family: qwen",
      "    tier: cheap",
      `    base_url: ${baseUrl}`,
    ],
  };
}

/** The model entries for what is available, strongest families first. */
function entriesFor(available: AvailableModels): Entry[] {
  return [
    ...(available.anthropic ? [anthropicEntry(available.anthropic)] : []),
    ...(available.google ? googleEntries(available.google) : []),
    ...(available.openai ? [openaiEntry(available.openai)] : []),
    ...(available.ollama === true
      ? [ollamaEntry(available.ollamaUrl ?? "http://127.0.0.1:11434")]
      : []),
  ];
}

/** The families a starter configuration for `available` has models of. */
export function familiesOf(available: AvailableModels): string[] {
  return [...new Set(entriesFor(available).map((e) => e.family))];
}

const list = (names: readonly string[]): string =>
  names.length === 1 ? (names[0] ?? "") : `[${names.join(", ")}]`;

/** The seed's matrix with the models at hand: who plans, implements and reviews what. */
function rulesFor(names: ReadonlySet<string>): string[] {
  const first = (...candidates: string[]): string =>
    candidates.find((c) => names.has(c)) ?? [...names][0] ?? "";
  const strong = first("claude_sonnet", "gpt", "gemini_pro", "local_coder");
  const medium = first("gemini_pro", "gpt", "claude_sonnet", "local_coder");
  const cheap = first("gemini_flash", "local_coder", medium);
  // One reviewer per family; the first of another family than the author is taken.
  const reviewerPerFamily = ["claude_sonnet", "gpt", "gemini_pro", "local_coder"].filter((n) =>
    names.has(n),
  );
  const codeReviewers = reviewerPerFamily;
  const planReviewers = [
    ...["gemini_pro", "gpt", "local_coder", "claude_sonnet"].filter(
      (n) => names.has(n) && n !== strong,
    ),
    strong,
  ];
  const rows: [role: string, conditions: string[], use: string, reason: string][] = [
    // The seed's rows.
    ["planner", ["risk: high", "area: [core, math]"], strong, "best reasoning"],
    ["planner", ["risk: high", "area: [api, services]"], medium, "good architecture"],
    ["planner", ["risk: medium", "area: [tests, docs]"], medium, "fast planning"],
    ["planner", ["risk: low", "area: [docs, comments]"], cheap, "cheap and good enough"],
    ["plan_reviewer", [], list(planReviewers), "cross-check the plan with another family"],
    ["implementer", ["risk: high", "area: [core, math]"], strong, "complex logic"],
    ["implementer", ["risk: medium", "area: [api, services]"], medium, "solid coding"],
    ["implementer", ["risk: low", "area: [tests, docs]"], cheap, "fast and cheap"],
    ["code_reviewer", [], list(codeReviewers), "cross-check the code with another family"],
    // What the seed's table leaves open.
    [AUTHORS, ["risk: high"], strong, '"high risk: the best model"'],
    [AUTHORS, ["area: [core, math]"], strong, '"core and math: the best model"'],
    [
      AUTHORS,
      ["risk: low", "area: [tests, docs, comments]"],
      cheap,
      '"low-risk tests and docs: cheap"',
    ],
    [AUTHORS, [], medium, "the middle ground"],
  ];
  return rows.flatMap(([role, conditions, use, reason], i) => [
    ...(i === 9 ? ["    # What the seed's matrix leaves open:"] : []),
    `    - role: ${role}`,
    ...conditions.map((c) => `      ${c}`),
    `      use: ${use}`,
    `      reason: ${reason}`,
  ]);
}

const AUTHORS = "[planner, implementer]";

const HEADER = `#
# Models and who does what. Prices are USD per million tokens (for costs and budgets).
# Providers: claude-cli, gemini-cli, codex-cli, anthropic, gemini, openai-compatible, ollama,
# scripted. Optional per model: binary, args, env, timeout (default 15m), base_url,
# api_key_env, script (scripted models, relative to this folder).
# Check that every model can run with: orchestrator doctor
`;

const RESILIENCE = `
# A failed model call is retried (rate limits, overloads, timeouts, network errors; a bare
# nonzero exit once) with exponential backoff, then handed to another model of the same tier
# that keeps cross-review; a model that keeps failing is skipped for a while.
# resilience:
#   max_retries: 3
#   base_delay: 2s
#   max_delay: 60s
#   cooldown_after: 3 # failed calls in a row
#   cooldown: 5m
#   fallback: true
`;

/**
 * The starter `model_config.yaml` for the models at hand: the seed's routing matrix (Claude for
 * high-risk and core code, Gemini Pro for the rest, Gemini Flash for low-risk tests and docs,
 * reviewers of another family), with stand-ins when a family is missing. With fewer than two
 * families cross-review cannot hold: it is switched off, and the file says so.
 */
export function starterModelConfig(available: AvailableModels): string {
  const found = entriesFor(available);
  const entries = found.length > 0 ? found : entriesFor(SEED_MODELS);
  const names = new Set(entries.map((e) => e.name));
  const families = new Set(entries.map((e) => e.family));
  const crossReview = families.size >= 2;
  const notes: string[] = [];
  if (found.length === 0) {
    notes.push(
      "# No model CLI or API key was found when this file was written: these are the seed's",
      "# models. Install Claude Code and Gemini CLI (or set API keys), then run orchestrator doctor.",
    );
  }
  if (!crossReview) {
    notes.push(
      `# Only one model family (${[...families].join(", ")}) was found. Cross-review needs two:`,
      "# a reviewer must be of another family than the author. It is OFF below until you add a",
      "# model of another family (a CLI, an API key or a local Ollama model) and set it to true.",
    );
  }
  return (
    [
      HEADER,
      ...(notes.length > 0 ? [`${notes.join("\n")}\n`] : []),
      "models:",
      ...entries.flatMap((e) => e.lines),
      "",
      "routing:",
      "  strategy: rules",
      "  # A reviewer must come from another family than the author of the plan or code; the first",
      "  # model in use: that satisfies this is taken.",
      `  cross_review: ${String(crossReview)}`,
      "  # text: the orchestrator applies the edits the implementer writes; agent: the CLI edits.",
      "  implementer_mode: text",
      "  # The first rule that matches role, risk, area and step_type wins; a missing condition",
      "  # matches anything. Every role needs a rule for every risk and area.",
      "  rules:",
      ...rulesFor(names),
    ].join("\n") + `\n${RESILIENCE}`
  );
}
