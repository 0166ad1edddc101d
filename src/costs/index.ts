export { BudgetGuard } from "./budget.js";
export type {
  BudgetLimits,
  BudgetRefusal,
  BudgetScope,
  BudgetScopeKind,
  BudgetWarning,
  InitialSpend,
  Reservation,
  ReserveResult,
} from "./budget.js";
export {
  CHARS_PER_TOKEN,
  costOfCall,
  estimateCallCost,
  EXPECTED_OUTPUT_TOKENS,
} from "./call-cost.js";
export type { CallCost } from "./call-cost.js";
export { costOf, LONG_CONTEXT_TOKENS } from "./price.js";
export {
  costHistory,
  estimateTask,
  MIN_HISTORY_SAMPLES,
  quantile,
  SEED_DEFAULTS,
  sumEstimates,
} from "./estimate.js";
export type { CostHistory, EstimateInput, EstimateLine, TaskEstimate } from "./estimate.js";
export {
  costLedger,
  dayKey,
  emptyTotals,
  ledgerCalls,
  monthKey,
  savingsVsBaseline,
  stepKey,
} from "./ledger.js";
export type { CostLedger, LedgerCall, LedgerOptions, LedgerTotals, Savings } from "./ledger.js";
export { lookupPrice, priceTableFromLiteLLM } from "./price-table.js";
export type { PriceEntry, PriceTable } from "./price-table.js";
export { normalizeUsage, USAGE_VENDORS, UsageFormatError } from "./usage.js";
export type { UsageVendor } from "./usage.js";
