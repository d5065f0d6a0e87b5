// The Responses adapter on the real local components: the local OpenAI-protocol server (Responses, Conversations,
// Containers) and a ledger over Azurite. Runs are driven by the real worker (processRunMessage), one delivery at a
// time, with the real tool registry (get_stock_price on its offline fixture) and the real run queue.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startAssistantsServer, type RunningAssistantsServer } from '../../../local/assistants-server';
import { assistantDefinitionSchema, type AssistantDefinition } from '../../../src/assistants';
import { createLogger } from '../../../src/logging';
import type { MessageCreateParams } from 'openai/resources/beta/threads/messages';
import { newRunId } from '../../../src/runs/start-run';
import { processRunMessage, type WorkerDeps, type WorkerResult } from '../../../src/runs/worker';
import { createRunQueue } from '../../../src/store/run-queue';
import type { RunRecord } from '../../../src/store/ledger';
import { createToolRegistry, type ToolRegistry } from '../../../src/tools';
import { createResponsesUpstream } from '../../../src/upstream/responses';
import type { Upstream } from '../../../src/upstream/port';
import { useLedger, type LedgerFixture } from '../store/use-ledger';

export const DEPLOYMENT = 'resp-test';

/** The assistants these suites run: every tool kind the adapter maps. */
export const DEFINITIONS: AssistantDefinition[] = [
  assistantDefinitionSchema.parse({
    key: 'helper',
    name: 'Helper',
    instructions: 'You help.',
    intent: 'anything',
    tools: [
      'code_interpreter',
      'file_search',
      { function: 'get_stock_price' },
      { clientFunction: { name: 'confirm_choice', description: 'Asks the user.', parameters: { type: 'object', properties: { question: { type: 'string' } } } } },
    ],
  }),
  assistantDefinitionSchema.parse({ key: 'plain', name: 'Plain', instructions: 'You answer briefly.', intent: 'small talk' }),
  // Data files the sync uploads (test/integration/upstream uploads them with the sync's own code).
  assistantDefinitionSchema.parse({ key: 'analyst', name: 'Analyst', instructions: 'You analyse.', intent: 'banks', tools: ['code_interpreter'], files: ['banking/failed_banks.csv'] }),
  assistantDefinitionSchema.parse({ key: 'unsynced', name: 'Unsynced', instructions: 'You analyse.', intent: 'money', tools: ['code_interpreter'], files: ['finance/portfolio.csv'] }),
];

export interface Harness {
  ledger: LedgerFixture;
  server: RunningAssistantsServer;
  client: OpenAI;
  upstream: Upstream;
  tools: ToolRegistry;
  /** Moves the app's clock (the adapter's and the worker's) forward. */
  advance(ms: number): void;
  now(): number;
  worker(): WorkerDeps;
}

export function useResponsesHarness(): Harness {
  const ledger = useLedger();
  const h = { ledger } as Harness;
  let offset = 0;
  beforeAll(async () => {
    h.server = await startAssistantsServer({ port: 0 });
    h.client = new OpenAI({ baseURL: `${h.server.url}/v1`, apiKey: 'test-key', maxRetries: 0 });
    h.now = () => Date.now() + offset;
    h.advance = (ms) => void (offset += ms);
    h.tools = createToolRegistry({ config: ledger.config });
    const logger = createLogger({ level: 'warn' });
    h.upstream = createResponsesUpstream({
      client: h.client,
      deploymentId: DEPLOYMENT,
      definitions: DEFINITIONS,
      defaultModel: 'gpt-4o',
      functionTools: (names) => h.tools.functionTools(names),
      dataDir: 'data',
      ledger: ledger.ledger,
      logger,
      now: h.now,
    }).upstream;
    const queue = createRunQueue({ ...ledger.config, RUN_QUEUE_NAME: `runs${Date.now()}` }, ledger.clients);
    h.worker = () => ({
      upstream: h.upstream.runs,
      ledger: ledger.ledger,
      tools: h.tools,
      queue,
      logger,
      now: h.now,
      followBudgetMs: 20_000,
      recheckIntervalMs: 1_000,
      staleClaimMs: 10_000,
      needsApproval: () => false,
    });
  }, 60_000);
  // Each test starts on the real clock again.
  afterEach(() => {
    offset = 0;
  });
  afterAll(async () => {
    await h.server?.close();
  });
  return h;
}

/** The local server's admin API (scripts, stats). */
export async function admin(h: Harness, path: string, body?: unknown): Promise<{ by_route: Record<string, number> }> {
  const response = await fetch(`${h.server.url}/_admin/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as { by_route: Record<string, number> };
}

/** A thread as the API records it: created upstream by the adapter, its binding written to the ledger. */
export async function newThread(h: Harness, assistantKey = 'helper', ownerId = 'alice'): Promise<{ threadId: string; conversationId: string }> {
  const { threadId, conversationId } = await h.upstream.threads.create({ assistantKey });
  await h.ledger.ledger.createThread({ threadId, ownerId, assistantKey, conversationId, createdAt: h.now() });
  return { threadId, conversationId: conversationId as string };
}

/** What POST .../messages does: the user message upstream, then the queued run in the ledger. */
export async function postMessage(
  h: Harness,
  threadId: string,
  content: string,
  options: { assistantKey?: string; attachments?: MessageCreateParams.Attachment[] } = {},
): Promise<RunRecord> {
  const runId = newRunId();
  await h.ledger.ledger.setActiveRun(threadId, runId);
  const { messageId } = await h.upstream.threads.addUserMessage(threadId, { content, runId, metadata: {}, ...(options.attachments ? { attachments: options.attachments } : {}) });
  const assistantKey = options.assistantKey ?? 'helper';
  return h.ledger.ledger.recordRun({ threadId, runId, ownerId: 'alice', assistantKey, assistantId: assistantKey, status: 'queued', createdAt: h.now(), messageId });
}

/** One delivery of the run's current queue message. */
export async function deliver(h: Harness, run: Pick<RunRecord, 'threadId' | 'runId'>): Promise<WorkerResult> {
  const current = await h.ledger.ledger.getRun(run.threadId, run.runId);
  return processRunMessage(h.worker(), { threadId: run.threadId, runId: run.runId, generation: current?.followGeneration ?? 0 });
}

/** Delivers until the run is done or waits on the frontend (what the queue would do, without its delays). */
export async function drive(h: Harness, run: Pick<RunRecord, 'threadId' | 'runId'>, maxDeliveries = 60): Promise<RunRecord> {
  for (let i = 0; i < maxDeliveries; i++) {
    const result = await deliver(h, run);
    if (result.action === 'done' || result.reason === 'awaiting client tool outputs') break;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  return (await h.ledger.ledger.getRun(run.threadId, run.runId)) as RunRecord;
}

export const call = (name: string, args: unknown) => `/call ${name} ${JSON.stringify(args)}`;
