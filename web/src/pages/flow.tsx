import { FlowViewSchema } from "../../../src/web/api-schemas.js";
import { useLive } from "../api.js";
import { Gantt } from "../components/gantt.js";
import { Problem } from "../components/problem.js";

const LEGEND = ["planning", "implementing", "review", "gate", "waiting", "other"] as const;

/** A Gantt chart of tasks and their phases over time. */
export function FlowPage() {
  const { data, error } = useLive("/api/flow", FlowViewSchema);
  if (error) return <Problem error={error} />;
  if (!data) return <p class="muted">loading…</p>;
  return (
    <div>
      <h1>Flow</h1>
      <p class="legend">
        {LEGEND.map((p) => (
          <span key={p}>
            <i class={`swatch ${p}`} /> {p}
          </span>
        ))}
      </p>
      <Gantt flow={data} />
    </div>
  );
}
