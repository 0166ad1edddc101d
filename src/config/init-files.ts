/** A file written by `orchestrator init` into `.orchestrator/`. */
export interface InitFile {
  readonly name: string;
  readonly content: string;
}

export interface InitOptions {
  /** Where the JSON Schemas are, as seen from `.orchestrator/` (relative or absolute). */
  readonly schemaDir: string;
}

const schemaLine = (schemaDir: string, name: string): string =>
  `# yaml-language-server: $schema=${schemaDir.replace(/\/+$/, "")}/${name}.schema.json\n`;

const TASKS = `#
# The task queue. For each task the orchestrator writes a plan, has it reviewed by a model of
# another family, implements it step by step (each step code-reviewed and quality-gated) and
# commits to the branch orchestrator/<id>.
#
# Fields (id, goal, risk and area are required; defaults: can set any but id and goal):
#   id             unique; letters, digits, ".", "_" or "-"
#   goal           what to achieve, in a sentence or two
#   risk           low | medium | high (chooses the models, see model_config.yaml)
#   area           core | math | api | services | docs | tests | comments | any other word
#   repo           a name under repos:, this repository's folder name, or a path (default .)
#   context_files  files, directories or globs the models read first; each must exist
#   constraints    free text; ZERO-WARNINGS, "80%+ test coverage" and "No breaking changes"
#                  are recognised
#   priority       higher runs first (default 0)
#   depends_on     ids of tasks that must be done first
#   timeout        e.g. 90m or 1h30m (default 6h)
#   budget_usd     stop when the task has cost this much
#   base           git ref to start from (default HEAD)
#   quality_level  TRIVIAL | SMALL | MEDIUM | LARGE (see quality_rules.yaml)
# Values may use \${VAR} or \${VAR:-default} from the environment ($\${ is a literal \${).

# repos:                    # names for other repositories, relative to this one
#   backend: ../backend

tasks:
  - id: EXAMPLE-001
    goal: "Update README with the current status of the project"
    risk: low
    area: docs
    repo: .
    # context_files:
    #   - README.md
    #   - "docs/*.md"       # quote values that start with *
    constraints:
      - ZERO-WARNINGS
      - No breaking changes
`;

const MODEL_CONFIG = `#
# Models and who does what. Prices are USD per million tokens (for costs and budgets).
# Providers: claude-cli, gemini-cli, codex-cli, anthropic, gemini, openai-compatible, ollama,
# scripted. Optional per model: binary, args, env, timeout (default 15m), base_url,
# api_key_env, script (scripted models, relative to this folder).

models:
  claude_sonnet:
    provider: claude-cli
    model: claude-sonnet-4-5
    family: anthropic
    tier: strong
    price: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 }
  gemini_pro:
    provider: gemini-cli
    model: gemini-2.5-pro
    family: google
    tier: medium
    price: { input: 1.25, output: 10, cache_read: 0.31, cache_write: 0 }
  gemini_flash:
    provider: gemini-cli
    model: gemini-2.5-flash
    family: google
    tier: cheap
    price: { input: 0.3, output: 2.5, cache_read: 0.075, cache_write: 0 }

routing:
  strategy: rules
  # A reviewer must come from another family than the author of the plan or code; the first
  # model in use: that satisfies this is taken.
  cross_review: true
  # text: the orchestrator applies the edits the implementer writes; agent: the CLI edits.
  implementer_mode: text
  # The first rule that matches role, risk, area and step_type wins; a missing condition
  # matches anything. Every role needs a rule for every risk and area.
  rules:
    - role: planner
      use: claude_sonnet
      reason: planning needs the best reasoning
    - role: plan_reviewer
      use: [gemini_pro, claude_sonnet]
      reason: cross-check the plan with another family
    - role: implementer
      risk: high
      use: claude_sonnet
      reason: high-risk code
    - role: implementer
      area: [core, api]
      use: claude_sonnet
      reason: core and API code
    - role: implementer
      risk: low
      area: [tests, docs, comments]
      use: gemini_flash
      reason: "low-risk tests and docs: fast and cheap"
    - role: implementer
      use: gemini_pro
      reason: solid coding for the rest
    - role: code_reviewer
      use: [claude_sonnet, gemini_pro]
      reason: cross-check the code with another family
`;

const QUALITY_RULES = `#
# The quality gate: commands run in the task's worktree after a step's code review approves
# it. The step is committed only when every check of its level passes. With no checks the
# gate passes trivially, so add the commands your project uses.
#
# A string command runs through sh -c; a list is run as argv. kind is one of tests, lint,
# typecheck, coverage, hooks, breaking, custom; timeout defaults to 10m.
checks: {}
#  lint:
#    command: npx eslint . --max-warnings 0
#    kind: lint
#  typecheck:
#    command: [npx, tsc, --noEmit]
#    kind: typecheck
#  tests:
#    command: npm test
#    kind: tests
#    timeout: 20m

# Checks per level (a task's quality_level or default_level). Without levels:, TRIVIAL runs
# the lint checks, SMALL and MEDIUM lint, typecheck and tests, LARGE every check.
# levels:
#   TRIVIAL: [lint]
#   SMALL: [lint, typecheck, tests]
#   MEDIUM: [lint, typecheck, tests]
#   LARGE: [lint, typecheck, tests]
default_level: MEDIUM

retries:
  max_attempts: 3 # attempts per step before a human is asked
  plan_review_rounds: 2 # plan revisions before a human is asked

# Documents given to the planner, relative to the repository (e.g. docs/TESTING.md).
policy_docs: []

# Token budget for context files in prompts (about 4 characters per token).
context_token_budget: 20000
`;

/** The three starter files for `.orchestrator/`, each pointing at its JSON Schema. */
export function initFiles(options: InitOptions): InitFile[] {
  return [
    { name: "tasks.yaml", content: schemaLine(options.schemaDir, "tasks") + TASKS },
    {
      name: "model_config.yaml",
      content: schemaLine(options.schemaDir, "model_config") + MODEL_CONFIG,
    },
    {
      name: "quality_rules.yaml",
      content: schemaLine(options.schemaDir, "quality_rules") + QUALITY_RULES,
    },
  ];
}
