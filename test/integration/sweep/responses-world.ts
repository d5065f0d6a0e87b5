// The sweep's world on the Responses protocol, shaped as the Responses adapter leaves it: a conversation per
// thread (tagged app_deployment/app_assistant, bound in the thread's ledger row), per thread a vector store
// (app_deployment + app_thread_id) and a container named <DEPLOYMENT_ID>~<threadId> recorded in that row, code
// files in codeFileIds, and the stored responses of each run in RunRecord.upstreamRunIds. Built at server time
// t0; then the clock moves 8 days on (past the 7-day TTLs) and fresh objects are added.
import { randomBytes } from 'node:crypto';
import type OpenAI from 'openai';
import { containerName } from '../../../src/sweep/responses-names';
import { DAY, DEPLOYMENT, type Stack } from './stack';
import { existingBy, kind, ourUpload, pathsBy, upload, type ProtocolWorld, type StaleSet, type World } from './world';

type Kinds = 'conversations' | 'responses' | 'containers' | 'vectorStores' | 'files';
const empty = (): Record<Kinds, string[]> => ({ conversations: [], responses: [], containers: [], vectorStores: [], files: [] });
const newThreadId = () => `thread_${randomBytes(12).toString('hex')}`;

interface SeededThread {
  threadId: string;
  conversationId: string;
}

/** A thread created through "our API" on Responses: its conversation upstream, its ledger row bound to it. */
export async function ourThread(stack: Stack, ownerId: string, at: number): Promise<SeededThread> {
  const threadId = newThreadId();
  const conversation = await stack.seed.conversations.create({ metadata: { app_deployment: DEPLOYMENT, app_assistant: 'default' } });
  await stack.ledger.createThread({ threadId, ownerId, assistantKey: 'default', conversationId: conversation.id, createdAt: at });
  return { threadId, conversationId: conversation.id };
}

/**
 * Writes the thread's tool resources into its ledger row, as the adapter does. The ledger has no writer for them on
 * this branch yet (the adapter's lands at merge), so this merges the columns the row declares (threads.ts).
 */
export async function bindResources(stack: Stack, threadId: string, resources: { vectorStoreId?: string; containerId?: string; codeFileIds?: string[] }): Promise<void> {
  const table = stack.storage.table(stack.ledger.tableNames.threads);
  const { codeFileIds, ...ids } = resources;
  await table.updateEntity({ partitionKey: `thread|${threadId}`, rowKey: 'thread', ...ids, ...(codeFileIds ? { codeFileIds: JSON.stringify(codeFileIds) } : {}) }, 'Merge');
  const row = await stack.ledger.getThread(threadId);
  if (row?.vectorStoreId !== resources.vectorStoreId || row?.containerId !== resources.containerId) throw new Error('thread resources not bound');
}

export const threadStore = async (stack: Stack, threadId: string) =>
  (await stack.seed.vectorStores.create({ metadata: { app_deployment: DEPLOYMENT, app_thread_id: threadId } })).id;
export const threadContainer = async (stack: Stack, threadId: string) => (await stack.seed.containers.create({ name: containerName(DEPLOYMENT, threadId) })).id;
const ourVectorStore = async (stack: Stack, extra: Partial<OpenAI.VectorStores.VectorStoreCreateParams> = {}) =>
  (await stack.seed.vectorStores.create({ metadata: { app_deployment: DEPLOYMENT }, ...extra })).id;

/** A container the service made for a response (`{type:'auto'}`): named by the service, not by us. */
const autoContainer = async (stack: Stack) => (await stack.seed.containers.create({ name: 'Code Interpreter Container' })).id;

/** A file a run of ours wrote into a container, as the worker records it (`file-<cfile id>`, with its container). */
async function ourChart(stack: Stack, threadId: string, containerId: string, at: number): Promise<string> {
  const fileId = `file-cfile_${randomBytes(16).toString('hex')}`;
  await stack.ledger.recordFile({ fileId, source: 'generated', purpose: 'assistants_output', ownerId: 'alice', threadId, containerId, createdAt: at });
  return fileId;
}

/** A finished run of ours on the thread: its chain of `n` stored responses in the conversation, recorded in the ledger. */
export async function ourRun(stack: Stack, thread: SeededThread, runId: string, createdAt: number, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await stack.seed.responses.create({ model: 'gpt-4o', input: `turn ${i}`, conversation: thread.conversationId, store: true })).id);
  await stack.ledger.recordRun({ threadId: thread.threadId, runId, ownerId: 'alice', assistantKey: 'default', status: 'completed', createdAt, upstreamRunId: ids.at(-1) });
  await stack.ledger.updateRun(thread.threadId, runId, { upstreamRunIds: ids });
  return ids;
}

async function seedWorld(stack: Stack): Promise<World> {
  const { seed, ledger } = stack;
  const gone = empty();
  const kept = empty();
  const t0 = await stack.clockNow();

  // Data files (no assistants upstream): the definitions use one name; an older content's upload is unused.
  kept.files.push(await upload(seed, `${DEPLOYMENT}~0123456789abcdef~sales__orders.csv`));
  gone.files.push(await upload(seed, `${DEPLOYMENT}~fedcba9876543210~sales__old.csv`));
  kept.files.push(await upload(seed, 'someone-elses.csv'), await upload(seed, 'other~0123456789abcdef~sales__orders.csv'));

  // Vector stores and containers that belong to no thread of ours.
  gone.vectorStores.push(await ourVectorStore(stack), await ourVectorStore(stack, { expires_after: { anchor: 'last_active_at', days: 1 } }));
  gone.vectorStores.push(await threadStore(stack, newThreadId())); // its thread was never recorded: an orphan
  kept.vectorStores.push((await seed.vectorStores.create({ name: 'not ours' })).id);
  gone.containers.push(await threadContainer(stack, newThreadId()));
  kept.containers.push((await seed.containers.create({ name: `other~${newThreadId()}` })).id, (await seed.containers.create({ name: 'scratch' })).id);

  // The stale thread: its conversation, store, container, a code file only it used, a run of two responses,
  // and a chart that run wrote into the container (recorded by the worker).
  const stale = await ourThread(stack, 'alice', t0);
  const staleStore = await threadStore(stack, stale.threadId);
  const staleContainer = await threadContainer(stack, stale.threadId);
  const staleCode = await ourUpload(stack, 'alice', 'stale.csv', t0);
  await bindResources(stack, stale.threadId, { vectorStoreId: staleStore, containerId: staleContainer, codeFileIds: [staleCode] });
  gone.responses.push(...(await ourRun(stack, stale, 'run_stale', t0, 2)));
  const chart = await ourChart(stack, stale.threadId, staleContainer, t0);
  // An earlier container of the thread the service made (`auto`, its own name): only a file written in it says it is ours.
  const staleAuto = await autoContainer(stack);
  const earlierChart = await ourChart(stack, stale.threadId, staleAuto, t0);
  gone.conversations.push(stale.conversationId);
  gone.containers.push(staleContainer, staleAuto);
  gone.vectorStores.push(staleStore);
  gone.files.push(staleCode);

  const active = await ourThread(stack, 'bob', t0);
  await ledger.setActiveRun(active.threadId, 'run_still_going', { at: t0 });
  kept.conversations.push(active.conversationId);

  // Alice's live thread: a code file, a file in its store, its container, a recent run; an ancient run's response.
  const fresh = await ourThread(stack, 'alice', t0);
  const freshStore = await threadStore(stack, fresh.threadId);
  const freshContainer = await threadContainer(stack, fresh.threadId);
  const code = await ourUpload(stack, 'alice', 'data.csv', t0);
  const searched = await ourUpload(stack, 'alice', 'manual.txt', t0);
  await seed.vectorStores.files.create(freshStore, { file_id: searched });
  await bindResources(stack, fresh.threadId, { vectorStoreId: freshStore, containerId: freshContainer, codeFileIds: [code] });
  kept.responses.push(...(await ourRun(stack, fresh, 'run_recent', t0, 1)));
  const freshAuto = await autoContainer(stack);
  const freshChart = await ourChart(stack, fresh.threadId, freshAuto, t0);
  kept.containers.push(freshAuto);
  gone.responses.push(...(await ourRun(stack, fresh, 'run_ancient', t0 - 100 * DAY, 1)));
  kept.conversations.push(fresh.conversationId);
  kept.vectorStores.push(freshStore);
  kept.containers.push(freshContainer);
  kept.files.push(code, searched);
  gone.files.push(await ourUpload(stack, 'alice', 'notes.txt', t0));

  kept.conversations.push((await seed.conversations.create({})).id); // not in our ledger: never ours

  // Eight days later: fresh objects, and activity on the fresh thread.
  await stack.advanceClock(8 * DAY);
  const now = await stack.clockNow();
  await ledger.touchThread(fresh.threadId, now);
  kept.files.push(await ourUpload(stack, 'alice', 'new.csv', now), await upload(seed, `${DEPLOYMENT}~1111111111111111~sales__new.csv`));
  kept.vectorStores.push(await ourVectorStore(stack));

  return {
    gone,
    kept,
    staleThreadId: stale.threadId,
    activeThreadId: active.threadId,
    expected: {
      threads: kind(2, 1, { active_run: 1 }),
      // The stale thread's two, then the ancient run's one (ledger retention).
      responses: kind(3, 3),
      // The stale thread's (with it), then the listing: the orphan and the stale thread's earlier auto container go,
      // the live thread's two (named, auto) and two foreign stay.
      containers: kind(7, 3, { referenced: 2, foreign: 2 }),
      vector_stores: kind(7, 4, { referenced: 1, foreign: 1, fresh: 1 }),
      files: kind(10, 3, { referenced: 3, foreign: 2, fresh: 2 }),
      // The charts' rows (older than FILE_TTL, never in the Files listing), and the ancient run.
      ledger: kind(4, 4),
    },
    wouldDelete: {
      threads: [stale.threadId],
      responses: [...gone.responses].sort(),
      containers: [...gone.containers].sort(),
      vector_stores: [...gone.vectorStores].sort(),
      files: [...gone.files].sort(),
      ledger: [`file:${chart}`, `file:${earlierChart}`, `file:${freshChart}`, 'run:run_ancient'].sort(),
    },
    // Five uploads and three charts; the stale code file, the unused upload and the charts' rows go.
    fileRows: { before: 8, after: 3 },
  };
}

async function seedStale(stack: Stack, n: number): Promise<StaleSet> {
  const t0 = await stack.clockNow();
  const ids = empty();
  const threadIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const thread = await ourThread(stack, `user${i}`, t0);
    threadIds.push(thread.threadId);
    ids.conversations.push(thread.conversationId);
    ids.containers.push(await threadContainer(stack, newThreadId()));
    ids.vectorStores.push(await ourVectorStore(stack));
    ids.files.push(await ourUpload(stack, `user${i}`, `upload${i}.txt`, t0));
  }
  await stack.advanceClock(8 * DAY);
  return { ids, threadIds };
}

export const responsesWorld: ProtocolWorld = {
  seedWorld,
  seedStale,
  staleKinds: ['threads', 'containers', 'vector_stores', 'files'],
  threadKey: 'conversations',
  existing: (client, ids) =>
    existingBy(ids, {
      conversations: (id) => client.conversations.retrieve(id),
      responses: (id) => client.responses.retrieve(id),
      containers: (id) => client.containers.retrieve(id),
      vectorStores: (id) => client.vectorStores.retrieve(id),
      files: (id) => client.files.retrieve(id),
    }),
  deletePaths: (ids) => pathsBy(ids, { conversations: '/conversations', responses: '/responses', containers: '/containers', vectorStores: '/vector_stores', files: '/files' }),
  threadDeletePath: async (stack, threadId) => `/conversations/${(await stack.ledger.getThread(threadId))?.conversationId}`,
  // The protocol is retired on the services Responses runs on: a Responses sweep must not depend on it.
  otherProtocolPaths: /^\/(threads|assistants)\b/,
};
