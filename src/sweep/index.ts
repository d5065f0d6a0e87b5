// Scheduled cleanup of upstream objects and ledger rows this deployment owns (see run-sweep.ts).
export { runSweep, type SweepDeps } from './run-sweep';
export { SWEEP_KINDS, type KindSummary, type SkipReason, type SweepError, type SweepKind, type SweepSummary } from './summary';
export type { SweepConfig, SweepLedger } from './context';
export { readDefinedAssistantKeys } from './defined-assistant-keys';
export { formatSweepSummary } from './format-summary';
