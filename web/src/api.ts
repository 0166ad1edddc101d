import { useEffect, useState } from "preact/hooks";
import type { z } from "zod";
import { LiveEventsSchema } from "../../src/web/api-schemas.js";
import type { LiveEvent } from "../../src/web/api-types.js";

/** Thrown when the session cookie is missing or wrong: the page asks to log in. */
export class LoginNeededError extends Error {}

/** Validates an API answer; a mismatch names the resource and the first wrong field. */
function checked<T>(path: string, schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.map(String).join(".") ?? "";
  throw new Error(`${path}: unexpected answer at ${where || "top level"}: ${issue?.message ?? ""}`);
}

/** GET a JSON resource of the dashboard API (the session cookie goes along), validated. */
export async function getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const res = await fetch(path, { credentials: "same-origin" });
  if (res.status === 401) throw new LoginNeededError("not logged in");
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return checked(path, schema, await res.json());
}

/** POST JSON; answers the server's JSON (validated), or throws with its `error` message. */
export async function postJson<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
  const res = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const message =
      typeof data === "object" && data !== null && "error" in data
        ? String(data.error)
        : res.statusText;
    throw new Error(message);
  }
  return checked(path, schema, data);
}

type Listener = (events: readonly LiveEvent[]) => void;
const listeners = new Set<Listener>();
let source: EventSource | undefined;

/** One EventSource for the page; every view subscribes to the new events it carries. */
function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  if (!source) {
    source = new EventSource("/api/events");
    source.addEventListener("events", (m: MessageEvent<string>) => {
      const parsed = LiveEventsSchema.safeParse(JSON.parse(m.data));
      // A malformed message is dropped; the next one (or a reload) brings the views up to date.
      if (!parsed.success) return;
      for (const l of listeners) l(parsed.data);
    });
    source.addEventListener("hello", () => {
      for (const l of listeners) l([]);
    });
  }
  return () => listeners.delete(listener);
}

/** The state of one loaded resource. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly reload: () => void;
}

/**
 * Loads `path` and loads it again whenever the live stream brings events (all of them, or those
 * `relevant` picks), so every view follows the log as it grows.
 */
export function useLive<T>(
  path: string,
  schema: z.ZodType<T>,
  relevant?: (e: LiveEvent) => boolean,
): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    getJson(path, schema)
      .then((d) => {
        if (!cancelled) {
          setData(d);
          setError(undefined);
        }
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e instanceof Error ? e : new Error(String(e)));
      });
    return () => {
      cancelled = true;
    };
  }, [path, tick]);
  useEffect(
    () =>
      subscribe((events) => {
        if (events.length === 0 || relevant === undefined || events.some(relevant)) {
          setTick((t) => t + 1);
        }
      }),
    [path],
  );
  return {
    data,
    error,
    reload: () => {
      setTick((t) => t + 1);
    },
  };
}
