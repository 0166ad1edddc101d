import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { REPORT_DIR, type DetectedCheck, type Probe } from "./types.js";

/** Files that mark a Python project. */
const MARKERS = [
  "pyproject.toml",
  "setup.py",
  "setup.cfg",
  "requirements.txt",
  "pytest.ini",
  "tox.ini",
];

async function readText(root: string, name: string): Promise<string> {
  try {
    return await readFile(join(root, name), "utf8");
  } catch {
    return "";
  }
}

/** The interpreter to run tools with: the project's virtualenv first, then python3 on PATH. */
async function findPython(
  root: string,
  probe: Probe,
): Promise<{ python: string; shown: string } | undefined> {
  for (const venv of [".venv", "venv"]) {
    const bin = join(root, venv, "bin", "python");
    // Worktrees have no virtualenv: the checks use the checkout's.
    if (existsSync(bin) && (await probe(bin, ["-c", "pass"]))) {
      return { python: bin, shown: `"$ORCHESTRATOR_REPO_ROOT/${venv}/bin/python"` };
    }
  }
  for (const name of ["python3", "python"]) {
    if (await probe(name, ["-c", "pass"])) return { python: name, shown: name };
  }
  return undefined;
}

async function hasPythonFiles(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((f) => f.endsWith(".py"));
  } catch {
    return false;
  }
}

const canImport = (probe: Probe, python: string, module: string): Promise<boolean> =>
  probe(python, ["-c", `import ${module}`]);

/** The checks of a Python project: pytest (+ pytest-cov), flake8/ruff/pylint, mypy. */
export async function detectPython(
  root: string,
  probe: Probe,
): Promise<{ checks: DetectedCheck[]; notes: string[] } | undefined> {
  const hasTests =
    existsSync(join(root, "conftest.py")) ||
    (await hasPythonFiles(join(root, "tests"))) ||
    (await hasPythonFiles(join(root, "test")));
  if (MARKERS.every((m) => !existsSync(join(root, m))) && !hasTests) return undefined;
  const [pyproject, setupCfg, toxIni, pytestIni] = await Promise.all([
    readText(root, "pyproject.toml"),
    readText(root, "setup.cfg"),
    readText(root, "tox.ini"),
    readText(root, "pytest.ini"),
  ]);
  const configs = `${pyproject}\n${setupCfg}\n${toxIni}`;
  const notes: string[] = [];
  const found = await findPython(root, probe);
  if (found === undefined) {
    return { checks: [], notes: ["a Python project, but no python3 or python runs here"] };
  }
  const { python, shown } = found;
  const env = { PYTHONDONTWRITEBYTECODE: "1", COVERAGE_FILE: `${REPORT_DIR}/.coverage` };
  const checks: DetectedCheck[] = [];
  const usesPytest =
    pytestIni !== "" || /\[tool[.:]pytest/.test(configs) || /\bpytest\b/.test(configs) || hasTests;
  if (usesPytest) {
    if (await canImport(probe, python, "pytest")) {
      const base = `${shown} -m pytest -q -p no:cacheprovider`;
      checks.push({
        name: "tests",
        kind: "tests",
        command: `${base} --junitxml=${REPORT_DIR}/junit.xml`,
        report: { format: "junit", file: `${REPORT_DIR}/junit.xml` },
        env,
        because: "pytest (JUnit report)",
      });
      if (await canImport(probe, python, "pytest_cov")) {
        checks.push({
          name: "coverage",
          kind: "coverage",
          command: `${base} --cov --cov-report=xml:${REPORT_DIR}/coverage.xml`,
          report: { format: "cobertura", file: `${REPORT_DIR}/coverage.xml` },
          env,
          because: "pytest-cov (Cobertura report)",
        });
      }
    } else {
      notes.push(`tests found, but ${python} cannot import pytest: no tests check`);
    }
  }
  const ruffConfigured =
    pyproject.includes("[tool.ruff") ||
    existsSync(join(root, "ruff.toml")) ||
    existsSync(join(root, ".ruff.toml"));
  const flake8Configured =
    /^\[flake8\]/m.test(`${setupCfg}\n${toxIni}`) || existsSync(join(root, ".flake8"));
  const pylintConfigured =
    pyproject.includes("[tool.pylint") ||
    existsSync(join(root, ".pylintrc")) ||
    existsSync(join(root, "pylintrc"));
  if (ruffConfigured && (await probe("ruff", ["--version"]))) {
    checks.push({
      name: "lint",
      kind: "lint",
      command: "ruff check --output-format json --exit-zero .",
      report: { format: "ruff-json" },
      because: "ruff configuration",
    });
  } else if (flake8Configured && (await canImport(probe, python, "flake8"))) {
    checks.push({
      name: "lint",
      kind: "lint",
      command: `${shown} -m flake8 --exclude .git,__pycache__,.orchestrator,.venv,venv .`,
      report: { format: "generic" },
      because: "flake8 configuration",
    });
  } else if (pylintConfigured && (await canImport(probe, python, "pylint"))) {
    checks.push({
      name: "lint",
      kind: "lint",
      command: `${shown} -m pylint --recursive=y --output-format=parseable --score=n .`,
      report: { format: "generic" },
      because: "pylint configuration",
    });
  }
  const mypyConfigured =
    pyproject.includes("[tool.mypy") ||
    /^\[mypy/m.test(setupCfg) ||
    existsSync(join(root, "mypy.ini"));
  if (mypyConfigured && (await canImport(probe, python, "mypy"))) {
    checks.push({
      name: "typecheck",
      kind: "typecheck",
      command: `${shown} -m mypy .`,
      report: { format: "mypy" },
      because: "mypy configuration",
    });
  }
  return { checks, notes };
}
