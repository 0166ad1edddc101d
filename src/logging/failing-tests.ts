/** Most test names reported from one gate check; the log line must stay short. */
const MAX_NAMES = 20;

/**
 * Lines of a condensed gate summary that name a failed test, with the name as group 1. The
 * formats are those the gate's extractors keep (see src/gate/extractors.ts).
 */
const FAILED_TEST_LINES: readonly RegExp[] = [
  // node --test, TAP reporter: "not ok 3 - adds numbers # SKIP ..."
  /^\s*not ok \d+ - (.+?)(?:\s+#.*)?$/,
  // node --test, spec reporter: "✖ adds numbers (1.2ms)"
  /^\s*✖ (.+?) \([\d.]+m?s\)$/,
  // vitest: "FAIL  test/math.test.ts > sum > adds numbers"
  /^\s*FAIL\s+\S+\s+>\s+(.+?)(?:\s+\d+m?s)?$/,
  // vitest list: "× adds numbers 12ms"
  /^\s*[×✗]\s+(.+?)(?:\s+\d+m?s)?$/,
  // jest: "● sum › adds numbers"
  /^\s*● (?!Console\b)(.+)$/,
  // pytest: "FAILED tests/test_math.py::test_sum - AssertionError"
  /^\s*FAILED\s+\S+?::(\S+)/,
];

/** The names of the failed tests a condensed gate summary mentions, in order, without repeats. */
export function failingTestNames(summary: string): string[] {
  const names = new Set<string>();
  for (const line of summary.split("\n")) {
    for (const pattern of FAILED_TEST_LINES) {
      const name = pattern.exec(line)?.[1]?.trim();
      if (name !== undefined && name !== "") {
        names.add(name);
        break;
      }
    }
    if (names.size >= MAX_NAMES) break;
  }
  return [...names];
}
