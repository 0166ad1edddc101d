export { classifyError } from "./classify.js";
export { CooldownTracker } from "./cooldown.js";
export type { Cooling } from "./cooldown.js";
export { sameTierAlternatives } from "./fallback.js";
export type { Alternatives } from "./fallback.js";
export { ModelResilience, systemResilienceIo } from "./model-resilience.js";
export type {
  AttemptResult,
  ResilienceEvent,
  ResilienceIo,
  ResilientCall,
  ResilientOutcome,
} from "./model-resilience.js";
export { backoffDelay, coolsDownAtOnce, retriesAllowed } from "./retry-policy.js";
export type { BackoffSettings } from "./retry-policy.js";
