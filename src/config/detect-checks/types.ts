import type { CheckSpec, ReportFormat } from "../../core/project-config.js";

/** A check `init` found evidence for, before it has been run. */
export interface DetectedCheck {
  /** The key under `checks:` (tests, coverage, lint, typecheck, hooks). */
  readonly name: string;
  readonly kind: CheckSpec["kind"];
  /** A command line, run by `sh -c` like a user's own; absent only for `kind: hooks`. */
  readonly command?: string;
  readonly report?: { readonly format: ReportFormat; readonly file?: string };
  readonly related?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeout?: string;
  /** Why it was chosen, shown by `init` and written as a comment: "mocha in devDependencies". */
  readonly because: string;
}

/** What detection found in a repository. */
export interface Detection {
  /** The toolchains seen ("npm", "python", "cargo", "go"), for the summary line. */
  readonly toolchains: readonly string[];
  readonly checks: readonly DetectedCheck[];
  /** Run before the checks in every gate worktree (linking node_modules). */
  readonly setup?: string;
  /** Things the user should know (a tool declared but not runnable, say). */
  readonly notes: readonly string[];
}

/** Asks whether a program runs in the repository (exit code 0); detection never installs. */
export type Probe = (program: string, args: readonly string[]) => Promise<boolean>;

/** Report files go here; `.orchestrator/.gitignore` ignores the folder. */
export const REPORT_DIR = ".orchestrator/reports";
