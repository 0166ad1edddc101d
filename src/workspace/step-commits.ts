import { STEP_TRAILER, TASK_TRAILER } from "./commit-message.js";
import type { Git } from "./git.js";

/** One commit made by {@link Worktree.commitStep}, as read back from the branch. */
export interface StepCommit {
  readonly sha: string;
  readonly taskId: string;
  readonly stepId: string;
  readonly subject: string;
}

const FIELD = "\x00";
const RECORD = "\x1e";
const VALUES = "\x1f";

/** `git log` format: sha, subject, task trailer values, step trailer values. */
const LOG_FORMAT = [
  "%H",
  "%s",
  `%(trailers:key=${TASK_TRAILER},valueonly,separator=%x1f)`,
  `%(trailers:key=${STEP_TRAILER},valueonly,separator=%x1f)`,
].join("%x00");

/** A commit with the trailer values git found on it. */
interface LoggedCommit {
  readonly sha: string;
  readonly subject: string;
  readonly taskIds: readonly string[];
  readonly stepIds: readonly string[];
}

function values(field: string | undefined): string[] {
  return (field ?? "")
    .split(VALUES)
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

/** Parses the output of `git log --format=<LOG_FORMAT>%x1e`. */
function parseLog(text: string): LoggedCommit[] {
  const commits: LoggedCommit[] = [];
  for (const record of text.split(RECORD)) {
    const [sha, subject, tasks, steps] = record.replace(/^\n+/, "").split(FIELD);
    if (sha === undefined || sha === "") continue;
    commits.push({ sha, subject: subject ?? "", taskIds: values(tasks), stepIds: values(steps) });
  }
  return commits;
}

/** Commits of `range` (any `git log` revision arguments), newest first, with their trailers. */
export async function logCommits(git: Git, range: readonly string[]): Promise<LoggedCommit[]> {
  return parseLog(await git.run(["log", `--format=${LOG_FORMAT}%x1e`, ...range, "--"]));
}

/** The step commits of `base..head`, oldest first. */
export async function listStepCommitsBetween(
  git: Git,
  base: string,
  head: string,
): Promise<StepCommit[]> {
  const commits = await logCommits(git, ["--reverse", `${base}..${head}`]);
  return commits.flatMap((commit) => {
    const taskId = commit.taskIds[0];
    const stepId = commit.stepIds[0];
    if (taskId === undefined || stepId === undefined) return [];
    return [{ sha: commit.sha, taskId, stepId, subject: commit.subject }];
  });
}
