import { z } from "zod";
import { PROVIDER_KINDS, QUALITY_LEVELS, REPORT_FORMATS, TIERS } from "../core/project-config.js";
import { RISKS, ROLES } from "../core/task.js";
import { describeValue } from "./describe.js";
import { DurationSchema } from "./duration.js";

// The raw shapes of the three YAML files, snake_case as users write them. The loader validates
// with these schemas and `jsonSchemas()` turns them into the JSON Schemas editors use.

/** One value or a non-empty list of them; `what` names the value in messages. */
function oneOrMany<T extends z.ZodType>(item: T, what: string) {
  return z.union([item, z.array(item).min(1)], {
    error: (iss) => `expected ${what} or a list of them, found ${describeValue(iss.input)}`,
  });
}

const nonEmpty = (description: string) => z.string().min(1).meta({ description });

const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const TaskIdSchema = z
  .string()
  .max(100)
  .regex(TASK_ID, {
    error: (iss) =>
      `expected a task id of letters, digits, ".", "_" or "-" starting with a letter or digit, found ${describeValue(iss.input)}`,
  })
  .refine((id) => !id.includes("..") && !id.endsWith(".") && !id.endsWith(".lock"), {
    error: (iss) =>
      `expected a task id without "..", not ending in "." or ".lock", found ${describeValue(iss.input)}`,
  })
  .meta({ description: "Unique task id; also part of the task's branch name." });

/** Task fields that `defaults:` may set for every task. */
const taskFieldsShape = {
  risk: z.enum(RISKS).optional().meta({ description: "How risky the change is (required)." }),
  area: nonEmpty(
    "Area of the code, e.g. core, math, api, services, docs, tests (required).",
  ).optional(),
  repo: nonEmpty(
    "Repository: a name under `repos:`, the repository's folder name, or a path (default: .).",
  ).optional(),
  context_files: z
    .array(nonEmpty("A file, directory or glob, relative to the task's repository."))
    .optional()
    .meta({ description: "Files the models are given; each must exist or match." }),
  constraints: z
    .array(z.string().min(1))
    .optional()
    .meta({ description: 'e.g. ZERO-WARNINGS, "80%+ test coverage", No breaking changes.' }),
  priority: z.number().int().optional().meta({ description: "Higher runs first (default 0)." }),
  depends_on: z
    .array(z.string().min(1))
    .optional()
    .meta({ description: "Ids of tasks that must be DONE first." }),
  timeout: DurationSchema.optional().meta({ description: "Wall-clock limit (default 6h)." }),
  budget_usd: z
    .number()
    .nonnegative()
    .optional()
    .meta({ description: "Cost limit in USD (default: budgets.task_usd of model_config.yaml)." }),
  max_plan_steps: z
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: "Steps the plan may have (default: limits.max_plan_steps, 12)." }),
  base: nonEmpty("Git ref the task's branch starts from (default: HEAD).").optional(),
  quality_level: z
    .enum(QUALITY_LEVELS)
    .optional()
    .meta({ description: "Quality gate level for every step of this task." }),
};

export const RawTaskSchema = z
  .strictObject({
    id: TaskIdSchema,
    goal: nonEmpty("What the task should achieve."),
    ...taskFieldsShape,
  })
  .meta({ description: "One task." });
export type RawTask = z.output<typeof RawTaskSchema>;

export const TaskDefaultsSchema = z
  .strictObject(taskFieldsShape)
  .meta({ description: "Values for every task that does not set them itself." });
export type TaskDefaults = z.output<typeof TaskDefaultsSchema>;

export const TaskListSchema = z.array(RawTaskSchema);

/** A URL with a password in it: credentials belong in the environment, never in the files. */
function hasEmbeddedPassword(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url);
}

/** A `repos:` entry: its path, or its path and the remote workers clone it from. */
export const RepoEntrySchema = z.union([
  nonEmpty("Path of the repository, relative to this repository's root."),
  z.strictObject({
    path: nonEmpty("Path of the repository, relative to this repository's root."),
    remote: nonEmpty(
      "Git URL workers clone the repository from and push task branches to (credentials from the environment: SSH agent, credential helper).",
    )
      .refine((url) => !hasEmbeddedPassword(url), {
        message:
          "expected a remote URL without a password; give credentials through the environment (SSH agent, git credential helper, GIT_ASKPASS)",
      })
      .optional(),
  }),
]);
export type RepoEntry = z.output<typeof RepoEntrySchema>;
const REPO_SLUG = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const RepoSlugSchema = z
  .string()
  .regex(REPO_SLUG, {
    error: (iss) => `expected OWNER/NAME, found ${describeValue(iss.input)}`,
  })
  .meta({ description: "A GitHub repository as OWNER/NAME." });

/** `source:` of tasks.yaml: where `orchestrator github sync` imports tasks from. */
export const TaskSourceSchema = z
  .strictObject({
    github: z.strictObject({
      repo: RepoSlugSchema,
      label: nonEmpty("Only issues with this label (default: orchestrator).").optional(),
      state: z.enum(["open", "closed", "all"]).default("open"),
    }),
  })
  .meta({ description: "A standing import: issues of a GitHub repository become tasks." });

export const TasksObjectSchema = z.strictObject({
  source: TaskSourceSchema.optional(),
  repos: z
    .record(z.string(), RepoEntrySchema)
    .optional()
    .meta({ description: "Names for repositories that tasks refer to with `repo:`." }),
  defaults: TaskDefaultsSchema.optional(),
  tasks: TaskListSchema,
});

/** `tasks.yaml`: a list of tasks, or a mapping with `tasks:` and optional `repos:`/`defaults:`. */
export const TasksFileSchema = z
  .union([TaskListSchema, TasksObjectSchema])
  .meta({ title: "orchestrator tasks.yaml" });

const PriceSchema = z
  .strictObject({
    input: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cache_read: z.number().nonnegative().default(0),
    cache_write: z.number().nonnegative().default(0),
  })
  .meta({ description: "USD per million tokens." });

export const RawModelSchema = z.strictObject({
  provider: z.enum(PROVIDER_KINDS),
  model: nonEmpty("The vendor's model id, e.g. claude-sonnet-4-5."),
  family: nonEmpty("Model family; a reviewer must be of another family than the author."),
  tier: z.enum(TIERS).default("medium"),
  price: PriceSchema.optional().meta({ description: "Default: all prices 0." }),
  binary: nonEmpty("CLI binary to run (CLI providers).").optional(),
  args: z.array(z.string()).default([]).meta({ description: "Extra CLI arguments." }),
  env: z
    .record(z.string(), z.string())
    .default({})
    .meta({ description: "Extra environment variables." }),
  timeout: DurationSchema.default("15m").meta({ description: "Limit per call (default 15m)." }),
  max_concurrency: z.number().int().positive().optional().meta({
    description:
      "Calls to this model in flight at once across the tasks of a run (rate limits); default no limit.",
  }),
  session: z
    .boolean()
    .optional()
    .meta({
      description:
        "CLI providers: keep one long-lived CLI process per task and role (default true); " +
        "false starts one process per call.",
    }),
  base_url: nonEmpty("API base URL (HTTP providers).").optional(),
  api_key_env: nonEmpty("Name of the environment variable that holds the API key.").optional(),
  script: nonEmpty("Script file for `scripted` models, relative to .orchestrator/.").optional(),
  permission_mode: nonEmpty(
    "CLI providers in agent mode: how edits are approved without a human " +
      "(claude-cli: acceptEdits (default), bypassPermissions, auto, dontAsk; " +
      "gemini-cli: auto_edit (default), yolo; codex-cli: workspace-write (default), danger-full-access).",
  ).optional(),
  allowed_tools: z
    .array(z.string().min(1))
    .optional()
    .meta({
      description:
        "CLI providers in agent mode: tools the CLI may use without asking " +
        "(claude-cli default: Read, Write, Edit, Glob, Grep, Bash; gemini-cli: none beyond its " +
        "approval mode; codex-cli: not used, its sandbox decides).",
    }),
});
export type RawModel = z.output<typeof RawModelSchema>;

export const RawRuleSchema = z.strictObject({
  role: oneOrMany(z.enum(ROLES), "a role"),
  risk: oneOrMany(z.enum(RISKS), "a risk").optional(),
  area: oneOrMany(z.string().min(1), "an area").optional(),
  step_type: oneOrMany(z.string().min(1), "a step type").optional(),
  use: oneOrMany(z.string().min(1), "a model name").meta({
    description: "Candidate models in order; the first allowed by cross-review is used.",
  }),
  reason: nonEmpty("Shown in logs (default: rule N).").optional(),
});
export type RawRule = z.output<typeof RawRuleSchema>;

export const RoutingSchema = z.strictObject({
  strategy: z.enum(["rules", "learned"]).default("rules"),
  cross_review: z
    .boolean()
    .default(true)
    .meta({ description: "A reviewer must be of another family than the author." }),
  implementer_mode: z.enum(["text", "agent"]).default("text"),
  ladder: z.array(z.string().min(1)).min(1).optional().meta({
    description:
      "Implementer models from cheapest to strongest; a retry after a failed attempt moves one rung up.",
  }),
  rules: z
    .array(RawRuleSchema)
    .min(1)
    .optional()
    .meta({ description: "First matching rule wins; omitted conditions match anything." }),
  learned: z
    .strictObject({
      min_samples: z.number().int().min(1).optional().meta({
        description: "Attempts a model needs in a situation before it is trusted (default 5).",
      }),
      success_threshold: z.number().gt(0).max(1).optional().meta({
        description:
          "Lower bound of a step's success within its attempts a trusted model must reach (default 0.8, the seed's).",
      }),
      explore: z.number().min(0).max(1).optional().meta({
        description:
          "Chance of trying a cheaper model that is not trusted yet (default 1: whenever its draw favours it).",
      }),
      prior_weight: z.number().min(0).optional().meta({
        description:
          "Pseudo-attempts borrowed from the same risk in other areas as a prior (default 8).",
      }),
      success_value: z.number().gt(0).optional().meta({
        description:
          "What a finished step is worth, in attempts of the rules' model: success is traded against cost at this price (default 20).",
      }),
    })
    .optional()
    .meta({ description: "Settings of strategy: learned." }),
});

/** `resilience:` of model_config.yaml: retries, fallback and cooldown of failing models. */
export const ResilienceSchema = z
  .strictObject({
    max_retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(3)
      .meta({ description: "Retries of a retryable failure on the same model (default 3)." }),
    base_delay: DurationSchema.default("2s").meta({
      description: "First backoff ceiling, doubled per retry (default 2s).",
    }),
    max_delay: DurationSchema.default("60s").meta({
      description: "Longest wait before a retry; also caps retry-after (default 60s).",
    }),
    cooldown_after: z.number().int().min(1).default(3).meta({
      description: "Consecutive failed calls after which a model is cooled down (default 3).",
    }),
    cooldown: DurationSchema.default("5m").meta({
      description: "How long a cooled-down model is skipped (default 5m).",
    }),
    fallback: z.boolean().default(true).meta({
      description: "Replace a failing model by another of the same tier (default true).",
    }),
  })
  .meta({ description: "How failed model calls are retried, replaced and cooled down." });

/**
 * `store:`: `sqlite` (the default: `.orchestrator/state.db`) or a `postgres://` URL shared by
 * workers on many machines. The value is never echoed in messages: it may hold a password.
 */
export const StoreSettingSchema = z
  .string()
  .refine((v) => v === "sqlite" || /^postgres(?:ql)?:\/\/[^/]+\/[^/?]+/i.test(v), {
    message:
      "expected sqlite or a URL like postgres://user@host:5432/database (write the password as ${PGPASSWORD} or leave it to the environment)",
  })
  .meta({
    description:
      "Where the state lives: sqlite (default, .orchestrator/state.db) or postgres://user@host:5432/db for workers on many machines; ${VAR} is expanded. ORCHESTRATOR_DATABASE_URL overrides it.",
  });

/** `memory:` of model_config.yaml: where lessons are kept and how many reach a prompt. */
export const MemorySchema = z
  .strictObject({
    backend: z.enum(["embedded", "rae"]).default("embedded").meta({
      description:
        "embedded: lessons in the state database (SQLite full-text search); rae: the RAE memory service over REST, falling back to embedded (default embedded).",
    }),
    token_budget: z.number().int().min(0).max(20000).default(600).meta({
      description: "Tokens of recalled lessons put in a prompt; 0 turns recall off (default 600).",
    }),
    rae: z
      .strictObject({
        url: z.url().meta({ description: "Base URL of the RAE API, e.g. http://rae:8000." }),
        api_key_env: z.string().default("RAE_API_KEY").meta({
          description: "Environment variable holding the API key (default RAE_API_KEY).",
        }),
        tenant: z.string().min(1).meta({ description: "Sent as X-Tenant-Id." }),
        project: z.string().min(1).optional().meta({
          description: "RAE project the lessons go to (default: the repository's folder name).",
        }),
        timeout: DurationSchema.default("5s").meta({
          description: "Longest wait for one RAE request (default 5s).",
        }),
      })
      .optional()
      .meta({ description: "The RAE service; required when backend is rae." }),
  })
  .meta({ description: "Lessons from earlier tasks, recalled into prompts (docs/MEMORY.md)." });
export const NOTIFY_EVENTS = ["awaiting_human", "budget", "batch_finished", "anomaly"] as const;

/** One webhook of `notify.webhooks`. */
export const WebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" }).meta({
    description: "Where to POST; use ${VAR} for secret URLs such as Slack's.",
  }),
  format: z.enum(["json", "slack"]).default("json").meta({
    description: "json: the orchestrator's own payload; slack: a Slack-compatible {text, blocks}.",
  }),
  name: z.string().min(1).optional().meta({
    description: "Shown in events and logs instead of the URL (default webhook-N).",
  }),
  events: z
    .array(z.enum(NOTIFY_EVENTS))
    .min(1)
    .optional()
    .meta({ description: "Which notifications this webhook gets (default all)." }),
  headers: z
    .record(z.string(), z.string())
    .optional()
    .meta({ description: "Extra request headers, e.g. Authorization: Bearer ${TOKEN}." }),
});

/** `notify:` of model_config.yaml: webhooks told when a human or a budget needs attention. */
export const NotifySchema = z
  .strictObject({
    webhooks: z.array(WebhookSchema).default([]),
    dashboard_url: z
      .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
      .optional()
      .meta({
        description:
          "Base URL of `orchestrator serve`, for links to the task (e.g. http://host:7420/).",
      }),
    anomaly_factor: z.number().gt(1).default(3).meta({
      description:
        "A task or step is an anomaly when its duration or cost is above the historical 95th percentile times this (default 3).",
    }),
    anomaly_min_samples: z.number().int().min(1).default(5).meta({
      description: "Finished tasks or steps needed before anomalies are judged (default 5).",
    }),
    max_attempts: z.number().int().min(1).max(10).default(4).meta({
      description: "Delivery attempts per webhook, with exponential backoff (default 4).",
    }),
    base_delay: DurationSchema.default("1s").meta({
      description: "First backoff between delivery attempts, doubled each time (default 1s).",
    }),
  })
  .meta({ description: "Webhook notifications: awaiting a human, budgets, batch end, anomalies." });
/** `github:` of model_config.yaml: pull requests out, decisions in (docs/GITHUB.md). */
export const GithubSchema = z
  .strictObject({
    repo: RepoSlugSchema,
    api_url: z
      .url()
      .default("https://api.github.com")
      .meta({ description: "REST API root; GitHub Enterprise: https://HOST/api/v3." }),
    remote: nonEmpty("Git remote task branches are pushed to (default: origin).").default("origin"),
    base: nonEmpty("Branch pull requests target (default: the task's base branch).").optional(),
    labels: z.array(z.string().min(1)).default([]).meta({ description: "Labels put on PRs." }),
    reviewers: z
      .array(z.string().min(1))
      .default([])
      .meta({ description: "GitHub users asked to review each PR." }),
    draft_on_human: z
      .boolean()
      .default(true)
      .meta({ description: "Open the PR as a draft when the task needed a human decision." }),
    token_env: nonEmpty("Variable holding the token (default: GITHUB_TOKEN).").default(
      "GITHUB_TOKEN",
    ),
    app: z
      .strictObject({
        app_id_env: nonEmpty("Variable holding the App id.").default("GITHUB_APP_ID"),
        installation_id_env: nonEmpty("Variable holding the installation id.").default(
          "GITHUB_APP_INSTALLATION_ID",
        ),
        private_key_env: nonEmpty("Variable holding the App's PEM private key.").default(
          "GITHUB_APP_PRIVATE_KEY",
        ),
      })
      .optional()
      .meta({ description: "Authenticate as a GitHub App installation instead of a token." }),
    task_labels: z
      .strictObject({
        risk_prefix: z.string().default("risk:"),
        area_prefix: z.string().default("area:"),
        priority_prefix: z.string().default("priority:"),
      })
      .prefault({})
      .meta({ description: "How issue labels map to risk, area and priority." }),
  })
  .meta({ description: "GitHub: issues in, pull requests and comments out." });
export type RawGithub = z.output<typeof GithubSchema>;

/** `model_config.yaml`. */
export const ModelConfigFileSchema = z
  .strictObject({
    models: z.record(z.string(), RawModelSchema).optional(),
    routing: RoutingSchema.optional(),
    budgets: z
      .strictObject({
        daily_usd: z.number().nonnegative().optional(),
        monthly_usd: z.number().nonnegative().optional(),
        warn_at: z.number().gt(0).max(1).default(0.8),
        task_usd: z.number().nonnegative().optional().meta({
          description: "Budget of a task without budget_usd (default 20).",
        }),
      })
      .optional()
      .meta({
        description:
          "Spending limits across all tasks per UTC day and month, and the default task budget (USD).",
      }),
    limits: z
      .strictObject({
        max_plan_steps: z.number().int().positive().default(12).meta({
          description: "Steps a plan may have (default 12); a task's max_plan_steps overrides it.",
        }),
        max_files_per_step: z.number().int().positive().default(25).meta({
          description: "Files a plan step may create or modify (default 25).",
        }),
      })
      .optional()
      .meta({
        description:
          "How large a plan may be; a larger plan goes back to the planner once, then to a human.",
      }),
    resilience: ResilienceSchema.optional(),
    store: StoreSettingSchema.optional(),
    memory: MemorySchema.optional(),
    notify: NotifySchema.optional(),
    concurrency: z.number().int().positive().default(4).meta({
      description:
        "Tasks `run --batch` and `resume` run at once (default 4; `--jobs N` overrides).",
    }),
    github: GithubSchema.optional(),
    worktrees_dir: z.string().min(1).optional().meta({
      description:
        "Where task worktrees go (~/ and paths relative to the repository allowed); default a folder of the repository under $XDG_STATE_HOME/cross-review-orchestrator/worktrees/ (~/.local/state/...).",
    }),
  })
  .meta({ title: "orchestrator model_config.yaml" });

export const CHECK_KINDS = [
  "tests",
  "lint",
  "typecheck",
  "coverage",
  "hooks",
  "breaking",
  "custom",
] as const;

const CommandSchema = z.union([z.string().min(1), z.array(z.string()).min(1)], {
  error: (iss) =>
    `expected a command line or a list of arguments, found ${describeValue(iss.input)}`,
});

export const WARNING_POLICIES = ["no_new", "zero_in_touched", "zero"] as const;

/** A regular expression with the named groups a generic warning line needs. */
const PatternSchema = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `expected a regular expression, found ${JSON.stringify(pattern)} (${error instanceof Error ? error.message : String(error)})`,
      });
      return;
    }
    const missing = ["file", "line", "message"].filter((g) => !regex.source.includes(`(?<${g}>`));
    if (missing.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `expected named groups (?<file>...), (?<line>...) and (?<message>...); missing ${missing.join(", ")}`,
      });
    }
  })
  .meta({ description: "generic only: regex with named groups file, line, message." });

export const RawReportSchema = z
  .strictObject({
    format: z.enum(REPORT_FORMATS),
    file: nonEmpty(
      "Report file relative to the worktree; absent: the command's output is parsed.",
    ).optional(),
    pattern: PatternSchema.optional(),
  })
  .superRefine((report, ctx) => {
    if (report.pattern !== undefined && report.format !== "generic") {
      ctx.addIssue({
        code: "custom",
        path: ["pattern"],
        message: `pattern applies to the generic format only, not ${report.format}`,
      });
    }
  });
export type RawReport = z.output<typeof RawReportSchema>;

export const RawCheckSchema = z
  .strictObject({
    command: CommandSchema.optional().meta({
      description:
        "Argument list, or a string run by sh -c; {files} and {base} are replaced. Required except for kind: hooks.",
    }),
    timeout: DurationSchema.default("10m"),
    kind: z.enum(CHECK_KINDS).default("custom"),
    env: z.record(z.string(), z.string()).default({}),
    report: z
      .union([RawReportSchema, z.array(RawReportSchema).min(1)])
      .optional()
      .meta({ description: "Report(s) the command writes; compared with the baseline." }),
    related: CommandSchema.optional().meta({
      description: "SMALL level: command running only the tests affected by {files}.",
    }),
    policy: z
      .enum(WARNING_POLICIES)
      .default("no_new")
      .meta({ description: "Warning reports: which warnings block." }),
    tolerance: z
      .number()
      .min(0)
      .max(100)
      .default(0)
      .meta({ description: "Coverage reports: percentage points the total may drop." }),
  })
  .superRefine((check, ctx) => {
    if (check.command === undefined && check.kind !== "hooks") {
      ctx.addIssue({
        code: "custom",
        path: ["command"],
        message: `expected a command (only kind: hooks may omit it, to detect the repository's hook)`,
      });
    }
  });
export type RawCheck = z.output<typeof RawCheckSchema>;

const levelList = z.array(z.string().min(1)).optional();

/** Keys of the seed's quality examples; accepted, and enforced through `checks:` instead. */
const seedFlagsShape = {
  zero_warnings: z.boolean().optional(),
  all_tests_pass: z.boolean().optional(),
  no_coverage_regression: z.boolean().optional(),
  test_classification: z.record(z.string(), z.string()).optional(),
  hooks: z.array(z.string()).optional(),
  workflow: z.array(z.string()).optional(),
  min_reviews: z.record(z.string(), z.number().int().nonnegative()).optional(),
  enforce_different_models: z.record(z.string(), z.boolean()).optional(),
  max_retry_attempts: z.number().int().min(1).optional(),
  escalate_to_human_after: z.number().int().min(1).optional(),
  merge_requires: z.array(z.string()).optional(),
};
const SeedFlagsSchema = z.strictObject(seedFlagsShape).meta({
  description: "The seed's quality settings; accepted for compatibility, enforced via checks:.",
});

/** `quality_rules.yaml`. */
export const QualityRulesFileSchema = z
  .strictObject({
    setup: CommandSchema.optional().meta({
      description: "Run in each worktree before the checks (e.g. link node_modules).",
    }),
    checks: z.record(z.string(), RawCheckSchema).optional(),
    levels: z
      .strictObject({
        TRIVIAL: levelList,
        SMALL: levelList,
        MEDIUM: levelList,
        LARGE: levelList,
      })
      .optional(),
    default_level: z.enum(QUALITY_LEVELS).default("MEDIUM"),
    retries: z
      .strictObject({
        max_attempts: z.number().int().min(1).default(3),
        plan_review_rounds: z.number().int().min(0).default(2),
      })
      .optional(),
    policy_docs: z.array(z.string().min(1)).default([]),
    gate: z
      .strictObject({
        max_parallel: z.number().int().positive().optional().meta({
          description:
            "Quality gates running at once across concurrent tasks (default: the number of CPU cores).",
        }),
      })
      .optional(),
    context_token_budget: z.number().int().positive().default(20_000),
    ...seedFlagsShape,
    quality_rules: SeedFlagsSchema.optional(),
    orchestrator_quality: SeedFlagsSchema.optional(),
  })
  .meta({ title: "orchestrator quality_rules.yaml" });
export type RawQualityRules = z.output<typeof QualityRulesFileSchema>;
