import { readFileSync } from "node:fs";

/** Reads a sample from test/fixtures/gate/reports (test helper). */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/gate/reports/${name}`, import.meta.url), "utf8");
}
