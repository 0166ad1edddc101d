export { proposeWork, writeProposals, evidenceComment, tasksFilePath } from "./propose-work.js";
export type { ProposeOptions, ProposeResult } from "./propose-work.js";
export type { Proposal } from "./proposal.js";
export type { Finding } from "./findings.js";
export { describeFinding } from "./findings.js";
