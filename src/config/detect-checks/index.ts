export { detectChecks, type DetectOptions } from "./detect-checks.js";
export { renderDetectedChecks, type CheckVerdict } from "./render-quality-rules.js";
export { REPORT_DIR, type DetectedCheck, type Detection, type Probe } from "./types.js";
export { toCheckSpec } from "./to-check-spec.js";
