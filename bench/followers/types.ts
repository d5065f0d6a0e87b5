// What every follower gets and gives back. A follower drives the workload's runs against the local server
// its own way and reports, per run, the upstream run id and when it noticed the run's decisive moments.
import type OpenAI from 'openai';
import type { Stack } from '../../local/stack';
import type { Ledger } from '../../src/store/ledger';
import type { BenchConfig } from '../config';
import type { StorageProxy } from '../measure/storage-proxy';
import type { ServerAdmin } from '../server-admin';
import type { WorkloadRun } from '../workload';

export type FollowerKey = 'seed_5s' | 'poll_1s' | 'sdk' | 'backend';
export type Protocol = 'assistants' | 'responses';

export interface FollowedRun {
  index: number;
  upstreamRunId: string;
  status: string;
  /** This process's clock when the follower recorded the run's last requires_action, if it had one. */
  requiresActionSeenMs?: number;
  /** This process's clock when the follower recorded the terminal status. */
  terminalSeenMs?: number;
}

export interface FollowerContext {
  stack: Stack;
  /** An SDK client on the local server (OpenAI URL style). */
  openai: OpenAI;
  admin: ServerAdmin;
  config: BenchConfig;
  /** Assistant the direct followers run (function tools get_stock_price, get_user_location). */
  assistantId: string;
  /** The backend's ledger, read directly (not through the counting proxy). */
  ledger: Ledger;
  /** Counts the host's storage requests. */
  storage: StorageProxy;
  log(line: string): void;
}

export interface FollowerOutcome {
  runs: FollowedRun[];
  /** Follower-specific measurements (the backend's resource figures). */
  extra?: Record<string, unknown>;
}

export interface Follower {
  key: FollowerKey;
  protocol: Protocol;
  /** One line for the report. */
  description: string;
  follow(ctx: FollowerContext, workload: readonly WorkloadRun[]): Promise<FollowerOutcome>;
}
