import { ModelsViewSchema } from "../../../src/web/api-schemas.js";
import { useLive } from "../api.js";
import { bars, Chart } from "../components/chart.js";
import { Problem } from "../components/problem.js";
import { count, duration, pct, time, usd } from "../format.js";

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Spend and success per model (the `report` numbers), latencies and routing decisions. */
export function ModelsPage() {
  const { data, error } = useLive("/api/models", ModelsViewSchema);
  if (error) return <Problem error={error} />;
  if (!data) return <p class="muted">loading…</p>;
  const r = data.report;
  const b = r.baseline;
  const lat = data.latency.map((l) => {
    const sorted = [...l.durationsMs].sort((x, y) => x - y);
    return {
      model: l.model,
      n: sorted.length,
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
    };
  });
  return (
    <div>
      <h1>Models</h1>
      <p data-testid="report-total">
        Spend {usd(r.total.usd)} in {count(r.total.calls)} calls · success{" "}
        {pct(r.total.successRate)} · retries {pct(r.total.retryRate)}
        {b ? ` · vs ${b.baselineModel} only ${usd(b.baselineUsd)}; saved ${usd(b.savedUsd)}` : ""}
      </p>
      <table class="grid" data-testid="report">
        <thead>
          <tr>
            <th>Model</th>
            <th>Calls</th>
            <th>Tokens in / out</th>
            <th>Cost</th>
            <th>Attempts</th>
            <th>Success</th>
            <th>Retry</th>
          </tr>
        </thead>
        <tbody>
          {r.groups.map((g) => (
            <tr key={g.key}>
              <td>{g.key}</td>
              <td class="num">{g.calls}</td>
              <td class="num">
                {count(g.tokens.input)} / {count(g.tokens.output)}
              </td>
              <td class="num">{usd(g.usd)}</td>
              <td class="num">{g.attempts}</td>
              <td class="num">{pct(g.successRate)}</td>
              <td class="num">{pct(g.retryRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>By model × role × risk × area</h2>
      <table class="grid">
        <thead>
          <tr>
            <th>Model</th>
            <th>Role</th>
            <th>Risk</th>
            <th>Area</th>
            <th>Finished</th>
            <th>Success</th>
            <th>Retry</th>
          </tr>
        </thead>
        <tbody>
          {data.cells.map((c) => (
            <tr key={`${c.model}/${c.role}/${c.risk}/${c.area}`}>
              <td>{c.model}</td>
              <td>{c.role}</td>
              <td>{c.risk}</td>
              <td>{c.area}</td>
              <td class="num">{c.attempts}</td>
              <td class="num">{pct(c.successRate)}</td>
              <td class="num">{pct(c.retryRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Cost per DONE task, by implementing model</h2>
      <table class="grid">
        <tbody>
          {data.costPerDone.map((c) => (
            <tr key={c.model}>
              <td>{c.model}</td>
              <td class="num">{c.tasks} task(s)</td>
              <td class="num">{usd(c.avgUsd)} each</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Latency</h2>
      {lat.length === 0 ? null : (
        <Chart
          title="Call duration p50 / p95 (s) per model"
          data={[lat.map((_, i) => i), lat.map((l) => l.p50 / 1000), lat.map((l) => l.p95 / 1000)]}
          series={[
            {},
            { label: "p50", stroke: "#36c", fill: "#36c5", ...(bars ? { paths: bars } : {}) },
            { label: "p95", stroke: "#c36", fill: "#c365", ...(bars ? { paths: bars } : {}) },
          ]}
          scales={{ x: { time: false } }}
          axes={[{ values: (_u, splits) => splits.map((s) => lat[s]?.model ?? "") }, {}]}
        />
      )}
      <table class="grid">
        <tbody>
          {lat.map((l) => (
            <tr key={l.model}>
              <td>{l.model}</td>
              <td class="num">{l.n} calls</td>
              <td class="num">p50 {duration(l.p50)}</td>
              <td class="num">p95 {duration(l.p95)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Routing decisions</h2>
      <table class="grid" data-testid="routing">
        <thead>
          <tr>
            <th>When</th>
            <th>Task</th>
            <th>Role</th>
            <th>Step</th>
            <th>Model</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {data.routing.map((d) => (
            <tr key={d.seq}>
              <td>{time(d.at)}</td>
              <td>{d.taskId}</td>
              <td>{d.role}</td>
              <td>{d.stepId ?? ""}</td>
              <td>{d.model}</td>
              <td>{d.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
