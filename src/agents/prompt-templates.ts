import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import nunjucks from "nunjucks";

/**
 * The line that splits a role template into its system part (above: stable instructions and
 * output format, rendered without any variables so it can be cached as a prompt prefix) and its
 * prompt part (below: everything that changes from call to call).
 */
export const PROMPT_SPLIT_MARKER = "{# ==== PROMPT ==== #}";

/** What a model is sent for one role: a stable system part and the variable prompt. */
export interface RenderedPrompt {
  readonly system: string;
  readonly prompt: string;
}

/** The names of the shipped role templates, without `.njk`. */
export type TemplateName =
  | "planner"
  | "plan-reviewer"
  | "implementer-text"
  | "implementer-agent"
  | "code-reviewer"
  | "repair";

/**
 * The `templates/` folder shipped with the package. Resolved from this module's own location,
 * which is two levels below the package root both as `src/agents/*.ts` and `dist/agents/*.js`.
 */
export function defaultTemplatesDir(): string {
  return fileURLToPath(new URL("../../templates/", import.meta.url));
}

interface Compiled {
  readonly system: string;
  readonly prompt: nunjucks.Template;
}

/**
 * Loads and renders the Nunjucks role templates of one folder (autoescape off, undefined
 * variables are errors). Each template's system part is rendered once, with no variables at all:
 * a template that tries to put call-specific data there fails to render.
 */
export class PromptTemplates {
  readonly dir: string;
  private readonly env: nunjucks.Environment;
  private readonly compiled = new Map<string, Compiled>();

  constructor(dir: string = defaultTemplatesDir()) {
    this.dir = dir;
    this.env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir), {
      autoescape: false,
      throwOnUndefined: true,
      trimBlocks: true,
      lstripBlocks: true,
    });
  }

  /** Renders `name` with `context` into its system and prompt parts. */
  render(name: TemplateName, context: object): RenderedPrompt {
    const compiled = this.load(name);
    return { system: compiled.system, prompt: tidy(compiled.prompt.render(context)) };
  }

  private load(name: TemplateName): Compiled {
    const cached = this.compiled.get(name);
    if (cached) return cached;
    const path = join(this.dir, `${name}.njk`);
    const source = readFileSync(path, "utf8");
    const at = source.indexOf(PROMPT_SPLIT_MARKER);
    if (at < 0) throw new Error(`template ${path} has no "${PROMPT_SPLIT_MARKER}" line`);
    const system = new nunjucks.Template(source.slice(0, at), this.env, path, true);
    const prompt = new nunjucks.Template(
      source.slice(at + PROMPT_SPLIT_MARKER.length),
      this.env,
      path,
      true,
    );
    const compiled = { system: tidy(system.render({})), prompt };
    this.compiled.set(name, compiled);
    return compiled;
  }
}

/**
 * Trims the ends only: the prompt quotes files, whose whitespace must reach the model unchanged
 * (a SEARCH block has to copy it exactly).
 */
function tidy(text: string): string {
  return `${text.trim()}\n`;
}

let shared: PromptTemplates | undefined;

/** The templates shipped with the package, loaded once on first use. */
export function defaultTemplates(): PromptTemplates {
  shared ??= new PromptTemplates();
  return shared;
}
