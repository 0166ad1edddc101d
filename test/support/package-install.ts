import { createHash } from "node:crypto";
import { access, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NodeProcessRunner } from "../../src/process/node-process-runner.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Git-ignored (`.cache/` is in .gitignore). */
const INSTALL_CACHE = join(REPO_ROOT, ".cache", "package-install");
const TIMEOUT_MS = 20 * 60_000;
const runner = new NodeProcessRunner();

/** The packed package installed into a prefix of its own, as a user's `npm install -g` does. */
export interface InstalledPackage {
  /** `<prefix>/bin`: put it first on PATH to run `orchestrator`. */
  readonly binDir: string;
  /** The packed tarball's name, e.g. `cross-review-orchestrator-0.1.0.tgz`. */
  readonly tarball: string;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * `npm pack`s this repository (dist/ must be built: `npm test` builds it first) and installs the
 * tarball with `npm install -g --prefix`. Dependencies come from the registry or npm's cache
 * (`--prefer-offline`). The prefix is kept under `.cache/package-install/<tarball sha256>/`, so a
 * second run of the same package reuses it. Throws, never skips, when either step fails.
 */
export async function installPackedPackage(): Promise<InstalledPackage> {
  const packDir = await mkdtemp(join(tmpdir(), "orchestrator-pack-"));
  try {
    const pack = await runner.run(
      "npm",
      ["pack", "--ignore-scripts", "--silent", "--pack-destination", packDir],
      { cwd: REPO_ROOT, timeoutMs: TIMEOUT_MS },
    );
    if (pack.exitCode !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
    const [tarball] = (await readdir(packDir)).filter((f) => f.endsWith(".tgz"));
    if (tarball === undefined) throw new Error(`npm pack wrote no tarball:\n${pack.stdout}`);
    const hash = createHash("sha256")
      .update(await readFile(join(packDir, tarball)))
      .digest("hex")
      .slice(0, 16);
    const prefix = join(INSTALL_CACHE, hash);
    if (!(await exists(join(prefix, ".installed")))) {
      const staging = `${prefix}.staging-${String(process.pid)}`;
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
      const install = await runner.run(
        "npm",
        ["install", "-g", "--prefix", staging, join(packDir, tarball)].concat([
          "--prefer-offline",
          "--no-audit",
          "--no-fund",
          "--loglevel=error",
        ]),
        { cwd: staging, timeoutMs: TIMEOUT_MS },
      );
      if (install.exitCode !== 0) {
        await rm(staging, { recursive: true, force: true });
        throw new Error(`npm install -g ${tarball} failed:\n${install.stderr}`);
      }
      await writeFile(join(staging, ".installed"), `${tarball}\n`);
      await rm(prefix, { recursive: true, force: true });
      await rename(staging, prefix);
    }
    return { binDir: join(prefix, "bin"), tarball };
  } finally {
    await rm(packDir, { recursive: true, force: true });
  }
}
