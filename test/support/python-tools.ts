import { execFile } from "node:child_process";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** Debian's Python; the `python3` on PATH may be another one without these packages. */
export const PYTHON = "/usr/bin/python3";

/** The Debian packages the Python fixture's checks run (PyPI is not reachable here). */
export const PYTHON_PACKAGES = [
  "python3-pytest",
  "python3-pytest-cov",
  "python3-coverage",
  "flake8",
  "pre-commit",
] as const;

/** Each tool and the command that proves it runs. */
const PROBES: readonly (readonly [string, ...string[]])[] = [
  [PYTHON, "-m", "pytest", "--version"],
  [PYTHON, "-c", "import pytest_cov"],
  [PYTHON, "-m", "coverage", "--version"],
  [PYTHON, "-m", "flake8", "--version"],
  ["pre-commit", "--version"],
];

/** One lock for every vitest worker on this machine (they are separate processes). */
const LOCK_DIR = join(tmpdir(), "orchestrator-test-apt.lock");
const LOCK_WAIT_MS = 10 * 60_000;
const APT_TIMEOUT_MS = 10 * 60_000;

let ready: Promise<void> | undefined;

/**
 * Makes sure Debian's pytest, pytest-cov, coverage, flake8 and pre-commit are installed,
 * installing the missing ones with apt-get (as root). Parallel workers take turns through a lock
 * directory. Anything that goes wrong throws: the Python gate tests must fail, never skip, on a
 * machine that cannot provide their tools.
 */
export function ensurePythonTools(): Promise<void> {
  ready ??= install();
  return ready;
}

async function install(): Promise<void> {
  if ((await missingPackages()).length > 0) {
    await withLock(async () => {
      // Another worker may have installed them while this one waited.
      const missing = await missingPackages();
      if (missing.length > 0) await aptInstall(missing);
    });
  }
  for (const [program, ...args] of PROBES) {
    try {
      await exec(program, args, { timeout: 60_000 });
    } catch (error) {
      throw new Error(`${program} ${args.join(" ")} does not run`, { cause: error });
    }
  }
}

async function missingPackages(): Promise<string[]> {
  const missing: string[] = [];
  for (const name of PYTHON_PACKAGES) {
    const status = await exec("dpkg-query", ["-W", "-f=${Status}", name]).then(
      (r) => r.stdout,
      () => "",
    );
    if (status.trim() !== "install ok installed") missing.push(name);
  }
  return missing;
}

async function aptInstall(packages: readonly string[]): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      `the Python gate tests need the Debian packages ${packages.join(", ")}; ` +
        "install them (apt-get install -y ...) or run the tests as root",
    );
  }
  // Wait for other apt users on the machine rather than failing on dpkg's lock.
  const wait = ["-o", "DPkg::Lock::Timeout=300"];
  const options = {
    timeout: APT_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  };
  try {
    await exec("apt-get", [...wait, "update"], options);
    await exec(
      "apt-get",
      [...wait, "install", "-y", "--no-install-recommends", ...packages],
      options,
    );
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const detail = typeof stderr === "string" ? `:\n${stderr.slice(-2000)}` : "";
    throw new Error(`apt-get could not install ${packages.join(", ")}${detail}`, {
      cause: error,
    });
  }
}

/** Runs `action` holding a lock directory; a lock left by a dead process is taken over. */
async function withLock(action: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!(await holderAlive())) {
        await rm(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK_DIR}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    await writeFile(join(LOCK_DIR, "pid"), String(process.pid));
    await action();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}

async function holderAlive(): Promise<boolean> {
  const text = await readFile(join(LOCK_DIR, "pid"), "utf8").catch(() => undefined);
  if (text === undefined) {
    // Just created and the pid not written yet, unless the holder died in between.
    const created = await stat(LOCK_DIR).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    return Date.now() - created < 30_000;
  }
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
