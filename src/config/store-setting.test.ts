import { describe, expect, it } from "vitest";
import { ConfigError, UserError } from "../core/errors.js";
import {
  cleanUpTempProjects,
  lines,
  load,
  makeProject,
  problemsOf,
} from "../../test/support/temp-project.js";
import { readStoreSetting } from "./store-setting.js";

cleanUpTempProjects();

const TASK = lines("- id: A", "  goal: g", "  risk: low", "  area: docs");

describe("store: in model_config.yaml", () => {
  it("defaults to the embedded SQLite file", async () => {
    const root = await makeProject({ tasks: TASK });
    expect(await readStoreSetting(root, {})).toEqual({ kind: "sqlite" });
    expect((await load(root)).models.store).toBeUndefined();
  });

  it("expands ${VAR} in a postgres URL, and ORCHESTRATOR_DATABASE_URL wins", async () => {
    const root = await makeProject({
      tasks: TASK,
      model_config: lines("store: postgres://orch:${PGPASSWORD}@db.internal:5432/orchestrator"),
    });
    const env = { PGPASSWORD: "pw" };
    expect(await readStoreSetting(root, env)).toEqual({
      kind: "postgres",
      url: "postgres://orch:pw@db.internal:5432/orchestrator",
      from: ".orchestrator/model_config.yaml store",
    });
    expect((await load(root, env)).models.store).toBe(
      "postgres://orch:pw@db.internal:5432/orchestrator",
    );
    const override = "postgres://other@127.0.0.1/state";
    expect(
      await readStoreSetting(root, { ...env, ORCHESTRATOR_DATABASE_URL: override }),
    ).toMatchObject({ kind: "postgres", url: override });
  });

  it("names the file, line and field of a bad value without echoing it", async () => {
    const root = await makeProject({
      tasks: TASK,
      model_config: lines("# shared state", "store: mysql://root:hunter2@db/x"),
    });
    const error = await readStoreSetting(root, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const message = error instanceof Error ? error.message : "";
    expect(message).toMatch(/^\.orchestrator\/model_config\.yaml:2:\d+: store: expected sqlite or/);
    expect(message).not.toContain("hunter2");
    expect((await problemsOf(root)).map((p) => `${p.line}: ${p.path}`)).toEqual(["2: store"]);
  });

  it("reports an unset variable in the URL", async () => {
    const root = await makeProject({
      tasks: TASK,
      model_config: lines("store: postgres://orch:${NO_SUCH_PW}@db/x"),
    });
    await expect(readStoreSetting(root, {})).rejects.toThrow(
      /model_config\.yaml:1:\d+: store: environment variable NO_SUCH_PW is not set/,
    );
  });

  it("refuses an ORCHESTRATOR_DATABASE_URL that is not a postgres URL", async () => {
    const root = await makeProject({ tasks: TASK });
    const error = await readStoreSetting(root, { ORCHESTRATOR_DATABASE_URL: "sqlite:x:pw" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error instanceof Error ? error.message : "").toBe(
      "ORCHESTRATOR_DATABASE_URL: expected a URL like postgres://user@host:5432/database",
    );
  });
});

describe("repos: entries with remote:", () => {
  it("give every task of that repository its remote", async () => {
    const root = await makeProject(
      {
        tasks: lines(
          "repos:",
          "  app:",
          "    path: .",
          "    remote: git@example.com:team/app.git",
          "  lib: ../lib",
          "tasks:",
          "  - { id: A, goal: g, risk: low, area: docs, repo: app }",
          "  - { id: B, goal: g, risk: low, area: docs, repo: lib }",
        ),
      },
      ["/lib/"],
    );
    const tasks = (await load(root)).tasks;
    expect(tasks.map((t) => [t.id, t.remote])).toEqual([
      ["A", "git@example.com:team/app.git"],
      ["B", undefined],
    ]);
  });

  it("refuse a remote with a password in it", async () => {
    const root = await makeProject({
      tasks: lines(
        "repos:",
        "  app: { path: ., remote: 'https://bot:tok3n@example.com/app.git' }",
        "tasks:",
        "  - { id: A, goal: g, risk: low, area: docs, repo: app }",
      ),
    });
    const problems = await problemsOf(root);
    expect(problems.map((p) => `${p.line}: ${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(/^2: repos\.app\.remote: expected a remote URL without a password/),
    ]);
    expect(JSON.stringify(problems)).not.toContain("tok3n");
  });
});
