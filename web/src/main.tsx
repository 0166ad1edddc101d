import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { FlowPage } from "./pages/flow.js";
import { ModelsPage } from "./pages/models.js";
import { OverviewPage } from "./pages/overview.js";
import { QualityPage } from "./pages/quality.js";
import { TaskPage } from "./pages/task.js";
import "./style.css";

const NAV = [
  ["#/", "Overview"],
  ["#/quality", "Quality"],
  ["#/models", "Models"],
  ["#/flow", "Flow"],
] as const;

function useHash(): string {
  const [hash, setHash] = useState(location.hash || "#/");
  useEffect(() => {
    const on = (): void => {
      setHash(location.hash || "#/");
    };
    addEventListener("hashchange", on);
    return () => {
      removeEventListener("hashchange", on);
    };
  }, []);
  return hash;
}

function Page(props: { readonly hash: string }) {
  const task = /^#\/task\/(.+)$/.exec(props.hash);
  if (task?.[1] !== undefined) return <TaskPage id={decodeURIComponent(task[1])} />;
  if (props.hash === "#/quality") return <QualityPage />;
  if (props.hash === "#/models") return <ModelsPage />;
  if (props.hash === "#/flow") return <FlowPage />;
  return <OverviewPage />;
}

function App() {
  const hash = useHash();
  return (
    <>
      <header>
        <span class="brand">orchestrator</span>
        <nav>
          {NAV.map(([href, label]) => (
            <a key={href} href={href} class={hash === href ? "active" : ""}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        <Page hash={hash} />
      </main>
    </>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);
