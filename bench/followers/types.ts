// What every follower gets and gives back. A follower drives the workload's runs against the local server
// its own way and reports, per run, the upstream run id (on Responses: the chain of responses that made the
// run) and when it noticed the run's decisive moments.
import type OpenAI from 'openai';
import type { Stack } from '../../local/stack';
import type { Ledger } from '../../src/store/ledger';
import type { BenchConfig } from '../config';
import type { StorageProxy } from '../measure/storage-proxy';
import type { ServerAdmin } from '../server-admin';
import type { WorkloadRun } from '../workload';

/** The four followers of every protocol, in report order. */
export const FOLLOWER_ORDER = ['seed_5s', 'poll_1s', 'sdk', 'backend'] as const;
export type FollowerKey = (typeof FOLLOWER_ORDER)[number];
/** The upstream protocols the benchmark measures, in report order (the app's UPSTREAM_PROTOCOL values). */
export const PROTOCOL_ORDER = ['assistants', 'responses'] as const;
export type Protocol = (typeof PROTOCOL_ORDER)[number];

export interface FollowedRun {
  index: number;
  /** Assistants: the run. Responses: the chain's last response. */
  upstreamRunId: string;
  /**
   * Responses: every response of the run's chain, oldest first (each one that completed with function calls was a
   * requires_action; the next one answers them). Absent for Assistants: the run is one upstream object.
   */
  upstreamRunIds?: string[];
  status: string;
  /** This process's clock when the follower recorded the run's last requires_action, if it had one. */
  requiresActionSeenMs?: number;
  /** This process's clock when the follower recorded the terminal status. */
  terminalSeenMs?: number;
}

export interface FollowerContext {
  /** The protocol this context's stack was started for (UPSTREAM_PROTOCOL of the app). */
  protocol: Protocol;
  stack: Stack;
  /** An SDK client on the local server (OpenAI URL style). */
  openai: OpenAI;
  admin: ServerAdmin;
  config: BenchConfig;
  /** Assistants protocol only: the assistant the direct followers run (function tools get_stock_price, get_user_location). */
  assistantId?: string;
  /** The backend's ledger, read directly (not through the counting proxy). */
  ledger: Ledger;
  /** Counts the host's storage requests. */
  storage: StorageProxy;
  log(line: string): void;
}

/** What a follower that talks to the local server itself (not through the backend) uses of its context. */
export type DirectContext = Pick<FollowerContext, 'protocol' | 'openai' | 'admin' | 'config' | 'assistantId'>;

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
