import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Temporary directories for database files, removed by {@link TempDirs.cleanup}. */
export class TempDirs {
  private readonly dirs: string[] = [];

  /** A path for a new database file in a fresh temporary directory (the file is not created). */
  async dbPath(name = "state.db"): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "orchestrator-store-"));
    this.dirs.push(dir);
    return join(dir, name);
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  }
}
