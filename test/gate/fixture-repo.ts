import { execFile } from "node:child_process";
import {
  chmod,
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { runCli } from "../support/cli.js";
import type { CliResult } from "../support/cli.js";
import { parseGateJson } from "./gate-json.js";
import type { GateJson } from "./gate-json.js";

const exec = promisify(execFile);

/** The fixture projects under test/fixtures with real toolchains. */
export type FixtureName = "gate-ts" | "gate-py" | "init-js" | "init-py";

/** test/fixtures/, with a trailing slash. */
export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
/** The orchestrator's own node_modules: the TypeScript fixture's tools come from here. */
export const NODE_MODULES = fileURLToPath(new URL("../../node_modules", import.meta.url));

/** Tool output and caches a fixture folder may hold after someone ran its tools in place. */
const NOT_COPIED = new Set([
  "node_modules",
  "reports",
  "coverage",
  ".vitest-cache",
  "__pycache__",
  ".pytest_cache",
  ".coverage",
]);

/** A fixture copied into a temp git repository, on branch `main` with one commit. */
export interface FixtureRepo {
  readonly root: string;
  /** The first commit: the fixture as committed under test/fixtures. */
  readonly base: string;
  /** Environment for git and the CLI: no user or system git config. */
  readonly env: Readonly<Record<string, string>>;
  /** Runs git in the repository and returns its trimmed stdout. */
  git(...args: string[]): Promise<string>;
  read(path: string): Promise<string>;
  write(path: string, text: string): Promise<void>;
  /** Replaces the one occurrence of `from` in `path`; throws when it is not there. */
  replace(path: string, from: string, to: string): Promise<void>;
  /** Commits every change; returns the new SHA. */
  commitAll(message: string): Promise<string>;
  /** Back to `ref` (default the base) on `main`, with no changes (ignored files stay). */
  reset(ref?: string): Promise<void>;
  /** `orchestrator gate --json --level LEVEL --base BASE` in the repository. */
  gate(level: string, base?: string): Promise<GateRun>;
  cleanup(): Promise<void>;
}

/** One run of `orchestrator gate --json`: the process and its parsed verdict. */
export interface GateRun {
  readonly cli: CliResult;
  readonly json: GateJson;
}

/**
 * Copies test/fixtures/NAME into a fresh temp repository and commits it. The TypeScript
 * fixture's `node_modules` is a link to the orchestrator's own (git-ignored), so its vitest,
 * ESLint and tsc run without an install.
 */
export async function copyFixture(name: FixtureName): Promise<FixtureRepo> {
  const dir = await mkdtemp(join(tmpdir(), `orch-${name}-`));
  const root = join(dir, "repo");
  await cp(join(FIXTURES, name), root, {
    recursive: true,
    filter: (source) => !NOT_COPIED.has(basename(source)),
  });
  if (name === "gate-ts" || name === "init-js")
    await symlink(NODE_MODULES, join(root, "node_modules"), "dir");
  const globalConfig = join(dir, "gitconfig");
  await writeFile(
    globalConfig,
    "[user]\n\tname = Gate Test\n\temail = gate@example.com\n[init]\n\tdefaultBranch = main\n",
  );
  const env = { GIT_CONFIG_GLOBAL: globalConfig, GIT_CONFIG_NOSYSTEM: "1" };
  const git = async (...args: string[]): Promise<string> => {
    const { stdout } = await exec("git", args, {
      cwd: root,
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim();
  };
  const commitAll = async (message: string): Promise<string> => {
    await git("add", "--all");
    await git("commit", "--quiet", "--allow-empty", "-m", message);
    return git("rev-parse", "HEAD");
  };
  await git("init", "--quiet", "-b", "main");
  const base = await commitAll("base: the fixture as committed");
  const read = (path: string): Promise<string> => readFile(join(root, path), "utf8");
  const write = async (path: string, text: string): Promise<void> => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  return {
    root,
    base,
    env,
    git,
    read,
    write,
    async replace(path, from, to) {
      const text = await read(path);
      if (!text.includes(from)) throw new Error(`${path} does not contain ${JSON.stringify(from)}`);
      await write(path, text.replace(from, to));
    },
    commitAll,
    async reset(ref = base) {
      await git("checkout", "--quiet", "--force", "main");
      await git("reset", "--quiet", "--hard", ref);
      await git("clean", "--quiet", "-d", "--force");
    },
    async gate(level, against = base) {
      const cli = await runCli(["gate", "--json", "--level", level, "--base", against], root, env);
      return { cli, json: parseGateJson(cli) };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Installs the TypeScript fixture's plain hook script as the repository's git pre-commit hook. */
export async function installPlainHook(repo: FixtureRepo): Promise<void> {
  const hook = join(repo.root, ".git", "hooks", "pre-commit");
  await copyFile(join(repo.root, "hooks", "pre-commit"), hook);
  await chmod(hook, 0o755);
}

/** `suite > name` of every test case in the JUnit reports copied beside a check's log. */
export async function testsRun(logFile: string): Promise<string[]> {
  const dir = dirname(logFile);
  const names: string[] = [];
  let reports = 0;
  for (const entry of await readdir(dir)) {
    if (!entry.endsWith(".xml")) continue;
    const xml = await readFile(join(dir, entry), "utf8");
    if (!xml.includes("<testsuite")) continue;
    reports += 1;
    for (const m of xml.matchAll(/<testcase\b[^>]*>/g)) {
      const attrs = m[0];
      const suite = /\bclassname="([^"]*)"/.exec(attrs)?.[1] ?? "";
      const name = /\bname="([^"]*)"/.exec(attrs)?.[1] ?? "";
      names.push(`${unescapeXml(suite)} > ${unescapeXml(name)}`);
    }
  }
  if (reports === 0) throw new Error(`no JUnit report copied beside ${logFile}`);
  return names;
}

function unescapeXml(text: string): string {
  return text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&amp;", "&");
}
