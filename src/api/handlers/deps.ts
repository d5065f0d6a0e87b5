// Handlers get the process's dependencies through one async getter, so tests can hand in their own.
import type { Runtime } from '../../runtime';

export type GetDeps = () => Promise<Runtime>;
export const now = (): number => Date.now();
