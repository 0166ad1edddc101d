import { existsSync } from "node:fs";
import type { Clock, Store } from "../core/ports.js";
import { redactDatabaseUrl } from "./database-url.js";

/** Where a store lives: an embedded SQLite file or a PostgreSQL database. */
export type StoreLocation =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string };

/** The location as users may see it: the file, or the URL without its password. */
export function describeStoreLocation(location: StoreLocation): string {
  return location.kind === "sqlite" ? location.path : redactDatabaseUrl(location.url);
}

/**
 * Whether there may be state to read: the SQLite file exists, or the store is a shared
 * database (which is never created by reading commands, but always assumed to exist).
 */
export function storeMayHoldState(location: StoreLocation): boolean {
  return location.kind === "postgres" || existsSync(location.path);
}

/**
 * Opens (and migrates) the store at `location`. `mustExist`: never create the SQLite file
 * (reading commands; a PostgreSQL database is never created by opening it anyway). Only the
 * store that is used is loaded: a command pays for neither the PostgreSQL client nor the
 * query builder until it opens a store.
 */
export async function openStore(
  location: StoreLocation,
  options: { clock?: Clock; mustExist?: boolean } = {},
): Promise<Store> {
  if (location.kind === "sqlite") {
    const { openSqliteStore } = await import("./sqlite-store.js");
    return openSqliteStore(location.path, options);
  }
  const { openPostgresStore } = await import("./postgres-store.js");
  return openPostgresStore(
    location.url,
    options.clock === undefined ? {} : { clock: options.clock },
  );
}
