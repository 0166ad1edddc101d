/** Small, deterministic Markdown and number formatting for the run log. */

/** Text on one line: whitespace collapsed, cut to `max` characters with an ellipsis. */
export function inline(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A table cell: one line, pipes escaped. */
export function cell(text: string, max = 120): string {
  return inline(text, max).replace(/\|/g, "\\|");
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const flat = inline(text, 200);
  const ticks = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(ticks + 1);
  const pad = ticks > 0 ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced block, indented for a list item; the fence is longer than any backtick run. */
export function codeBlock(text: string, indent = "", maxLines = 15): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  const kept = lines.slice(0, maxLines);
  if (lines.length > maxLines) kept.push(`... (${lines.length - maxLines} more lines)`);
  const ticks = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(ticks + 1);
  return [`${fence}text`, ...kept, fence].map((l) => `${indent}${l}`).join("\n");
}

/** A Markdown table; cells are escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [
    line(header.map((h) => cell(h))),
    line(header.map(() => "---")),
    ...rows.map((r) => line(r.map((c) => cell(c, 200)))),
  ].join("\n");
}

/** 12345 -> "12,345", independent of the locale. */
export function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function usd(amount: number): string {
  return `$${amount.toFixed(4)}`;
}

/** 850 -> "850 ms", 12300 -> "12.3 s", 754000 -> "12m34s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = `${String(minutes).padStart(hours > 0 ? 2 : 1, "0")}m${String(seconds % 60).padStart(2, "0")}s`;
  return hours > 0 ? `${hours}h${rest}` : rest;
}

/** An event time as UTC ISO text (never the current time, so the log can be regenerated). */
export function timestamp(at: number): string {
  return new Date(at).toISOString();
}

export function shortSha(sha: string): string {
  return sha.slice(0, 10);
}
