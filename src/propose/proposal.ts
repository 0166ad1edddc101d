import { z } from "zod";
import { RiskSchema } from "../core/task.js";

/** A task id as tasks.yaml accepts it (see src/config/file-schemas.ts). */
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A proposed task: the fields of a tasks.yaml entry, and the evidence it came from (written to
 * tasks.yaml as a comment above the entry, since the file's schema has no such field).
 */
export const ProposalSchema = z.object({
  id: z.string().min(1).max(100).regex(TASK_ID),
  goal: z.string().trim().min(1).max(2000),
  risk: RiskSchema,
  area: z.string().trim().min(1).max(100),
  context_files: z.array(z.string().min(1)).max(50),
  constraints: z.array(z.string().trim().min(1)).max(20),
  evidence: z.array(z.string().min(1)).min(1).max(50),
});
export type Proposal = z.infer<typeof ProposalSchema>;

/** `text` as the tail of a task id: lower case, words joined by dashes, at most 60 characters. */
export function slugOf(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug === "" ? "task" : slug;
}

/**
 * The proposals with ids no existing task and no earlier proposal has: a taken id gets `-2`,
 * `-3`, ... An id that is not a valid task id is made from its words.
 */
export function withUniqueIds(proposals: readonly Proposal[], taken: Iterable<string>): Proposal[] {
  const used = new Set(taken);
  return proposals.map((p) => {
    const base = TASK_ID.test(p.id) && !p.id.includes("..") ? p.id.slice(0, 90) : slugOf(p.id);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return { ...p, id };
  });
}

/**
 * The area of a file from its path: `tests` for test folders, `docs` for documentation,
 * the folder under `src/` (or `lib/`, `app/`), else the top folder, else `core`.
 */
export function areaOf(file: string): string {
  const parts = file.split("/");
  const top = parts[0] ?? "";
  if (/^(tests?|spec|__tests__)$/.test(top) || /\.(test|spec)\.[a-z]+$/.test(file)) return "tests";
  if (top === "docs" || /\.(md|rst|adoc)$/i.test(file)) return "docs";
  if (parts.length >= 3 && ["src", "lib", "app"].includes(top)) return parts[1] ?? "core";
  if (parts.length >= 2 && !["src", "lib", "app"].includes(top)) return top;
  return "core";
}
