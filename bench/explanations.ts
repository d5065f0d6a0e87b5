// Analysis of targets this backend misses, shown in docs/BENCHMARKS.md next to a missed target.
// Written from the figures of real runs; update when a change moves them.
export const EXPLANATIONS: Partial<Record<string, string>> = {};
