import type { FlowView } from "../../../src/web/api-types.js";
import { duration } from "../format.js";

const ROW = 26;
const LABEL = 140;
const WIDTH = 1100;

/** Tasks as rows, their stays in each phase as coloured bars on one time axis (SVG). */
export function Gantt(props: { readonly flow: FlowView }) {
  const tasks = props.flow.tasks;
  if (tasks.length === 0) return <p class="muted">No task has started yet.</p>;
  const start = Math.min(...tasks.map((t) => t.start));
  const end = Math.max(...tasks.map((t) => t.end), start + 1);
  const x = (at: number): number => LABEL + ((at - start) / (end - start)) * (WIDTH - LABEL - 10);
  const height = tasks.length * ROW + 30;
  const ticks = Array.from({ length: 6 }, (_, i) => start + ((end - start) * i) / 5);
  return (
    <svg class="gantt" width={WIDTH} height={height} role="img" aria-label="task flow">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={0} y2={height - 20} class="tick" />
          <text x={x(t)} y={height - 6} class="axis">
            {new Date(t).toLocaleTimeString()}
          </text>
        </g>
      ))}
      {tasks.map((t, i) => (
        <g key={t.id}>
          <text x={4} y={i * ROW + 17} class="label">
            <a href={`#/task/${encodeURIComponent(t.id)}`}>{t.id}</a>
          </text>
          {t.segments.map((s, j) => (
            <rect
              key={j}
              x={x(s.start)}
              y={i * ROW + 4}
              width={Math.max(2, x(s.end) - x(s.start))}
              height={ROW - 8}
              class={`seg ${s.phase}`}
            >
              <title>{`${t.id} ${s.stepId ?? ""} ${s.state}: ${duration(s.end - s.start)}`}</title>
            </rect>
          ))}
        </g>
      ))}
    </svg>
  );
}
