import { access, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { NodeProcessRunner } from "../../src/process/node-process-runner.js";

/**
 * The coding-agent CLIs the contract tests drive, at pinned versions. Node here is 20:
 * claude-code 2.1.198 and later require Node 22, so 2.1.197 is the newest that installs.
 */
export const PINNED_CLIS = {
  claude: { pkg: "@anthropic-ai/claude-code", version: "2.1.197", bin: "claude" },
  gemini: { pkg: "@google/gemini-cli", version: "0.61.0", bin: "gemini" },
  codex: { pkg: "@openai/codex", version: "0.171.0", bin: "codex" },
} as const;
export type CliName = keyof typeof PINNED_CLIS;

/** Absolute path of each installed binary. */
export type InstalledClis = Readonly<Record<CliName, string>>;

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Git-ignored (`.cache/` is in .gitignore). */
export const CLI_CACHE = join(REPO_ROOT, ".cache", "clis");
const INSTALL_TIMEOUT_MS = 10 * 60_000;
/** A lock older than this belongs to an install that died; it is broken. */
const STALE_LOCK_MS = 15 * 60_000;

const runner = new NodeProcessRunner();

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Takes the lock directory (mkdir is atomic); false when another process holds it. */
async function tryLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
    return false;
  }
}

async function npmInstall(name: CliName, target: string): Promise<void> {
  const { pkg, version } = PINNED_CLIS[name];
  // Install beside the target and rename: a reader never sees a half-installed package.
  const staging = `${target}.staging-${String(process.pid)}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const result = await runner.run(
    "npm",
    ["install", "--prefix", staging, "--no-save", "--no-audit", "--no-fund", `${pkg}@${version}`],
    { cwd: staging, timeoutMs: INSTALL_TIMEOUT_MS },
  );
  if (result.exitCode !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(
      `npm install ${pkg}@${version} failed (exit ${String(result.exitCode)}):\n${result.stderr}`,
    );
  }
  await writeFile(join(staging, ".installed"), `${pkg}@${version}\n`);
  await rename(staging, target);
}

async function verify(name: CliName, binary: string): Promise<void> {
  const result = await runner.run(binary, ["--version"], {
    cwd: REPO_ROOT,
    timeoutMs: 60_000,
  });
  if (result.exitCode !== 0 || !result.stdout.includes(PINNED_CLIS[name].version)) {
    throw new Error(
      `${binary} --version did not report ${PINNED_CLIS[name].version} ` +
        `(exit ${String(result.exitCode)}): ${result.stdout}${result.stderr}`,
    );
  }
}

/**
 * Installs one pinned CLI into `.cache/clis/<pkg>@<version>/` once and returns its binary.
 * Safe when several test workers call it at once: one installs under a lock, the others wait.
 * Throws (never skips) when it cannot be installed or does not run.
 */
export async function installCli(name: CliName): Promise<string> {
  const { pkg, version, bin } = PINNED_CLIS[name];
  const target = join(CLI_CACHE, `${pkg}@${version}`);
  const binary = join(target, "node_modules", ".bin", bin);
  const lock = `${target}.lock`;
  await mkdir(dirname(target), { recursive: true });
  const deadline = Date.now() + INSTALL_TIMEOUT_MS;
  while (!(await exists(join(target, ".installed")))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pkg}@${version}`);
    if (!(await tryLock(lock))) {
      await sleep(500);
      continue;
    }
    try {
      if (!(await exists(join(target, ".installed")))) {
        await rm(target, { recursive: true, force: true });
        await npmInstall(name, target);
      }
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
  await verify(name, binary);
  return binary;
}

/** Installs (or reuses) all three pinned CLIs. */
export async function installClis(): Promise<InstalledClis> {
  const [claude, gemini, codex] = await Promise.all([
    installCli("claude"),
    installCli("gemini"),
    installCli("codex"),
  ]);
  return { claude, gemini, codex };
}
