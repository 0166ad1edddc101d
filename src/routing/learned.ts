// History, learned routing and escalation; re-exported from index.ts by the lead.
export {
  additionalReviewer,
  authorCandidates,
  canBeReviewed,
  minReviewsProblem,
  reviewerCandidates,
} from "./cross-review.js";
export { defaultLadder, nextOnLadder, unknownLadderModels } from "./escalation-ladder.js";
export type { EscalationDecision } from "./escalation-ladder.js";
export { emptyStats, RoutingHistory, routingHistory } from "./history.js";
export type { AttemptOutcome, CellKey, CellStats } from "./history.js";
export { LEARNED_DEFAULTS, routeLearned } from "./learned-router.js";
export type { LearnedDecision, LearnedRouterOptions } from "./learned-router.js";
export { sampleBeta, sampleGamma, seededRng } from "./rng.js";
export type { Rng } from "./rng.js";
