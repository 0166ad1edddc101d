import type { SpendWindow } from "../../../src/web/api-types.js";
import { OverviewSchema } from "../../../src/web/api-schemas.js";
import { useLive } from "../api.js";
import { Problem } from "../components/problem.js";
import { stateClass, usd } from "../format.js";

function Spend(props: {
  readonly label: string;
  readonly w: SpendWindow;
  readonly warnAt: number;
}) {
  const { w } = props;
  const share = w.limitUsd === null || w.limitUsd === 0 ? null : w.usd / w.limitUsd;
  const level = share === null ? "" : share >= 1 ? "over" : share >= props.warnAt ? "warn" : "ok";
  return (
    <div class={`card spend ${level}`} data-testid={`spend-${props.label}`}>
      <div class="card-label">{props.label}</div>
      <div class="card-value">{usd(w.usd)}</div>
      <div class="card-sub">
        {w.calls} calls{w.limitUsd === null ? "" : ` · budget ${usd(w.limitUsd)}`}
      </div>
      {share === null ? null : (
        <div class="meter">
          <div style={{ width: `${Math.min(100, share * 100)}%` }} />
        </div>
      )}
    </div>
  );
}

/** Tasks by state, spend against budgets, and every task (awaiting a human first). */
export function OverviewPage() {
  const { data, error } = useLive("/api/overview", OverviewSchema);
  if (error) return <Problem error={error} />;
  if (!data) return <p class="muted">loading…</p>;
  const states = Object.entries(data.counts).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div>
      <h1>Overview</h1>
      <section class="cards">
        {states.map(([state, n]) => (
          <div class="card" key={state} data-testid={`count-${state}`}>
            <div class="card-label">
              <span class={stateClass(state)}>{state}</span>
            </div>
            <div class="card-value">{n}</div>
          </div>
        ))}
        {states.length === 0 ? <p class="muted">No tasks yet.</p> : null}
      </section>
      <section class="cards">
        <Spend label="today" w={data.costs.today} warnAt={data.costs.warnAt} />
        <Spend label="7 days" w={data.costs.week} warnAt={data.costs.warnAt} />
        <Spend label="month" w={data.costs.month} warnAt={data.costs.warnAt} />
        <Spend label="all time" w={data.costs.total} warnAt={data.costs.warnAt} />
      </section>
      <h2>Tasks</h2>
      <table class="grid" data-testid="tasks">
        <thead>
          <tr>
            <th>Task</th>
            <th>State</th>
            <th>Step</th>
            <th>Progress</th>
            <th>Cost</th>
            <th>Goal / reason</th>
          </tr>
        </thead>
        <tbody>
          {data.tasks.map((t) => (
            <tr key={t.id} data-task={t.id}>
              <td>
                <a href={`#/task/${encodeURIComponent(t.id)}`}>{t.id}</a>
              </td>
              <td>
                <span class={stateClass(t.state)}>{t.state}</span>
              </td>
              <td>
                {t.step ?? "–"}
                {t.stepPhase === null ? "" : ` (${t.stepPhase.toLowerCase().replace("_", " ")})`}
              </td>
              <td>{t.stepsTotal === 0 ? "–" : `${t.stepsDone}/${t.stepsTotal}`}</td>
              <td class="num">{usd(t.costUsd)}</td>
              <td>{t.reason === null ? t.goal : <span class="reason">{t.reason}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
