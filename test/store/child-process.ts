import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHILD = "test/store/store-child.ts";

/** Whether a source file belongs to the store's runtime code (what the child imports). */
function isRuntimeSource(file: string): boolean {
  return file.endsWith(".ts") && !file.endsWith(".test.ts");
}

/**
 * Transpiles the current sources of src/core, src/store and a child script (default
 * test/store/store-child.ts) into a temp
 * directory, so child processes run the real store code without a prior `npm run build`
 * (and never a stale dist/). Type checking is left to `tsc --noEmit`.
 */
export async function buildStoreChild(
  child = CHILD,
): Promise<{ script: string; cleanup: () => Promise<void> }> {
  const out = await mkdtemp(join(tmpdir(), "orchestrator-store-child-"));
  const sources = [child, "test/store/store-child-work.ts"];
  for (const dir of ["src/core", "src/store"]) {
    for (const f of await readdir(join(ROOT, dir)))
      if (isRuntimeSource(f)) sources.push(`${dir}/${f}`);
  }
  for (const source of sources) {
    const { outputText } = ts.transpileModule(await readFile(join(ROOT, source), "utf8"), {
      compilerOptions: {
        module: ts.ModuleKind.ES2022,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
      fileName: source,
    });
    const target = join(out, source.replace(/\.ts$/, ".js"));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  // Bare imports (zod, kysely, better-sqlite3) resolve through the project's node_modules.
  await symlink(join(ROOT, "node_modules"), join(out, "node_modules"), "dir");
  await writeFile(join(out, "package.json"), JSON.stringify({ type: "module" }));
  return {
    script: join(out, child.replace(/\.ts$/, ".js")),
    cleanup: () => rm(out, { recursive: true, force: true }),
  };
}

/** How a child ended and every line it printed. */
export interface ChildOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lines: string[];
  readonly stderr: string;
}

/** A child still running after this long is killed, so a failing test never leaves one behind. */
const CHILD_TIMEOUT_MS = 20_000;

/**
 * Runs the child script; `onLine` may return true to SIGKILL it at that point. Lines already
 * in the pipe when it dies are still collected.
 */
export function runChild(
  script: string,
  args: readonly string[],
  onLine: (line: string, count: number) => boolean = () => false,
  timeoutMs = CHILD_TIMEOUT_MS,
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    let pending = "";
    let stderr = "";
    let killed = false;
    const kill = (): void => {
      killed = true;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(kill, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (pending + chunk).split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (!killed && onLine(line, lines.length)) kill();
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, lines, stderr });
    });
  });
}
