import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The absolute path of the ESLint CLI script (`eslint/bin/eslint.js`) installed with this
 * package, or undefined when ESLint is not installed. The demo runs it with `node` so that a
 * sample repository without `node_modules` can be linted offline.
 *
 * @param from where resolution starts (a file URL or path); this module by default.
 */
export function resolveBundledEslint(from: string = import.meta.url): string | undefined {
  try {
    const manifest = createRequire(from).resolve("eslint/package.json");
    return join(dirname(manifest), "bin", "eslint.js");
  } catch {
    return undefined;
  }
}
