import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * The server the PostgreSQL tests use: `ORCHESTRATOR_TEST_PG_URL`, default the local server
 * with trust authentication (see .ci/run). Tests create their own databases on it.
 */
export const ADMIN_URL =
  process.env.ORCHESTRATOR_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A database of its own for one test, dropped by `drop`. */
export interface TempDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database with a random name on the test server. */
export async function createTempDatabase(): Promise<TempDatabase> {
  const name = `orch_test_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    // FORCE ends connections a failed test left open.
    drop: () =>
      admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** Databases created by a test file, all dropped by {@link TempDatabases.dropAll}. */
export class TempDatabases {
  private readonly dbs: TempDatabase[] = [];

  async create(): Promise<TempDatabase> {
    const db = await createTempDatabase();
    this.dbs.push(db);
    return db;
  }

  async dropAll(): Promise<void> {
    await Promise.all(this.dbs.splice(0).map((d) => d.drop()));
  }
}
