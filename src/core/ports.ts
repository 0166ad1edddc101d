import type { EventBody, StoredEvent, TokenUsage } from "./events.js";
import type { Role, Task } from "./task.js";
import type { ProviderCheck } from "./provider-errors.js";
import type { FoundLesson, Lesson } from "./lesson.js";

/** Time, injectable so tests control it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A run of the orchestrator: one `run`, `resume` or `demo` invocation. */
export interface RunRecord {
  readonly id: string;
  readonly command: string;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly status: string | null;
}

/**
 * Durable state: tasks, runs, an append-only event log and task leases. A task's state is a
 * projection of its events. Implementations: SQLite (embedded), later PostgreSQL.
 */
export interface Store {
  /** Records (or replaces) the task definition last loaded from tasks.yaml. */
  saveTask(task: Task): Promise<void>;
  getTask(id: string): Promise<Task | undefined>;
  listTasks(): Promise<Task[]>;

  startRun(command: string): Promise<RunRecord>;
  finishRun(runId: string, status: string): Promise<void>;
  listRuns(): Promise<RunRecord[]>;

  /** Appends one event durably (committed before the promise resolves). */
  append(taskId: string, runId: string | null, body: EventBody): Promise<StoredEvent>;
  /**
   * Appends several events of one task in one transaction: after a crash all of them are in the
   * log or none is, and all are durable before the promise resolves (one sync, not one each).
   * An invalid body rejects the whole batch. Seqs are consecutive in the order given.
   */
  appendAll(
    taskId: string,
    runId: string | null,
    bodies: readonly EventBody[],
  ): Promise<StoredEvent[]>;
  /** Events of one task in log order, optionally only those after `afterSeq`. */
  events(taskId: string, afterSeq?: number): Promise<StoredEvent[]>;
  /** Events of one run in log order. */
  runEvents(runId: string): Promise<StoredEvent[]>;

  /**
   * Takes the task's lease for `owner` until now + ttlMs. Succeeds when the lease is free,
   * expired or already held by `owner`; returns false when another owner holds it.
   */
  acquireLease(taskId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends a held lease; returns false when it was lost to another owner. */
  renewLease(taskId: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(taskId: string, owner: string): Promise<void>;
  /** The current holder of a task's lease, if any and unexpired. */
  leaseHolder(taskId: string): Promise<{ owner: string; expiresAt: number } | undefined>;

  /**
   * Sets `estimateUsd` aside for a model call, atomically across every task and process using
   * this store: refused when spent + reserved + estimate would pass a limit of the request.
   * Unsettled reservations count until their `expiresAt` (a process that died mid-call).
   */
  reserveBudget(request: BudgetReservationRequest): Promise<BudgetReservationResult>;
  /** Replaces a reservation by the call's actual cost (0 when it cost nothing). Idempotent. */
  settleBudget(reservationId: string, actualUsd: number): Promise<void>;

  /**
   * Records a child process group durably (committed before the promise resolves), before the
   * child starts its work, so a later run can stop what a crashed run left behind. Recording
   * the same pid and start time again replaces the row.
   */
  registerChild(child: ChildProcessRecord): Promise<void>;
  /** Forgets a child once its whole group is gone. Unknown children are ignored. */
  unregisterChild(pid: number, startTime: string): Promise<void>;
  /** The recorded children of a task, oldest first. */
  listChildren(taskId: string): Promise<ChildProcessRecord[]>;

  close(): Promise<void>;
}

/** Spend per scope of a budget reservation, in USD. */
export interface BudgetTotals {
  readonly task: number;
  readonly day: number;
  readonly month: number;
}

/** A model call's estimated cost, charged to its task, UTC day and UTC month. */
export interface BudgetReservationRequest {
  readonly taskId: string;
  readonly estimateUsd: number;
  /** `YYYY-MM-DD` (UTC). */
  readonly day: string;
  /** `YYYY-MM` (UTC). */
  readonly month: string;
  /** The limits to check; an omitted one is no limit. */
  readonly limits: {
    readonly taskUsd?: number | undefined;
    readonly dailyUsd?: number | undefined;
    readonly monthlyUsd?: number | undefined;
  };
  /** When an unsettled reservation stops counting (ms since the epoch). */
  readonly expiresAt: number;
}

/** Spend settled and reserved per scope, before this reservation; and the outcome. */
export type BudgetReservationResult =
  | {
      readonly ok: true;
      readonly id: string;
      readonly spent: BudgetTotals;
      readonly reserved: BudgetTotals;
    }
  | {
      readonly ok: false;
      /** The first scope whose limit the estimate would pass. */
      readonly scope: "task" | "day" | "month";
      readonly limitUsd: number;
      readonly spent: BudgetTotals;
      readonly reserved: BudgetTotals;
    };
/**
 * A child process group the orchestrator started for a task (a coding-agent CLI, a check),
 * recorded in the store while it may run. The start time tells a reused pid apart.
 */
export interface ChildProcessRecord {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot); "" where there is no /proc. */
  readonly startTime: string;
  /** The child's process group (it leads its own group: pgid = pid). */
  readonly pgid: number;
  readonly taskId: string;
  /** The step attempt it works for, when it works for one. */
  readonly attempt: number | null;
  /** The lease owner (`host:pid:nonce`) of the run that started it. */
  readonly owner: string;
  /** The program, for messages. */
  readonly command: string;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
}

/** A child the runner has started and holds until it is registered. */
export interface SpawnedChild {
  readonly pid: number;
  readonly pgid: number;
  readonly startTime: string;
  readonly command: string;
}

/**
 * Registers the children a runner starts. `started` is awaited before the child may run its
 * program (the runner holds it until then, and kills it if `started` fails); `ended` is called
 * once its whole process group has exited.
 */
export interface ChildTracker {
  started(child: SpawnedChild): Promise<void>;
  ended(child: SpawnedChild): Promise<void>;
}

/** How a subprocess ended. One shape for every subprocess the orchestrator runs. */
export interface ProcessResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly stdout: string;
  readonly stderr: string;
  /** A stream passed the output cap: only its last {@link MAX_OUTPUT_CHARS} characters are kept. */
  readonly truncated?: { readonly stdout: boolean; readonly stderr: boolean };
}

/** Characters of each output stream a runner keeps (the tail): 4 MiB. */
export const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;

export interface RunOptions {
  readonly cwd: string;
  /** Extra variables on top of the current environment (or instead of it, with `replaceEnv`). */
  readonly env?: Readonly<Record<string, string>>;
  readonly replaceEnv?: boolean;
  /** Killed with SIGTERM at the timeout, then SIGKILL after a grace period. */
  readonly timeoutMs?: number;
  /** Written to the child's stdin, which is then closed. */
  readonly input?: string;
  readonly signal?: AbortSignal;
  /** Registers the child before it runs and after its group is gone (crash recovery). */
  readonly track?: ChildTracker;
}

/** Runs programs with argument arrays; never a shell string built from input. */
export interface ProcessRunner {
  run(command: string, args: readonly string[], options: RunOptions): Promise<ProcessResult>;
}

/** A request to a model for one role. */
export interface ModelRequest {
  readonly role: Role;
  /** The task and step the call serves; used by scripted models and for tracing. */
  readonly taskId: string;
  readonly stepId?: string;
  readonly attempt?: number;
  /** Set on the follow-up call that asks the model to repair a malformed answer. */
  readonly repair?: boolean;
  /** Stable instructions (cacheable prefix). */
  readonly system: string;
  readonly prompt: string;
  /** `agent`: the model edits files in `cwd` itself; `text`: it only answers. */
  readonly mode: "text" | "agent";
  /** The task's worktree; the working directory of agent-mode CLIs. */
  readonly cwd: string;
  /**
   * Extra environment for a model that runs as a process (a coding-agent CLI): the trace
   * context (`TRACEPARENT`) and the CLI's own telemetry switches, so its spans join ours.
   */
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** For a model that runs as a process: registers it (and its group) while it runs. */
  readonly track?: ChildTracker;
}

export interface ModelResponse {
  readonly text: string;
  readonly usage: TokenUsage;
  /**
   * The vendor's own cost figure when it reports one (Claude Code's `total_cost_usd`). Adapters
   * never price usage themselves: the engine does, once per call (`costOfCall` in costs/).
   */
  readonly costUsd?: number;
  /** The model that actually answered, as the vendor names it. */
  readonly modelId: string;
  readonly durationMs: number;
  /** The raw exchange (CLI stdout, API response bodies) for the run log; may be long. */
  readonly transcript?: string;
}

/** One configured model behind one interface, whatever the backend. */
export interface ModelProvider {
  /** The logical name from model_config.yaml, e.g. `claude_sonnet`. */
  readonly name: string;
  readonly family: string;
  readonly kind: string;
  /** Throws `ProviderError` (src/core/provider-errors.ts) when the call fails. */
  complete(request: ModelRequest): Promise<ModelResponse>;
  /**
   * Whether the model can be used: binary or key present, version, and (unless `offline`) a
   * one-token call. Used by `orchestrator doctor`.
   */
  check?(options: { offline: boolean; signal?: AbortSignal }): Promise<ProviderCheck>;
  /**
   * Releases what the provider keeps for a task once the task leaves the running state (a
   * coding-agent CLI's long-lived sessions: their processes are stopped before this resolves).
   */
  endTask?(taskId: string): Promise<void>;
}

/** What to look for in the memory. */
export interface MemoryQuery {
  /** Free text: a task goal, a step description, file names. */
  readonly text: string;
  /** Only lessons of this repository. */
  readonly repository?: string;
  /** At most this many candidates (default 50). */
  readonly limit?: number;
}

/** Where recalled lessons came from, and why a remote memory was not used. */
export interface MemoryReadResult {
  readonly found: FoundLesson[];
  /** The adapter that answered (`embedded`, `rae`). */
  readonly source: string;
  /** Set when the configured memory failed and another answered instead. */
  readonly fallbackReason?: string;
}

/** What became of lessons handed to {@link Memory.remember}. */
export interface MemoryWriteResult {
  readonly stored: number;
  /** Waiting in the durable queue for a remote memory that was unreachable. */
  readonly queued: number;
  /** Queued lessons of earlier writes delivered now. */
  readonly delivered: number;
  readonly error?: string;
}

/**
 * Lessons learned from finished tasks. Implementations: embedded in the state database
 * (SQLite full-text search) and the RAE service over REST (src/integrations/memory/).
 */
export interface Memory {
  /** `embedded` or `rae`. */
  readonly name: string;
  /** Saves lessons; a lesson with a known id replaces the old one. */
  remember(lessons: readonly Lesson[]): Promise<MemoryWriteResult>;
  /** Lessons matching the query, most relevant first (text relevance only; see src/memory/rank.ts). */
  recall(query: MemoryQuery): Promise<MemoryReadResult>;
  /** Lessons, newest first. */
  list(filter?: {
    readonly repository?: string;
    readonly taskId?: string;
    readonly limit?: number;
  }): Promise<Lesson[]>;
  /** Removes a lesson; false when there was none with that id. */
  forget(id: string): Promise<boolean>;
  close(): Promise<void>;
}
