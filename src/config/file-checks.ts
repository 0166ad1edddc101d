import { stat } from "node:fs/promises";

async function kindOf(path: string): Promise<"file" | "directory" | "other" | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? "file" : s.isDirectory() ? "directory" : "other";
  } catch {
    return undefined;
  }
}

/** True when something exists at the path (following symlinks). */
export async function pathExists(path: string): Promise<boolean> {
  return (await kindOf(path)) !== undefined;
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await kindOf(path)) === "directory";
}

export async function isFile(path: string): Promise<boolean> {
  return (await kindOf(path)) === "file";
}
