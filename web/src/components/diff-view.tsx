import hljs from "highlight.js/lib/core";
import diff from "highlight.js/lib/languages/diff";
import "highlight.js/styles/github.css";

hljs.registerLanguage("diff", diff);

/** A unified diff, syntax highlighted in the browser (bundled highlight.js, no network). */
export function DiffView(props: { readonly diff: string }) {
  if (props.diff.trim() === "") return <p class="muted">(no changes)</p>;
  // highlight.js escapes the text it is given; its output holds only its own span tags.
  const html = hljs.highlight(props.diff, { language: "diff" }).value;
  return (
    <pre class="diff hljs">
      <code dangerouslySetInnerHTML={{ __html: html }} />
    </pre>
  );
}
