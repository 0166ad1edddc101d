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
  readonly cacheWrite: number;
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
}

/** Spending limits across tasks, in USD per UTC day and month; omitted = no limit. */
export interface BudgetsConfig {
  readonly dailyUsd?: number;
  readonly monthlyUsd?: number;
  /** Fraction of a limit at which a warning is logged, once (default 0.8). */
  readonly warnFraction: number;
}

export interface ModelsConfig {
  readonly models: ReadonlyMap<string, ModelSpec>;
  readonly routing: RoutingConfig;
  readonly budgets?: BudgetsConfig;
}

export const QUALITY_LEVELS = ["TRIVIAL", "SMALL", "MEDIUM", "LARGE"] as const;
export type QualityLevel = (typeof QUALITY_LEVELS)[number];

/** One gate check: a command run in the worktree. */
export interface CheckSpec {
  readonly name: string;
  /** A string is run by `sh -c` (it is the user's own command line); an array is argv. */
  readonly command: string | readonly string[];
  readonly timeoutMs: number;
  readonly kind: "tests" | "lint" | "typecheck" | "coverage" | "hooks" | "breaking" | "custom";
  readonly env: Readonly<Record<string, string>>;
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
}
