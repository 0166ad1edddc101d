import { useState } from "preact/hooks";
import type {
  AttemptDetail,
  CallSummary,
  ReviewDecisionInput,
  TaskDetail,
} from "../../../src/web/api-types.js";
import { DecisionAnswerSchema, TaskDetailSchema } from "../../../src/web/api-schemas.js";
import { postJson, useLive } from "../api.js";
import { DiffView } from "../components/diff-view.js";
import { Problem } from "../components/problem.js";
import { count, duration, stateClass, time, usd } from "../format.js";

function ReviewForm(props: { readonly detail: TaskDetail; readonly onDone: () => void }) {
  const [feedback, setFeedback] = useState("");
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const e = props.detail.escalation;
  if (!e) return null;
  const send = (decision: ReviewDecisionInput): void => {
    setBusy(true);
    const body = feedback.trim() === "" ? { decision } : { decision, feedback: feedback.trim() };
    postJson(
      `/api/tasks/${encodeURIComponent(props.detail.summary.id)}/review`,
      body,
      DecisionAnswerSchema,
    )
      .then((r) => {
        setMessage(`${decision} recorded; now ${r.state}${r.resumed ? ", resuming" : ""}`);
        props.onDone();
      })
      .catch((err: unknown) => {
        setMessage(err instanceof Error ? err.message : String(err));
      })
      .finally(() => {
        setBusy(false);
      });
  };
  return (
    <section class="escalation" data-testid="review">
      <h2>Waiting for a human: {e.reason}</h2>
      <p>{e.detail}</p>
      {e.findings === "" ? null : <pre class="findings">{e.findings}</pre>}
      <label>
        Feedback (goes to the model with retry; recorded with approve)
        <textarea
          value={feedback}
          rows={3}
          name="feedback"
          onInput={(ev) => {
            setFeedback((ev.target as HTMLTextAreaElement).value);
          }}
        />
      </label>
      <div class="buttons">
        <button
          disabled={busy}
          onClick={() => {
            send("approve");
          }}
        >
          Approve {e.scope === "step" ? "implementation" : "plan"}
        </button>
        <button
          disabled={busy}
          onClick={() => {
            send("retry");
          }}
        >
          Retry with feedback
        </button>
        {e.scope === "step" ? (
          <button
            disabled={busy}
            onClick={() => {
              send("skip");
            }}
          >
            Skip step
          </button>
        ) : null}
        <button
          disabled={busy}
          class="danger"
          onClick={() => {
            send("abort");
          }}
        >
          Abort task
        </button>
      </div>
      {message === undefined ? null : <p data-testid="review-result">{message}</p>}
    </section>
  );
}

function Attempt(props: { readonly a: AttemptDetail }) {
  const { a } = props;
  return (
    <div class="attempt" data-testid="attempt">
      <h4>
        Attempt {a.attempt} · {a.implementer ?? "?"}
        {a.gate ? (
          <span class={a.gate.passed ? "badge pass" : "badge fail"}>
            gate {a.gate.level} {a.gate.passed ? "passed" : "failed"}
          </span>
        ) : null}
      </h4>
      {a.feedback === null ? null : (
        <details>
          <summary>Feedback given</summary>
          <pre>{a.feedback}</pre>
        </details>
      )}
      {a.summary === null ? null : <p>{a.summary}</p>}
      {a.error === null ? null : <pre class="error">{a.error}</pre>}
      {a.diff === null ? null : <DiffView diff={a.diff} />}
      {a.reviews.map((r, i) => (
        <div class="review" key={i}>
          <b>Code review by {r.reviewer}:</b> {r.review.status}
          {r.review.review.required_changes.length > 0 ? (
            <ul>
              {r.review.review.required_changes.map((c, j) => (
                <li key={j}>{c}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}
      {a.gate ? (
        <div class="gate" data-testid="gate-report">
          <b>Quality gate</b> ({a.gate.level}
          {a.gate.levelReason === null ? "" : `: ${a.gate.levelReason}`})
          <table class="grid">
            <tbody>
              {a.gate.checks.map((c) => (
                <tr key={c.name}>
                  <td>{c.name}</td>
                  <td>
                    <span class={c.passed ? "badge pass" : "badge fail"}>
                      {c.passed ? "pass" : c.timedOut ? "timeout" : "fail"}
                    </span>
                  </td>
                  <td class="num">{duration(c.durationMs)}</td>
                  <td>{c.summary === "" ? null : <pre>{c.summary}</pre>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {a.gate.passed || a.gate.feedback === "" ? null : <pre>{a.gate.feedback}</pre>}
        </div>
      ) : null}
    </div>
  );
}

function Transcript(props: { readonly taskId: string; readonly call: CallSummary }) {
  const [text, setText] = useState<string | undefined>(undefined);
  if (!props.call.hasTranscript) return <span class="muted">–</span>;
  const open = (): void => {
    getTranscript(props.taskId, props.call.seq)
      .then(setText)
      .catch((e: unknown) => {
        setText(e instanceof Error ? e.message : String(e));
      });
  };
  return text === undefined ? (
    <button class="link" onClick={open}>
      show
    </button>
  ) : (
    <pre class="transcript">{text}</pre>
  );
}

async function getTranscript(taskId: string, seq: number): Promise<string> {
  const res = await fetch(`/api/tasks/${encodeURIComponent(taskId)}/calls/${seq}/transcript`);
  return res.text();
}

/** One task: plan, steps with attempts, diffs, reviews, gate reports, calls, commits, run log. */
export function TaskPage(props: { readonly id: string }) {
  const path = `/api/tasks/${encodeURIComponent(props.id)}`;
  const { data, error, reload } = useLive(path, TaskDetailSchema, (e) => e.taskId === props.id);
  if (error) return <Problem error={error} />;
  if (!data) return <p class="muted">loading…</p>;
  const s = data.summary;
  const plan = data.plans.at(-1);
  return (
    <div>
      <h1>
        {s.id}{" "}
        <span class={stateClass(s.state)} data-testid="task-state">
          {s.state}
        </span>
      </h1>
      <p>{s.goal}</p>
      <p class="muted">
        risk {s.risk} · area {s.area} · {usd(s.costUsd)} · tokens in {count(data.tokens.input)} /
        out {count(data.tokens.output)}
        {data.branch === null ? "" : ` · branch ${data.branch}`}
      </p>
      <ReviewForm detail={data} onDone={reload} />
      {plan ? (
        <section>
          <h2>
            Plan (round {plan.round}, by {plan.author})
          </h2>
          <ol>
            {plan.plan.steps.map((st) => (
              <li key={st.id}>
                <b>{st.id}</b> [{st.type}] {st.description}
              </li>
            ))}
          </ol>
          {plan.reviews.map((r, i) => (
            <p key={i}>
              Plan review by {r.reviewer}: <b>{r.review.status}</b>
            </p>
          ))}
        </section>
      ) : null}
      <h2>Steps</h2>
      {data.steps.map((st) => (
        <section class="step" key={st.id} data-testid={`step-${st.id}`}>
          <h3>
            {st.id} <span class="muted">{st.description}</span>{" "}
            <span class="badge">{st.status}</span>
          </h3>
          {st.attempts.map((a) => (
            <Attempt a={a} key={a.attempt} />
          ))}
          {st.commit ? (
            <p class="commit">
              {st.commit.skipped ? "skipped" : `commit ${st.commit.sha.slice(0, 10)}`}:{" "}
              {st.commit.message.split("\n")[0]}
            </p>
          ) : null}
        </section>
      ))}
      <h2>Model calls</h2>
      <table class="grid" data-testid="calls">
        <thead>
          <tr>
            <th>When</th>
            <th>Role</th>
            <th>Model</th>
            <th>Step</th>
            <th>In / out</th>
            <th>Cost</th>
            <th>Duration</th>
            <th>Transcript</th>
          </tr>
        </thead>
        <tbody>
          {data.calls.map((c) => (
            <tr key={c.seq} class={c.ok ? "" : "failed"}>
              <td>{time(c.at)}</td>
              <td>{c.role}</td>
              <td>{c.model}</td>
              <td>{c.stepId ?? "plan"}</td>
              <td class="num">
                {count(c.usage.input)} / {count(c.usage.output)}
              </td>
              <td class="num">{usd(c.costUsd)}</td>
              <td class="num">{duration(c.durationMs)}</td>
              <td>
                <Transcript taskId={s.id} call={c} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>Run log (Markdown)</summary>
        <pre class="runlog" data-testid="runlog">
          {data.runLog}
        </pre>
      </details>
    </div>
  );
}
