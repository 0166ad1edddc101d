import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The package's version, from package.json (dist/cli -> package root). */
export function packageVersion(): string {
  const pkg: unknown = require("../../package.json");
  if (typeof pkg === "object" && pkg !== null && "version" in pkg) return String(pkg.version);
  return "0.0.0";
}
