import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { NodeProcessRunner } from "../../src/process/node-process-runner.js";
import { Git } from "../../src/workspace/git.js";

/** A real git repository in a temp dir, with git pointed at a private, empty global config. */
export interface TempRepo {
  readonly root: string;
  readonly runner: NodeProcessRunner;
  /** Environment for the code under test: no user or system git config. */
  readonly env: Readonly<Record<string, string>>;
  /** Git in the repository root, with the same environment. */
  readonly git: Git;
  /** Runs git in the repository root and returns its trimmed stdout. */
  sh(...args: string[]): Promise<string>;
  /** Writes a file (creating folders) relative to the repository root. */
  write(path: string, content: string | Buffer): Promise<void>;
  /** Commits everything staged or not, with a fixed identity; returns the SHA. */
  commitAll(message: string): Promise<string>;
  cleanup(): Promise<void>;
}

export interface TempRepoOptions {
  /** Configure `user.name`/`user.email` in the repository's own config. Default true. */
  readonly identity?: boolean;
}

/** Creates a repository on branch `main` with one commit holding `README.md` and `src/app.txt`. */
export async function createTempRepo(options: TempRepoOptions = {}): Promise<TempRepo> {
  const dir = await mkdtemp(join(tmpdir(), "orchestrator-ws-"));
  const root = join(dir, "repo");
  await mkdir(root);
  const globalConfig = join(dir, "global-gitconfig");
  await writeFile(globalConfig, "");
  const env = { GIT_CONFIG_GLOBAL: globalConfig, GIT_CONFIG_NOSYSTEM: "1" };
  const runner = new NodeProcessRunner();
  const git = new Git(runner, root, { env });
  const sh = async (...args: string[]): Promise<string> => (await git.run(args)).trim();
  const write = async (path: string, content: string | Buffer): Promise<void> => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  };
  const commitAll = async (message: string): Promise<string> => {
    await sh("add", "--all");
    const who = ["-c", "user.name=Test User", "-c", "user.email=user@example.com"];
    await sh(...who, "commit", "--quiet", "--allow-empty", "-m", message);
    return sh("rev-parse", "HEAD");
  };
  await sh("init", "--quiet", "-b", "main");
  if (options.identity ?? true) {
    await sh("config", "user.name", "Repo Owner");
    await sh("config", "user.email", "owner@example.com");
  }
  await write("README.md", "# demo\n");
  await write("src/app.txt", "line 1\nline 2\n");
  await commitAll("initial");
  return {
    root,
    runner,
    env,
    git,
    sh,
    write,
    commitAll,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
