import type { BacklogTask } from "../test/support/scripted-backlog.js";

/** The shape of a benchmark backlog. */
export type BacklogShape = "independent" | "dag";

const taskId = (i: number): string => `T${String(i + 1).padStart(2, "0")}`;

/** A task of two steps, each writing one file of its own. */
function twoStepTask(id: string, dependsOn: readonly string[]): BacklogTask {
  return {
    id,
    ...(dependsOn.length > 0 ? { dependsOn } : {}),
    steps: ["S1", "S2"].map((s) => ({
      id: s,
      description: `${id} ${s}`,
      files: { [`out/${id}-${s}.txt`]: `${id} ${s}\n` },
    })),
  };
}

/**
 * `independent`: N tasks with no dependencies. `dag`: groups of diamonds A -> (B, C) -> D and
 * chains A -> B -> C, alternating (a remainder too small for its group becomes a chain), so
 * the graph is three tasks deep and never wider than 8.
 */
export function benchBacklog(n: number, shape: BacklogShape): BacklogTask[] {
  if (shape === "independent")
    return Array.from({ length: n }, (_, i) => twoStepTask(taskId(i), []));
  const tasks: BacklogTask[] = [];
  let diamond = true;
  for (let start = 0; start < n; diamond = !diamond) {
    const size = Math.min(n - start, diamond ? 4 : 3);
    const name = (k: number): string => taskId(start + k);
    for (let k = 0; k < size; k++) {
      const deps =
        k === 0
          ? []
          : diamond && size === 4
            ? k === 3
              ? [name(1), name(2)]
              : [name(0)]
            : [name(k - 1)];
      tasks.push(twoStepTask(name(k), deps));
    }
    start += size;
  }
  return tasks;
}

/** Tasks on the longest dependency chain (each task counting once). */
export function graphDepth(tasks: readonly BacklogTask[]): number {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const memo = new Map<string, number>();
  const depth = (t: BacklogTask): number => {
    const known = memo.get(t.id);
    if (known !== undefined) return known;
    const deps = (t.dependsOn ?? []).map((id) => byId.get(id)).filter((d) => d !== undefined);
    const value = 1 + Math.max(0, ...deps.map(depth));
    memo.set(t.id, value);
    return value;
  };
  return Math.max(0, ...tasks.map(depth));
}
