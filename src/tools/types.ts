// Contracts of the server-side tools: what a tool declares, what it receives, what the run worker gets back.
import type { z } from 'zod';
import type { FunctionTool } from 'openai/resources/beta/assistants';
import type { FunctionParameters } from 'openai/resources/shared';
import type { Config } from '../config';
import type { Logger } from '../logging';
import type { EmailQuota } from './email/send-quota';

/** What a tool receives on each call. */
export interface ToolContext {
  toolCallId: string;
  threadId: string;
  runId: string;
  userId?: string;
  /** Aborted when the call's time budget ends (or the caller cancels); pass it to fetch and sleeps. */
  signal: AbortSignal;
  /** Epoch ms at which `signal` aborts: lets retrying tools give up early instead of sleeping past it. */
  deadlineMs: number;
  /** Already carries threadId, runId, toolCallId and the tool's name. */
  logger: Logger;
  /**
   * Epoch ms when this call was first attempted (the ledger's claim time): the same on every attempt and in
   * every worker, so repeatable requests (send_email's Repeatability-First-Sent) carry one first-sent time.
   */
  firstAttemptAt: number;
}

export interface ToolDefinition<Args = unknown> {
  /** Function name the model calls (a-z, A-Z, 0-9, _ and -; at most 64). */
  name: string;
  description: string;
  /**
   * Arguments schema. Must be a z.strictObject so the JSON schema sent to the model says
   * `additionalProperties: false` and the parser agrees with it (the registry checks this).
   */
  parameters: z.ZodType<Args>;
  /** Safe to run twice with the same arguments (the worker may re-run idempotent tools after a crash). */
  idempotent: boolean;
  /** Opt in to OpenAI strict schema adherence; only for schemas inside its supported subset. */
  strict?: boolean;
  /** Returns the JSON-serialisable result for the model; throw ToolError for failures the model should read. */
  execute(args: Args, ctx: ToolContext): Promise<unknown>;
  /**
   * For tools declared elsewhere (an MCP server's tools/list): what the model is offered, looked up when a request
   * is built; undefined when it cannot be had now (server unreachable), and the tool is then not offered. Such tools'
   * `parameters` only check that the arguments are an object; the server validates them against its own schema.
   */
  declare?(): Promise<{ description: string; parameters: FunctionParameters } | undefined>;
}

/** A definition with its argument type erased, so tools of different shapes share one list (see defineTool). */
export type RegisteredTool = ToolDefinition<unknown>;

/** Injected dependencies: tests replace the network, the clock and waiting. */
export interface ToolDeps {
  config: Config;
  fetch?: typeof fetch;
  /** Epoch ms. */
  now?: () => number;
  /** Waits `ms`; should reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** [0, 1) for retry jitter. */
  random?: () => number;
  /** Contents of the stock-price fixture (default: src/tools/stock-prices.fixture.json). */
  readFixture?: () => Promise<unknown>;
  /** send_email's per-run and per-user caps; default: counted in memory (one process). */
  emailQuota?: EmailQuota;
  /** Overrides the tool list (tests); default: send_email and get_stock_price. */
  tools?: RegisteredTool[];
}

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text as produced by the model. */
  arguments: string;
}

export interface ToolExecutionContext {
  threadId: string;
  runId: string;
  userId?: string;
  /** Epoch ms after which the output is useless (the run's expires_at, less a margin for submitting). */
  deadlineMs: number;
  logger: Logger;
  /** When the call was first attempted (its ledger claim time); default: now. */
  firstAttemptAt?: number;
  /** Optional cancellation from the caller (e.g. worker shutdown); reported as timed_out. */
  signal?: AbortSignal;
}

/** `unknown_outcome`: the tool may or may not have taken effect and must not be repeated (see UnknownOutcomeError). */
export type ToolStatus = 'succeeded' | 'invalid_arguments' | 'failed' | 'timed_out' | 'unknown_outcome';

export interface ToolOutcome {
  status: ToolStatus;
  /** JSON text submitted to the model as the tool output. */
  output: string;
  durationMs: number;
}

export interface ToolRegistry {
  has(name: string): boolean;
  names(): string[];
  /** Assistants function-tool declarations of the named static tools (default: all static ones); unknown or MCP names throw. */
  functionTools(names?: string[]): FunctionTool[];
  /**
   * Declarations of the named tools, MCP ones included (from their servers' cached tools/list); an MCP tool whose
   * server cannot be listed now is left out (and logged). Unknown names throw. What request builders and the sync use.
   */
  declareTools(names: string[]): Promise<FunctionTool[]>;
  /** Tool definition; undefined when unknown. */
  get(name: string): RegisteredTool | undefined;
  /** Whether a call may safely run again (after a worker died mid-call); false for unknown names. */
  isIdempotent(name: string): boolean;
  /**
   * Runs one call; never throws. Only for names where has(name) is true: calls to other functions
   * belong to the frontend (client-side tools), so the caller must not route them here.
   */
  execute(call: ToolCall, ctx: ToolExecutionContext): Promise<ToolOutcome>;
}
