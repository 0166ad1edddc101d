/** Display helpers shared by the pages. */
export const usd = (n: number): string => `$${n.toFixed(n !== 0 && Math.abs(n) < 1 ? 4 : 2)}`;
export const pct = (r: number | null): string => (r === null ? "–" : `${Math.round(r * 100)}%`);
export const count = (n: number): string => n.toLocaleString("en-US");
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return m < 60
    ? `${m} min ${Math.round((ms % 60_000) / 1000)} s`
    : `${Math.floor(m / 60)} h ${m % 60} min`;
}
export const time = (at: number): string => new Date(at).toLocaleString();
export function stateClass(state: string): string {
  if (state === "DONE") return "state done";
  if (state === "AWAITING_HUMAN_REVIEW") return "state waiting";
  if (state === "FAILED" || state === "ABORTED") return "state failed";
  if (state === "NEW") return "state new";
  return "state running";
}
