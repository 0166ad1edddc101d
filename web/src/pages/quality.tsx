import { QualityViewSchema } from "../../../src/web/api-schemas.js";
import { useLive } from "../api.js";
import { bars, Chart } from "../components/chart.js";
import { Problem } from "../components/problem.js";
import { pct } from "../format.js";

/** Gate pass rate over time, top failing tests and checks, new warnings and coverage. */
export function QualityPage() {
  const { data, error } = useLive("/api/quality", QualityViewSchema);
  if (error) return <Problem error={error} />;
  if (!data) return <p class="muted">loading…</p>;
  const days = data.gateByDay;
  const runs = days.reduce((n, d) => n + d.runs, 0);
  const passed = days.reduce((n, d) => n + d.passed, 0);
  return (
    <div>
      <h1>Quality</h1>
      <p data-testid="gate-rate">
        Gate runs: {runs}, passed {passed} ({pct(runs === 0 ? null : passed / runs)})
      </p>
      {days.length === 0 ? null : (
        <Chart
          title="Gate pass rate per day (%)"
          data={[
            days.map((d) => Date.parse(`${d.day}T12:00:00Z`) / 1000),
            days.map((d) => Math.round((d.passed / d.runs) * 100)),
          ]}
          series={[
            {},
            { label: "pass %", stroke: "#2a7", fill: "#2a73", ...(bars ? { paths: bars } : {}) },
          ]}
          scales={{ y: { range: [0, 100] } }}
        />
      )}
      {data.trend.length === 0 ? null : (
        <>
          <Chart
            title="New warnings per gate run"
            data={[data.trend.map((t) => t.at / 1000), data.trend.map((t) => t.newWarnings)]}
            series={[{}, { label: "new warnings", stroke: "#c60" }]}
          />
          <Chart
            title="Coverage per gate run (%)"
            data={[data.trend.map((t) => t.at / 1000), data.trend.map((t) => t.coveragePct)]}
            series={[{}, { label: "coverage %", stroke: "#36c" }]}
          />
        </>
      )}
      <h2>Tests that failed most</h2>
      <table class="grid" data-testid="failing-tests">
        <thead>
          <tr>
            <th>Suite</th>
            <th>Test</th>
            <th>Failures</th>
            <th>Last message</th>
          </tr>
        </thead>
        <tbody>
          {data.topFailingTests.map((t) => (
            <tr key={`${t.suite}/${t.name}`}>
              <td>{t.suite}</td>
              <td>{t.name}</td>
              <td class="num">{t.failures}</td>
              <td>{t.lastMessage ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Checks that failed</h2>
      <table class="grid">
        <tbody>
          {data.failingChecks.map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td class="num">{c.failures}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
