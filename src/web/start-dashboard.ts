import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import type { ServerType } from "@hono/node-server";
import { UserError } from "../core/errors.js";
import { createDashboardApp } from "./dashboard-app.js";
import type { DashboardDeps } from "./dashboard-app.js";
import { isLoopback, randomToken } from "./auth.js";
import { EventFeed } from "./event-feed.js";

/** The built front end, `dist/ui` at the package root (from src/web or dist/web alike). */
export const UI_DIR = fileURLToPath(new URL("../../dist/ui", import.meta.url));

export interface DashboardOptions extends Omit<DashboardDeps, "feed" | "token" | "staticDir"> {
  readonly port: number;
  /** A token given by the user (`--token`, `ORCHESTRATOR_TOKEN`); random when absent. */
  readonly token?: string | undefined;
  readonly staticDir?: string;
  /** How often the store is polled for events other processes recorded. */
  readonly pollMs?: number;
}

export interface RunningDashboard {
  readonly url: string;
  /** The URL that logs a browser in (sets the session cookie). */
  readonly loginUrl: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * Starts the dashboard server. Binding to an address other than loopback needs a token the user
 * chose: a random one would be printed where others may read it, and reachable from the network.
 */
export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  if (!isLoopback(options.host) && options.token === undefined) {
    throw new UserError(
      `refusing to listen on ${options.host} without a token: pass --token or set ORCHESTRATOR_TOKEN ` +
        "(or use --host 127.0.0.1)",
    );
  }
  if (options.token !== undefined && options.token.length < 16) {
    throw new UserError("the dashboard token must be at least 16 characters long");
  }
  const token = options.token ?? randomToken();
  const feed = new EventFeed(
    options.store,
    () => options.tasks().map((t) => t.id),
    options.pollMs ?? 250,
  );
  await feed.start();
  const app = createDashboardApp({
    ...options,
    feed,
    token,
    staticDir: options.staticDir ?? UI_DIR,
  });
  let server: ServerType | undefined;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      resolve(info);
    });
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new UserError(
              `port ${options.port} on ${options.host} is in use; pick another with --port`,
            )
          : error,
      );
    });
  });
  const shown = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${shown}:${address.port}/`;
  return {
    url,
    loginUrl: `${url}login?token=${encodeURIComponent(token)}`,
    port: address.port,
    token,
    close: async () => {
      await feed.stop();
      await new Promise<void>((resolve) => {
        if (!server) {
          resolve();
          return;
        }
        server.close(() => {
          resolve();
        });
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
    },
  };
}
