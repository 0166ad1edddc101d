import type { StoredEvent } from "../core/events.js";
import type { Store } from "../core/ports.js";

/** Receives the events recorded since the last poll, in log order. */
export type FeedListener = (events: readonly StoredEvent[]) => void;

/**
 * Watches the store for new events, whichever process records them: every `intervalMs` it asks
 * each known task for its events after the highest sequence number seen for it (one indexed
 * query per task). Starts from the current end of the log; only later events are delivered.
 */
export class EventFeed {
  private readonly lastSeq = new Map<string, number>();
  private readonly listeners = new Set<FeedListener>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private primed = false;

  constructor(
    private readonly store: Store,
    /** Task ids the configuration names, which the store may not list yet. */
    private readonly extraTaskIds: () => readonly string[] = () => [],
    private readonly intervalMs = 250,
  ) {}

  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the current end of the log, then polls until {@link stop}. */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => {
      this.polling ??= this.poll().finally(() => {
        this.polling = undefined;
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** One poll: collects new events of every task and hands them to the listeners. */
  async poll(): Promise<void> {
    let fresh: StoredEvent[] = [];
    try {
      const ids = new Set([
        ...(await this.store.listTasks()).map((t) => t.id),
        ...this.extraTaskIds(),
      ]);
      for (const id of ids) {
        const events = await this.store.events(id, this.lastSeq.get(id) ?? 0);
        const last = events.at(-1);
        if (last) this.lastSeq.set(id, last.seq);
        fresh.push(...events);
      }
    } catch {
      // A store busy with a writer answers on the next poll; the feed never stops for it.
      return;
    }
    if (!this.primed) {
      this.primed = true;
      fresh = [];
    }
    if (fresh.length === 0) return;
    fresh.sort((a, b) => a.seq - b.seq);
    for (const listener of this.listeners) listener(fresh);
  }
}
