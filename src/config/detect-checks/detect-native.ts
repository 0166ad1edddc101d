import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DetectedCheck, Probe } from "./types.js";

/** `cargo test` and clippy for a Rust crate (exit-code checks). */
export async function detectCargo(
  root: string,
  probe: Probe,
): Promise<DetectedCheck[] | undefined> {
  if (!existsSync(join(root, "Cargo.toml"))) return undefined;
  if (!(await probe("cargo", ["--version"]))) return [];
  const checks: DetectedCheck[] = [
    {
      name: "tests",
      kind: "tests",
      command: "cargo test --quiet",
      timeout: "20m",
      because: "Cargo.toml",
    },
  ];
  if (await probe("cargo", ["clippy", "--version"])) {
    checks.push({
      name: "lint",
      kind: "lint",
      command: "cargo clippy --all-targets --quiet -- -D warnings",
      because: "Cargo.toml and clippy",
    });
  }
  return checks;
}

/** `go test` and `go vet` for a Go module (exit-code checks). */
export async function detectGo(root: string, probe: Probe): Promise<DetectedCheck[] | undefined> {
  if (!existsSync(join(root, "go.mod"))) return undefined;
  if (!(await probe("go", ["version"]))) return [];
  return [
    { name: "tests", kind: "tests", command: "go test ./...", timeout: "20m", because: "go.mod" },
    { name: "lint", kind: "lint", command: "go vet ./...", because: "go.mod" },
  ];
}

/** The repository's pre-commit hooks, which the gate finds by itself (`kind: hooks`). */
export function detectHooks(root: string, gitDir: string | undefined): DetectedCheck | undefined {
  const sources: [string, boolean][] = [
    [".pre-commit-config.yaml", existsSync(join(root, ".pre-commit-config.yaml"))],
    [".husky/pre-commit", existsSync(join(root, ".husky", "pre-commit"))],
    [
      "lefthook",
      ["lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml"].some((n) =>
        existsSync(join(root, n)),
      ),
    ],
    [
      "a git pre-commit hook",
      gitDir !== undefined && existsSync(join(gitDir, "hooks", "pre-commit")),
    ],
  ];
  const found = sources.find(([, present]) => present);
  if (found === undefined) return undefined;
  return { name: "hooks", kind: "hooks", because: found[0] };
}
