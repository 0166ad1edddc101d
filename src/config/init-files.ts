import type { AvailableModels } from "./starter-models.js";
import { SEED_MODELS, starterModelConfig } from "./starter-models.js";

/** A file written by `orchestrator init` into `.orchestrator/`. */
export interface InitFile {
  readonly name: string;
  readonly content: string;
}

export interface InitOptions {
  /** Where the JSON Schemas are, as seen from `.orchestrator/` (relative or absolute). */
  readonly schemaDir: string;
  /** The model CLIs and keys found on this machine (default: the seed's two CLIs). */
  readonly available?: AvailableModels;
  /** The `setup:`/`checks:` part of quality_rules.yaml (default: none, with examples). */
  readonly checks?: string;
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

const QUALITY_HEADER = `#
# The quality gate: commands run in the task's worktree after a step's code review approves
# it. The step is committed only when every check of its level passes. A gate with no checks
# would pass every step, so \`orchestrator run\` refuses one unless --allow-empty-gate.
#
# A string command runs through sh -c; a list is run as argv. kind is one of tests, lint,
# typecheck, coverage, hooks, breaking, custom; timeout defaults to 10m. A report (junit, tap,
# eslint-json, tsc, ruff-json, mypy, generic, lcov, cobertura, ...) is compared with the base
# commit, so only what a change breaks blocks it. See docs/GATE.md.
`;

/** The checks part when nothing was detected: none, with examples. */
export const NO_CHECKS = `checks: {}
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
`;

const QUALITY_REST = `
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
      content:
        schemaLine(options.schemaDir, "model_config") +
        starterModelConfig(options.available ?? SEED_MODELS),
    },
    {
      name: "quality_rules.yaml",
      content:
        schemaLine(options.schemaDir, "quality_rules") +
        QUALITY_HEADER +
        (options.checks ?? NO_CHECKS) +
        QUALITY_REST,
    },
  ];
}
