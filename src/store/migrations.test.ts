import { readFile, writeFile } from "node:fs/promises";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { SystemError } from "../core/errors.js";
import { systemClock } from "../core/ports.js";
import { TempDirs } from "../../test/store/temp-db.js";
import { LATEST_SCHEMA_VERSION, openSqliteStore } from "./index.js";
import { MIGRATIONS, migrate, schemaVersion } from "./migrations.js";
import type { StoreDatabase } from "./schema.js";
import { note } from "../../test/support/store-contract.js";

const temp = new TempDirs();
afterAll(() => temp.cleanup());

/** Reads the file with plain better-sqlite3: table names and applied versions. */
function inspect(path: string): { tables: string[]; versions: number[] } {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' order by name")
      .pluck()
      .all()
      .map(String);
    const versions = tables.includes("schema_migrations")
      ? db
          .prepare("select version from schema_migrations order by version")
          .pluck()
          .all()
          .map(Number)
      : [];
    return { tables, versions };
  } finally {
    db.close();
  }
}

function rawExec(path: string, statements: string): void {
  const db = new Database(path);
  try {
    db.exec(statements);
  } finally {
    db.close();
  }
}

const ALL_VERSIONS = MIGRATIONS.map((m) => m.version);
const FTS_TABLES = ["config", "content", "data", "docsize", "idx"].map((t) => `lessons_fts_${t}`);
const TABLES = [
  "budget_ledger",
  "child_processes",
  "events",
  "leases",
  "lessons",
  "lessons_fts",
  ...FTS_TABLES,
  "memory_outbox",
  "runs",
  "schema_migrations",
  "sqlite_sequence",
  "tasks",
];

describe("store migrations", () => {
  it("numbers migrations 1..n", () => {
    expect(ALL_VERSIONS).toEqual(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it("migrates an empty file to the latest version", async () => {
    const path = await temp.dbPath();
    await writeFile(path, "");
    const store = await openSqliteStore(path);
    await store.append("T1", null, note("hello"));
    await store.close();
    expect(inspect(path)).toEqual({ tables: TABLES, versions: ALL_VERSIONS });
  });

  it("upgrades a version-0 database that has only an empty migrations table", async () => {
    const path = await temp.dbPath();
    rawExec(
      path,
      "create table schema_migrations (version integer primary key, applied_at integer not null)",
    );
    const store = await openSqliteStore(path);
    expect((await store.append("T1", null, note("hello"))).seq).toBe(1);
    await store.close();
    expect(inspect(path)).toEqual({ tables: TABLES, versions: ALL_VERSIONS });
  });

  it("is idempotent and keeps data across reopenings", async () => {
    const path = await temp.dbPath();
    for (let i = 1; i <= 3; i++) {
      const store = await openSqliteStore(path);
      expect((await store.append("T1", null, note(`open ${i}`))).seq).toBe(i);
      await store.close();
    }
    expect(inspect(path).versions).toEqual(ALL_VERSIONS);
  });

  it("refuses a database written by a newer orchestrator and leaves it untouched", async () => {
    const path = await temp.dbPath();
    await (await openSqliteStore(path)).close();
    const future = LATEST_SCHEMA_VERSION + 1;
    rawExec(path, `insert into schema_migrations (version, applied_at) values (${future}, 0)`);
    const opening = openSqliteStore(path);
    await expect(opening).rejects.toBeInstanceOf(SystemError);
    await expect(opening).rejects.toThrow(
      `state database ${path} has schema version ${future}, but this orchestrator only knows versions up to ${LATEST_SCHEMA_VERSION}`,
    );
    expect(inspect(path).versions).toEqual([...ALL_VERSIONS, future]);
  });

  it("rolls back every pending migration when one fails", async () => {
    const path = await temp.dbPath();
    const db = new Kysely<StoreDatabase>({
      dialect: new SqliteDialect({ database: new Database(path) }),
    });
    const failing = {
      version: LATEST_SCHEMA_VERSION + 1,
      description: "fails halfway",
      async up(k: Kysely<StoreDatabase>) {
        await k.schema.createTable("half_done").addColumn("x", "integer").execute();
        throw new Error("boom");
      },
    };
    try {
      await expect(migrate(db, path, systemClock, [...MIGRATIONS, failing])).rejects.toThrow(
        "boom",
      );
      expect(await schemaVersion(db)).toBe(0);
    } finally {
      await db.destroy();
    }
    expect(inspect(path)).toEqual({ tables: [], versions: [] });
  });
});

describe("reading old state databases", () => {
  it("reads a database written at schema version 1", async () => {
    const path = await temp.dbPath();
    rawExec(
      path,
      await readFile(new URL("../../test/store/fixtures/state-v1.sql", import.meta.url), "utf8"),
    );
    const store = await openSqliteStore(path);
    try {
      expect((await store.getTask("FX-1"))?.budgetUsd).toBe(2);
      const [run] = await store.listRuns();
      expect(run).toMatchObject({
        command: "run",
        status: "finished",
        finishedAt: 1_700_000_000_009,
      });
      const events = await store.events("FX-1");
      expect(events.map((e) => e.body.type)).toEqual([
        "task.registered",
        "transition",
        "model.call",
        "step.committed",
        "note",
      ]);
      expect((await store.runEvents(run!.id)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(events[4]).toEqual({
        seq: 5,
        taskId: "FX-1",
        runId: null,
        at: 1_700_000_000_007,
        body: { type: "note", level: "warn", message: "resumed" },
      });
      expect((await store.append("FX-1", null, note("new"))).seq).toBe(6);
      // The cost of its model call (2023-11-14) counts against the budgets from version 2 on.
      const budget = await store.reserveBudget({
        taskId: "FX-1",
        estimateUsd: 0,
        day: "2023-11-14",
        month: "2023-11",
        limits: {},
        expiresAt: 1_800_000_000_000,
      });
      expect(budget).toMatchObject({ ok: true, spent: { task: 0.01, day: 0.01, month: 0.01 } });
    } finally {
      await store.close();
    }
  });
});
