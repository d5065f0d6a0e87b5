// Scheduled cleanup of upstream objects and ledger rows this deployment owns (see run-sweep.ts).
export { runSweep, type SweepDeps } from './run-sweep';
export { SWEEP_KINDS, type KindSummary, type SkipReason, type SweepError, type SweepKind, type SweepSummary } from './summary';
export type { SweepConfig, SweepLedger } from './context';
export { readDefinedAssistantKeys, readDefinedDataFilePaths } from './defined-assistant-keys';
export { kindsFor, targetsFor } from './targets';
export { formatSweepSummary } from './format-summary';
