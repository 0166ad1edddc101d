import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cleanUpTempProjects, load, makeProject } from "../../test/support/temp-project.js";
import { KNOWN_STEP_TYPES } from "../core/plan.js";
import type { ModelsConfig } from "../core/project-config.js";
import { RISKS, type Risk, type Role } from "../core/task.js";
import { routeByRules } from "../routing/index.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SEED = resolve(REPO_ROOT, "../shared/seed/ORCHESTRATOR_PLAN.md");
const COPY = resolve(REPO_ROOT, "test/fixtures/config/seed/routing-matrix.md");

/** One row of the seed's "Model Routing Matrix". */
interface MatrixRow {
  readonly role: Role;
  /** Empty for "Any". */
  readonly risks: readonly Risk[];
  /** Empty for "Any". */
  readonly areas: readonly string[];
  /** A model name, or "different" for the reviewers' "Different than ..." rows. */
  readonly choice: string;
  readonly line: string;
}

const ROLES: Readonly<Record<string, Role>> = {
  Planner: "planner",
  "Plan-Reviewer": "plan_reviewer",
  Implementer: "implementer",
  "Code-Reviewer": "code_reviewer",
};
const MODELS: Readonly<Record<string, string>> = {
  "Claude Sonnet": "claude_sonnet",
  "Gemini Pro": "gemini_pro",
  "Gemini Flash": "gemini_flash",
};

/** The rows of the matrix table, parsed from the Markdown. */
function parseMatrix(markdown: string): MatrixRow[] {
  const section = markdown.slice(markdown.indexOf("| Role | Risk Level |")).split("\n");
  // The table ends at its first line that is not a table row.
  const table = section.slice(
    0,
    section.findIndex((l) => !l.startsWith("|")),
  );
  const rows = table
    .filter((l) => l.startsWith("| **"))
    .map((line) => {
      const cells = line
        .split("|")
        .slice(1, -1)
        .map((c) => c.replaceAll("*", "").trim());
      const [role = "", risk = "", area = "", choice = ""] = cells;
      const any = (v: string) => v === "Any";
      return {
        role: ROLES[role] ?? (role as Role),
        risks: any(risk) ? [] : [risk.toLowerCase() as Risk],
        areas: any(area) ? [] : area.split(",").map((a) => a.trim()),
        choice: choice.startsWith("Different than") ? "different" : (MODELS[choice] ?? choice),
        line,
      };
    });
  return rows;
}

async function matrixText(): Promise<string> {
  return readFile(existsSync(SEED) ? SEED : COPY, "utf8");
}

cleanUpTempProjects();

describe("the default routing reproduces the seed's routing matrix", async () => {
  const rows = parseMatrix(await matrixText());
  // Built-in defaults: a project without model_config.yaml.
  const config: ModelsConfig = (await load(await makeProject({ tasks: "[]\n" }))).models;
  const authors = [...config.models.values()];
  const allAreas = [...new Set(rows.flatMap((r) => r.areas))];

  it("reads all nine rows of the table", () => {
    expect(rows.map((r) => r.role)).toEqual([
      "planner",
      "planner",
      "planner",
      "planner",
      "plan_reviewer",
      "implementer",
      "implementer",
      "implementer",
      "code_reviewer",
    ]);
  });

  it("the copy in test/fixtures is the seed's table", async () => {
    if (!existsSync(SEED)) return;
    expect(parseMatrix(await readFile(COPY, "utf8"))).toEqual(rows);
  });

  it.each(rows.map((r) => [r.line, r] as const))("%s", (_line, row) => {
    if (row.choice === "different") {
      // A reviewer of another family than the author, for every author, risk and area.
      for (const author of authors)
        for (const risk of RISKS)
          for (const area of allAreas) {
            const d = routeByRules(config, {
              role: row.role,
              risk,
              area,
              authorFamily: author.family,
            });
            expect(d.model.family, `${row.role} of ${author.name}, ${risk} ${area}`).not.toBe(
              author.family,
            );
            expect(d.model.name).not.toBe(author.name);
          }
      return;
    }
    expect(row.risks.length).toBe(1);
    expect(config.models.has(row.choice), row.choice).toBe(true);
    const stepTypes = row.role === "implementer" ? KNOWN_STEP_TYPES : [undefined];
    for (const risk of row.risks)
      for (const area of row.areas)
        for (const stepType of stepTypes) {
          const d = routeByRules(config, {
            role: row.role,
            risk,
            area,
            ...(stepType === undefined ? {} : { stepType }),
          });
          expect(d.model.name, `${row.role} ${risk} ${area} ${stepType ?? ""}`).toBe(row.choice);
        }
  });

  it("the seed's walk-through: a low-risk docs task is planned and written by Flash, reviewed by Sonnet", () => {
    const req = { risk: "low", area: "docs" } as const;
    expect(routeByRules(config, { ...req, role: "planner" }).model.name).toBe("gemini_flash");
    expect(
      routeByRules(config, { ...req, role: "plan_reviewer", authorFamily: "google" }).model.name,
    ).toBe("claude_sonnet");
    expect(routeByRules(config, { ...req, role: "implementer", stepType: "docs" }).model.name).toBe(
      "gemini_flash",
    );
    expect(
      routeByRules(config, { ...req, role: "code_reviewer", authorFamily: "google" }).model.name,
    ).toBe("claude_sonnet");
  });

  it("fills what the table leaves open: high risk and core/math to Sonnet, the rest to Pro", () => {
    const route = (role: Role, risk: Risk, area: string) =>
      routeByRules(config, { role, risk, area, stepType: "implementation" }).model.name;
    expect(route("planner", "high", "docs")).toBe("claude_sonnet");
    expect(route("planner", "medium", "math")).toBe("claude_sonnet");
    expect(route("planner", "medium", "api")).toBe("gemini_pro");
    expect(route("planner", "low", "tests")).toBe("gemini_flash");
    expect(route("implementer", "low", "core")).toBe("claude_sonnet");
    expect(route("implementer", "low", "comments")).toBe("gemini_flash");
    expect(route("implementer", "medium", "tests")).toBe("gemini_pro");
  });
});
