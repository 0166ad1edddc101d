import { detectJs } from "./detect-js.js";
import { detectCargo, detectGo, detectHooks } from "./detect-native.js";
import { detectPython } from "./detect-python.js";
import type { DetectedCheck, Detection, Probe } from "./types.js";

/** Where to look and how to test that a tool runs. */
export interface DetectOptions {
  readonly root: string;
  readonly probe: Probe;
  /** The repository's common git directory, for a plain `hooks/pre-commit`. */
  readonly gitDir?: string;
}

/**
 * Finds the checks a repository's own toolchain provides: npm/pnpm/yarn projects (vitest, jest,
 * mocha, tape, node:test; c8, nyc, vitest and jest coverage; ESLint; tsc), Python (pytest,
 * pytest-cov, ruff, flake8, pylint, mypy), Rust (cargo test, clippy), Go (go test, go vet) and
 * pre-commit hooks. Two toolchains wanting one name: the second gets a prefix (`py-tests`).
 * Only reads files and probes tools; the caller runs the checks to see that they pass.
 */
export async function detectChecks(options: DetectOptions): Promise<Detection> {
  const { root, probe } = options;
  const [js, python, cargo, go] = await Promise.all([
    detectJs(root),
    detectPython(root, probe),
    detectCargo(root, probe),
    detectGo(root, probe),
  ]);
  const toolchains: string[] = [];
  const notes: string[] = [];
  const checks: DetectedCheck[] = [];
  const add = (prefix: string, found: readonly DetectedCheck[]): void => {
    for (const check of found) {
      const taken = checks.some((c) => c.name === check.name);
      checks.push(taken ? { ...check, name: `${prefix}-${check.name}` } : check);
    }
  };
  if (js !== undefined) {
    toolchains.push("node");
    add("js", js.checks);
    notes.push(...js.notes);
  }
  if (python !== undefined) {
    toolchains.push("python");
    add("py", python.checks);
    notes.push(...python.notes);
  }
  if (cargo !== undefined) {
    toolchains.push("cargo");
    if (cargo.length === 0) notes.push("Cargo.toml found, but cargo does not run here");
    add("rust", cargo);
  }
  if (go !== undefined) {
    toolchains.push("go");
    if (go.length === 0) notes.push("go.mod found, but go does not run here");
    add("go", go);
  }
  const hooks = detectHooks(root, options.gitDir);
  if (hooks !== undefined) add("git", [hooks]);
  return {
    toolchains,
    checks,
    ...(js?.setup === undefined ? {} : { setup: js.setup }),
    notes,
  };
}
