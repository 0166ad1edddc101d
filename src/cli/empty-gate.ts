/** How the CLI names a quality gate without checks, in `validate` and `run`. */
export const EMPTY_GATE = ".orchestrator/quality_rules.yaml defines no checks";
