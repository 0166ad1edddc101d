/** What cycle detection needs of a task. */
export interface DependencyNode {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

/**
 * Finds the dependency cycles among tasks. Each cycle is reported once, as ids starting and
 * ending with the task that comes first in the list, e.g. `["A", "B", "A"]`; a task that depends
 * on itself gives `["A", "A"]`. Dependencies on unknown ids are ignored.
 */
export function findCycles(tasks: readonly DependencyNode[]): string[][] {
  const order = new Map(tasks.map((t, i) => [t.id, i]));
  const edges = new Map(tasks.map((t) => [t.id, t.dependsOn.filter((d) => order.has(d))]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const seen = new Set<string>();
  const cycles: string[][] = [];

  const visit = (id: string): void => {
    state.set(id, "visiting");
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      const s = state.get(next);
      if (s === "visiting") {
        const cycle = stack.slice(stack.indexOf(next));
        const canonical = rotateToFirst(cycle, order);
        const key = canonical.join("\u0000");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...canonical, canonical[0] ?? next]);
        }
      } else if (s === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(id, "done");
  };

  for (const task of tasks) if (!state.has(task.id)) visit(task.id);
  return cycles;
}

function rotateToFirst(cycle: readonly string[], order: ReadonlyMap<string, number>): string[] {
  let start = 0;
  cycle.forEach((id, i) => {
    if ((order.get(id) ?? 0) < (order.get(cycle[start] ?? "") ?? 0)) start = i;
  });
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}
