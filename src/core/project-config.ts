import type { Problem } from "./errors.js";
import type { Role, Task } from "./task.js";

/**
 * The loaded, validated and normalised configuration of a target repository: what the three
 * files in `.orchestrator/` say, in the shape the rest of the program uses. Durations are in
 * milliseconds, paths absolute. The config/ layer produces it; nothing else reads YAML.
 */
export interface ProjectConfig {
  /** Absolute path of the repository whose `.orchestrator/` holds the files. */
  readonly repoRoot: string;
  /** Absolute path of `.orchestrator/`. */
  readonly configDir: string;
  readonly tasks: readonly Task[];
  readonly models: ModelsConfig;
  readonly quality: QualityConfig;
  /** What the loader accepted but changed (a constraint read as text, say); shown by validate. */
  readonly notes?: readonly Problem[];
}

export const PROVIDER_KINDS = [
  "claude-cli",
  "gemini-cli",
  "codex-cli",
  "anthropic",
  "gemini",
  "openai-compatible",
  "ollama",
  "scripted",
] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export const TIERS = ["cheap", "medium", "strong"] as const;
export type Tier = (typeof TIERS)[number];

/** USD per million tokens. */
export interface Prices {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  /** A 5-minute cache write (Anthropic: 1.25x input); a 1-hour write costs 2x input. */
  readonly cacheWrite: number;
  /**
   * Prices of a call whose input (uncached, cache reads and writes together) exceeds 200k
   * tokens, for models that charge more for long context (LiteLLM `*_above_200k_tokens`).
   */
  readonly above200k?: Omit<Prices, "above200k"> | undefined;
}

export interface ModelSpec {
  /** Logical name, the key under `models:` (e.g. `claude_sonnet`). */
  readonly name: string;
  readonly provider: ProviderKind;
  /** The vendor's model id (e.g. `claude-sonnet-4-5`). */
  readonly model: string;
  /** Model family; a reviewer must come from a different family than the author. */
  readonly family: string;
  readonly tier: Tier;
  readonly price: Prices;
  readonly binary?: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly baseUrl?: string;
  readonly apiKeyEnv?: string;
  /** For `scripted` models: absolute path of the script file. */
  readonly script?: string;
  /** CLI providers in agent mode: the CLI's own approval/sandbox mode (checked by the adapter). */
  readonly permissionMode?: string;
  /** CLI providers in agent mode: tools allowed without asking. */
  readonly allowedTools?: readonly string[];
  /** Calls in flight at once across the tasks of a run (`max_concurrency`); absent: no limit. */
  readonly maxConcurrency?: number;
  /**
   * CLI providers: keep one long-lived process per task and role (`session`, default true);
   * false runs one process per call.
   */
  readonly session?: boolean;
}

/** One routing rule; omitted conditions match anything. First matching rule wins. */
export interface RoutingRule {
  readonly roles: readonly Role[];
  readonly risks?: readonly string[];
  readonly areas?: readonly string[];
  readonly stepTypes?: readonly string[];
  /** Candidate models in order; the first one allowed by the cross-review rule is used. */
  readonly use: readonly string[];
  readonly reason: string;
  /** 1-based position in the file, for messages. */
  readonly index: number;
}

export interface RoutingConfig {
  readonly strategy: "rules" | "learned";
  /** Reviewer must be of a different family than the author. Default true. */
  readonly crossReview: boolean;
  readonly rules: readonly RoutingRule[];
  /** How the implementer works: `text` (orchestrator applies edits) or `agent` (CLI edits). */
  readonly implementerMode: "text" | "agent";
  /**
   * Implementer models from cheapest to strongest: a step's next attempt after a failed one
   * moves one rung up (still honouring cross-review). Absent: the rules choose every attempt.
   */
  readonly ladder?: readonly string[];
  /** Settings of `strategy: learned`; omitted ones take the defaults documented in README. */
  readonly learned?: LearnedSettings;
}

/** `routing.learned`: how much history the learned policy needs and how it explores. */
export interface LearnedSettings {
  /** Attempts (or reviews) a model needs in a situation before it is trusted (default 5). */
  readonly minSamples?: number;
  /** Lower bound of a step's success within its attempts a trusted model must reach (0.8). */
  readonly successThreshold?: number;
  /** Chance of trying a cheaper model that is not trusted yet (default 1: whenever its draw favours it). */
  readonly explore?: number;
  /** Pseudo-attempts borrowed from the same risk in other areas as a prior (default 8). */
  readonly priorWeight?: number;
  /** What a finished step is worth, in attempts of the rules' model (default 20). */
  readonly successValue?: number;
}

/** Spending limits across tasks, in USD per UTC day and month; omitted = no limit. */
export interface BudgetsConfig {
  readonly dailyUsd?: number;
  readonly monthlyUsd?: number;
  /** Fraction of a limit at which a warning is logged, once (default 0.8). */
  readonly warnFraction: number;
  /** Budget of a task without `budget_usd` (default {@link DEFAULT_TASK_BUDGET_USD}). */
  readonly taskUsd?: number;
}

/** Budget in USD of a task that sets no `budget_usd` and has no `budgets.task_usd`. */
export const DEFAULT_TASK_BUDGET_USD = 20;

/** How large a plan may be (`limits:` in model_config.yaml). */
export interface PlanLimits {
  /** Steps a plan may have; a task's `max_plan_steps` overrides it. */
  readonly maxPlanSteps: number;
  /** Files a step may create or modify (`files_to_create` + `files_to_modify`). */
  readonly maxFilesPerStep: number;
}

export const DEFAULT_PLAN_LIMITS: PlanLimits = { maxPlanSteps: 12, maxFilesPerStep: 25 };

/**
 * How failed model calls are handled (`resilience:` in model_config.yaml): retries with
 * exponential backoff and full jitter, fallback to another model of the same tier, and a
 * cooldown for a model that keeps failing.
 */
export interface ResilienceConfig {
  /** Retries of a retryable failure on the same model (nonzero exits: at most one). */
  readonly maxRetries: number;
  /** First backoff ceiling; it doubles per retry up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  /** Longest wait before a retry, also the cap on a server's `retry-after`. */
  readonly maxDelayMs: number;
  /** Consecutive failed calls of a model after which it is cooled down. */
  readonly cooldownAfter: number;
  /** How long a cooled-down model is skipped. */
  readonly cooldownMs: number;
  /** Whether a failing model is replaced by another of the same tier. */
  readonly fallback: boolean;
}

/** The defaults of `resilience:`. */
export const DEFAULT_RESILIENCE: ResilienceConfig = {
  maxRetries: 3,
  baseDelayMs: 2_000,
  maxDelayMs: 60_000,
  cooldownAfter: 3,
  cooldownMs: 5 * 60_000,
  fallback: true,
};

/** The RAE memory service (`memory.rae:`). */
export interface RaeConfig {
  readonly url: string;
  /** Environment variable holding the API key. */
  readonly apiKeyEnv: string;
  readonly tenant: string;
  /** Absent: the repository's folder name. */
  readonly project?: string;
  readonly timeoutMs: number;
}

/** Where lessons are kept and how many reach a prompt (`memory:` in model_config.yaml). */
export interface MemoryConfig {
  readonly backend: "embedded" | "rae";
  /** Tokens of recalled lessons per prompt (about 4 characters per token); 0: no recall. */
  readonly tokenBudget: number;
  readonly rae?: RaeConfig;
}

/** The defaults of `memory:`. */
export const DEFAULT_MEMORY: MemoryConfig = { backend: "embedded", tokenBudget: 600 };
/** What a notification is about; a webhook may subscribe to some of them only. */
export type NotifyEventKind = "awaiting_human" | "budget" | "batch_finished" | "anomaly";

/** One webhook of `notify.webhooks`. */
export interface WebhookConfig {
  readonly name: string;
  readonly url: string;
  readonly format: "json" | "slack";
  readonly events: readonly NotifyEventKind[];
  readonly headers: Readonly<Record<string, string>>;
}

/** `notify:` of model_config.yaml. */
export interface NotifyConfig {
  readonly webhooks: readonly WebhookConfig[];
  /** Base URL of the dashboard, for links; absent: no link. */
  readonly dashboardUrl?: string;
  readonly anomalyFactor: number;
  readonly anomalyMinSamples: number;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
}

/** `github:` of model_config.yaml, normalised. */
export interface GithubConfig {
  readonly owner: string;
  readonly name: string;
  /** REST API root without a trailing slash. */
  readonly apiUrl: string;
  /** Git remote that task branches are pushed to. */
  readonly remote: string;
  /** Branch pull requests target; absent: the task's base branch. */
  readonly base?: string;
  readonly labels: readonly string[];
  readonly reviewers: readonly string[];
  readonly draftOnHuman: boolean;
  /** Environment variable holding the token. */
  readonly tokenEnv: string;
  /** Environment variables of a GitHub App installation, when one authenticates instead. */
  readonly app?: {
    readonly appIdEnv: string;
    readonly installationIdEnv: string;
    readonly privateKeyEnv: string;
  };
  /** Label prefixes that set an imported task's risk, area and priority. */
  readonly taskLabels: {
    readonly riskPrefix: string;
    readonly areaPrefix: string;
    readonly priorityPrefix: string;
  };
}

export interface ModelsConfig {
  readonly models: ReadonlyMap<string, ModelSpec>;
  readonly routing: RoutingConfig;
  readonly budgets?: BudgetsConfig;
  /**
   * `store:`: where the state lives when it is not the embedded SQLite file — a
   * `postgres://` URL (with `${VAR}` already expanded). Never printed with its password.
   */
  readonly store?: string;
  /** Absent: {@link DEFAULT_PLAN_LIMITS}. */
  readonly limits?: PlanLimits;
  /** Absent: {@link DEFAULT_RESILIENCE}. */
  readonly resilience?: ResilienceConfig;
  /** Absent: {@link DEFAULT_MEMORY}. */
  readonly memory?: MemoryConfig;
  /** Absent: no notifications. */
  readonly notify?: NotifyConfig;
  /** Tasks run at once by `run --batch` and `resume` (`concurrency:`); absent: 4. */
  readonly concurrency?: number;
  /** Absent: no GitHub integration. */
  readonly github?: GithubConfig;
  /**
   * `worktrees_dir:` as written (`~/` and repository-relative paths allowed); absent: the
   * repository's folder under the user's state directory (workspace/task-paths.ts).
   */
  readonly worktreesDir?: string;
}

export const QUALITY_LEVELS = ["TRIVIAL", "SMALL", "MEDIUM", "LARGE"] as const;
export type QualityLevel = (typeof QUALITY_LEVELS)[number];

/** How a report file is read; decides what the gate compares with the baseline. */
export const REPORT_FORMATS = [
  "junit",
  "tap",
  "eslint-json",
  "tsc",
  "ruff-json",
  "mypy",
  "generic",
  "lcov",
  "istanbul-summary",
  "cobertura",
] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A report a check writes (or prints) for the gate to parse. */
export interface ReportSpec {
  readonly format: ReportFormat;
  /** Relative to the worktree; absent: the command's output is parsed. */
  readonly file?: string;
  /** `generic` only: regex source with named groups file, line, message. */
  readonly pattern?: string;
}

/** Which warnings block: new ones, also all in touched files, or all. */
export type WarningPolicyName = "no_new" | "zero_in_touched" | "zero";

/** A command: a string run by `sh -c` (the user's own command line), or argv. */
export type CommandSpec = string | readonly string[];

/** One gate check: a command run in the worktree. */
export interface CheckSpec {
  readonly name: string;
  /**
   * A string is run by `sh -c` (it is the user's own command line); an array is argv. `{files}`
   * and `{base}` are replaced. An empty list: a `hooks` check whose hook is detected.
   */
  readonly command: CommandSpec;
  readonly timeoutMs: number;
  readonly kind: "tests" | "lint" | "typecheck" | "coverage" | "hooks" | "breaking" | "custom";
  readonly env: Readonly<Record<string, string>>;
  /** Reports compared with the baseline; none: the exit code decides. */
  readonly reports?: readonly ReportSpec[];
  /** SMALL level: runs only the tests affected by `{files}`. */
  readonly related?: CommandSpec;
  /** Warning reports (default `no_new`). */
  readonly policy?: WarningPolicyName;
  /** Coverage reports: percentage points the total may drop (default 0). */
  readonly tolerancePct?: number;
}

export interface QualityConfig {
  readonly checks: ReadonlyMap<string, CheckSpec>;
  /** Names of the checks run at each level. */
  readonly levels: Readonly<Record<QualityLevel, readonly string[]>>;
  readonly defaultLevel: QualityLevel;
  /** Attempts per step before escalation (seed: 3). */
  readonly maxAttempts: number;
  /** Plan revision rounds before escalation (default 2). */
  readonly planReviewRounds: number;
  /** Repository-relative paths of policy documents given to the planner. */
  readonly policyDocs: readonly string[];
  /** Token budget for context files in prompts (about 4 characters per token). */
  readonly contextTokenBudget: number;
  /** Run in each worktree before the gate's checks (e.g. linking dependencies). */
  readonly setup?: CommandSpec;
  /** Gates running at once across concurrent tasks (`gate.max_parallel`); absent: from the cores. */
  readonly maxParallelGates?: number;
  /**
   * Code reviewers per step (the seed's `min_reviews.code`), each of another family than the
   * author (another model when cross-review is off); all must approve. Absent: 1.
   */
  readonly minCodeReviews?: number;
}
