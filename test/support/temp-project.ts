import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { PassThrough } from "node:stream";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, expect } from "vitest";
import { run } from "../../src/cli/main.js";
import { loadProjectConfig } from "../../src/config/index.js";
import type { Problem } from "../../src/core/errors.js";
import { ConfigError, formatProblem } from "../../src/core/errors.js";
import type { ProjectConfig } from "../../src/core/project-config.js";

// Shared by the src/config tests: temp repositories with `.orchestrator/` files.

export type FileKind = "tasks" | "model_config" | "quality_rules";

const temps: string[] = [];

/** Call once at the top of a test file: removes the temp folders after each test. */
export function cleanUpTempProjects(): void {
  afterEach(async () => {
    for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
  });
}

/**
 * A repository folder named `repo` inside a fresh temp folder, with the given `.orchestrator/`
 * files. `extra` paths are created empty, relative to the repository (a leading `/` means
 * relative to the temp folder instead); a trailing `/` makes a folder.
 */
export async function makeProject(
  files: Partial<Record<FileKind, string>>,
  extra: readonly string[] = [],
): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), "orch-config-"));
  temps.push(parent);
  const root = join(parent, "repo");
  await mkdir(join(root, ".orchestrator"), { recursive: true });
  execFileSync("git", ["init", "--quiet", root]);
  for (const [kind, text] of Object.entries(files)) {
    await writeFile(join(root, ".orchestrator", `${kind}.yaml`), text);
  }
  for (const path of extra) {
    const full = join(path.startsWith("/") ? parent : root, path);
    if (path.endsWith("/")) await mkdir(full, { recursive: true });
    else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, "");
    }
  }
  return root;
}

export const lines = (...l: string[]): string => `${l.join("\n")}\n`;

/** Loads with tasks required. */
export function load(root: string, env: Record<string, string> = {}): Promise<ProjectConfig> {
  return loadProjectConfig(root, { env, requireTasks: true });
}

/** The problems loading finds (tasks.yaml optional); none when it loads. */
export async function problemsOf(
  root: string,
  env: Record<string, string> = {},
): Promise<Problem[]> {
  try {
    await loadProjectConfig(root, { env, requireTasks: false });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

/** `path: message` of each problem of a load that must fail with a ConfigError. */
export async function messages(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConfigError)) throw new Error("expected a ConfigError");
  return error.problems.map((p) => `${p.path}: ${p.message}`);
}

/** One malformed file and the problem it must give. */
export interface ProblemCase {
  readonly name: string;
  readonly file: FileKind;
  readonly text: string;
  readonly at: readonly [line: number, column: number];
  readonly path: string;
  /** A fragment of the message. */
  readonly message: string;
  /** Other files of the repository, as for {@link makeProject}. */
  readonly extra?: readonly string[];
  /** How many problems the case yields in total (default 1). */
  readonly count?: number;
}

/** What `orchestrator validate` does in a repository, run in this process. */
export async function validateCli(root: string): Promise<{ code: number; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stderr.on("data", (c: Buffer) => chunks.push(c));
  stdout.resume();
  const code = await run(["node", "orchestrator", "validate", "--repo", root], {
    stdout,
    stderr,
    env: { NO_COLOR: "1" },
    cwd: root,
    exitCode: 0,
  });
  return { code, stderr: Buffer.concat(chunks).toString("utf8") };
}

/**
 * Loads the case's file alone and checks the problem's file, place, path and message; then runs
 * `orchestrator validate` on it: exit 2, one stderr line per problem, nothing written.
 */
export async function expectProblem(c: ProblemCase): Promise<void> {
  const root = await makeProject({ [c.file]: c.text }, c.extra);
  const problems = await problemsOf(root);
  const before = await readdir(join(root, ".orchestrator"));
  const cli = await validateCli(root);
  expect(cli.code).toBe(2);
  // `validate` also requires tasks.yaml, so a case without one gets that line too.
  const printed = cli.stderr.trimEnd().split("\n");
  for (const p of problems) expect(printed).toContain(`orchestrator: ${formatProblem(p)}`);
  for (const line of printed)
    expect(line).toMatch(/^orchestrator: \.orchestrator\/\w+\.yaml:\d+:\d+: /);
  expect(await readdir(join(root, ".orchestrator"))).toEqual(before);
  expect(problems).toContainEqual({
    file: `.orchestrator/${c.file}.yaml`,
    line: c.at[0],
    column: c.at[1],
    path: c.path,
    message: expect.stringContaining(c.message) as unknown,
  });
  expect(problems).toHaveLength(c.count ?? 1);
  for (const p of problems) {
    const text = formatProblem(p);
    expect(text).not.toContain("\n");
    expect(text.startsWith(`.orchestrator/${c.file}.yaml:${p.line}:${p.column}: `)).toBe(true);
  }
}
