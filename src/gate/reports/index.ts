export { parseXml, XmlParseError, type XmlElement } from "../xml.js";
export {
  parseJUnit,
  findLocation,
  TestResultSchema,
  TestStatusSchema,
  type TestResult,
  type TestStatus,
} from "./junit.js";
export { parseTap } from "./tap.js";
export {
  compareTests,
  indexTests,
  testKey,
  type TestChange,
  type TestComparison,
  type TestId,
} from "./compare-tests.js";
export {
  fingerprint,
  GENERIC_LINE,
  makeWarning,
  normaliseMessage,
  normalisePath,
  parseEslintJson,
  parseGeneric,
  parseMypy,
  parseRuffJson,
  parseTsc,
  type GenericParseOptions,
  type ParseOptions,
  type Warning,
} from "./warnings.js";
export { compareWarnings, type WarningComparison, type WarningPolicy } from "./compare-warnings.js";
