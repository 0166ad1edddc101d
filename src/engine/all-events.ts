import type { StoredEvent } from "../core/events.js";
import type { Store } from "../core/ports.js";

/** Every event of every task in the store: the history learned routing and budgets read. */
export async function allEvents(store: Store): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (const task of await store.listTasks()) events.push(...(await store.events(task.id)));
  return events.sort((a, b) => a.seq - b.seq);
}
