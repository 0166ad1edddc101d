import { Document, isNode, isSeq } from "yaml";
import type { ProposeResult } from "./propose-work.js";
import { evidenceComment } from "./propose-work.js";

/** The proposals as the tasks.yaml entries `--write` would append, evidence as comments. */
export function proposalsYaml(result: ProposeResult): string {
  const doc = new Document(
    result.proposals.map((p) => ({
      id: p.id,
      goal: p.goal,
      risk: p.risk,
      area: p.area,
      ...(p.context_files.length === 0 ? {} : { context_files: p.context_files }),
      ...(p.constraints.length === 0 ? {} : { constraints: p.constraints }),
    })),
  );
  const list = doc.contents;
  if (isSeq(list)) {
    list.items.forEach((node, i) => {
      const p = result.proposals[i];
      if (p !== undefined && isNode(node)) node.commentBefore = evidenceComment(p);
    });
  }
  return doc.toString({ lineWidth: 100 });
}

/** One line on what was analysed: HEAD's baseline, the comments, the history. */
export function analysisSummary(result: ProposeResult): string {
  const count = (kind: string): number => result.findings.filter((f) => f.kind === kind).length;
  const base =
    result.sha === undefined
      ? "no commit"
      : `HEAD ${result.sha.slice(0, 10)} (gate baseline: ${
          result.baselineChecks.length === 0
            ? "no check with reports"
            : result.baselineChecks.join(", ")
        })`;
  const n = (kind: string, one: string, many: string): string =>
    `${count(kind)} ${count(kind) === 1 ? one : many}`;
  const parts = [
    n("failing-test", "failing test", "failing tests"),
    n("warnings", "file with warnings", "files with warnings"),
    n("low-coverage", "file", "files") + ` under ${result.coverageTarget}% coverage`,
    n("todo", "TODO/FIXME/XXX comment", "TODO/FIXME/XXX comments"),
    n("task-history", "failed or escalated task", "failed or escalated tasks"),
  ];
  return `analysed ${base}: ${parts.join(", ")}`;
}
