import { randomUUID } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { SystemError } from "../core/errors.js";
import type { ProcessRunner } from "../core/ports.js";
import { resolveBaseSha } from "./base-sha.js";
import { missingIdentityConfig } from "./commit-identity.js";
import { buildCommitMessage, type StepCommitMessage } from "./commit-message.js";
import { Git, type GitOptions } from "./git.js";
import { NUMSTAT_PATCH_FLAGS, parseNumstatPatch, type NumstatEntry } from "./numstat-patch.js";
import { listStepCommitsBetween, type StepCommit } from "./step-commits.js";
import { taskIdOfBranch } from "./task-paths.js";

/** The uncommitted change of a worktree against its HEAD, new untracked files included. */
export interface WorktreeDiff {
  /** A `git apply`-able patch (binary files included); empty when nothing changed. */
  readonly patch: string;
  /** Paths relative to the worktree root: added, modified and deleted files. */
  readonly files: string[];
  /** Lines added and removed per file (null counts: a binary file). */
  readonly numstat: readonly NumstatEntry[];
}

/** A step commit to make; see {@link buildCommitMessage} for the message. */
export interface CommitStepInput extends StepCommitMessage {
  /** Commit even when nothing changed (a step whose work was already present). */
  readonly allowEmpty?: boolean;
  /** Skip the repository's pre-commit and commit-msg hooks. Off by default: hooks are checks too. */
  readonly noVerify?: boolean;
  /** The index already holds the whole change ({@link Worktree.diff} just ran): no `git add`. */
  readonly staged?: boolean;
}

export interface WorktreeOptions extends GitOptions {
  /** The base commit, when the caller knows it (from {@link createTaskWorktree}); else read back. */
  readonly baseSha?: string;
}

/** A full commit id (SHA-1 or SHA-256). */
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Diff options that keep the output a plain, applicable patch whatever the user's diff config
 * says (external diff drivers, textconv, colour, prefixes, relative paths, rename detection).
 */
const DIFF_FLAGS = [
  "diff",
  "--cached",
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--no-relative",
  "--no-renames",
  "--src-prefix=a/",
  "--dst-prefix=b/",
] as const;

/**
 * One task worktree: stages, diffs, discards and commits there, and nowhere else. `git add` here
 * writes the worktree's own index, never the user's.
 */
export class Worktree {
  private readonly git: Git;
  private base: string | undefined;
  private gitDir: string | undefined;
  private identity: Promise<Record<string, string>> | undefined;

  constructor(
    runner: ProcessRunner,
    /** Absolute path of the worktree. */
    readonly path: string,
    options: WorktreeOptions = {},
  ) {
    this.git = new Git(runner, path, options);
    this.base = options.baseSha;
  }

  /** The current commit of the worktree's branch. */
  async headSha(): Promise<string> {
    return (await this.git.run(["rev-parse", "--verify", "HEAD^{commit}"])).trim();
  }

  /** The commit the task branch started from (recorded at creation, recovered if lost). */
  async baseSha(): Promise<string> {
    if (this.base === undefined) {
      const branch = (await this.git.run(["symbolic-ref", "--quiet", "HEAD"])).trim();
      const taskId = taskIdOfBranch(branch);
      if (taskId === undefined) {
        throw new SystemError(`${this.path} is on ${branch}, not on an orchestrator task branch`);
      }
      this.base = await resolveBaseSha(this.git, taskId);
    }
    return this.base;
  }

  /** Stages every change, new untracked files included (ignored files are left out). */
  async stageAll(): Promise<void> {
    await this.git.run(["add", "--all"]);
  }

  /** Stages everything and returns the change against HEAD: two git processes. */
  async diff(): Promise<WorktreeDiff> {
    await this.stageAll();
    const out = await this.diffToString([
      ...DIFF_FLAGS,
      ...NUMSTAT_PATCH_FLAGS,
      "--binary",
      "HEAD",
    ]);
    const { files, patch } = parseNumstatPatch(out);
    return { patch, files: files.map((f) => f.path), numstat: files };
  }

  /**
   * Writes the diff to a file in the worktree's git directory and reads it back, because the
   * process runner keeps only the tail of very large outputs and a cut patch would be corrupt.
   */
  private async diffToString(args: readonly string[]): Promise<string> {
    const file = join(await this.gitDirectory(), `orchestrator-diff-${randomUUID()}.patch`);
    try {
      await this.git.run([...args, `--output=${file}`]);
      return await readFile(file, "utf8");
    } finally {
      await rm(file, { force: true });
    }
  }

  /**
   * Returns the worktree to HEAD: tracked changes reset, untracked files and folders deleted.
   * Ignored files (node_modules, build output) are kept: no `-x`.
   */
  async discardChanges(): Promise<void> {
    await this.git.run(["reset", "--quiet", "--hard", "HEAD"]);
    await this.git.run(["clean", "--quiet", "-f", "-d"]);
  }

  /** Applies a patch made by {@link diff} (left unstaged). An empty patch changes nothing. */
  async applyPatch(patch: string): Promise<void> {
    if (patch.trim() === "") return;
    await this.git.run(["apply", "--whitespace=nowarn", "-"], { input: patch });
  }

  /** `git status --porcelain` with every untracked file listed. */
  async status(): Promise<string> {
    return this.git.run(["status", "--porcelain", "--untracked-files=all"]);
  }

  /** Tracked and untracked, not ignored, files of the worktree. */
  async listFiles(): Promise<string[]> {
    const out = await this.git.run([
      "ls-files",
      "-z",
      "--cached",
      "--others",
      "--exclude-standard",
    ]);
    return [...new Set(out.split("\0").filter((name) => name !== ""))];
  }

  /**
   * Stages everything and commits it as one step, with `Orchestrator-Task`/`Orchestrator-Step`
   * trailers. Commits as the configured git identity, or as `orchestrator` when there is none.
   * Hooks run unless `noVerify`. The identity is looked up once per {@link Worktree}.
   * @returns the new commit's SHA.
   */
  async commitStep(input: CommitStepInput): Promise<string> {
    if (input.staged !== true) await this.stageAll();
    const args = ["commit", "--quiet", "--cleanup=whitespace", "--file=-"];
    if (input.allowEmpty === true) args.push("--allow-empty");
    if (input.noVerify === true) args.push("--no-verify");
    await this.git.run(args, {
      input: buildCommitMessage(input),
      config: await (this.identity ??= missingIdentityConfig(this.git)),
    });
    return (await this.headFromFiles()) ?? this.headSha();
  }

  /**
   * HEAD's commit read from the ref files git has just written (no process), or undefined when
   * they do not say (a ref backend other than files, a packed or symbolic ref).
   */
  private async headFromFiles(): Promise<string | undefined> {
    try {
      const gitDir = await this.gitDirectory();
      const head = (await readFile(join(gitDir, "HEAD"), "utf8")).trim();
      if (SHA.test(head)) return head;
      const ref = /^ref: (refs\/heads\/[^\s]+)$/.exec(head)?.[1];
      if (ref === undefined) return undefined;
      const common = await readFile(join(gitDir, "commondir"), "utf8").then(
        (text) => resolve(gitDir, text.trim()),
        () => gitDir,
      );
      const sha = (await readFile(join(common, ref), "utf8")).trim();
      return SHA.test(sha) ? sha : undefined;
    } catch {
      return undefined;
    }
  }

  /** The worktree's own git directory, asked once. */
  private async gitDirectory(): Promise<string> {
    this.gitDir ??= (
      await this.git.run(["rev-parse", "--path-format=absolute", "--git-dir"])
    ).trim();
    return this.gitDir;
  }

  /** Step commits on the branch since its base, oldest first. */
  async listStepCommits(): Promise<StepCommit[]> {
    return listStepCommitsBetween(this.git, await this.baseSha(), "HEAD");
  }

  /** The newest commit of this task's step since the base, if the step was already committed. */
  async findStepCommit(taskId: string, stepId: string): Promise<string | undefined> {
    const commits = await this.listStepCommits();
    return commits.findLast((c) => c.taskId === taskId && c.stepId === stepId)?.sha;
  }
}
