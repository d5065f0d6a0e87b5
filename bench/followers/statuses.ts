// Statuses after which an upstream run (Assistants) or response (Responses) changes no more. The two protocols
// share these words; `expired` is Assistants only.
export const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'expired', 'incomplete']);
