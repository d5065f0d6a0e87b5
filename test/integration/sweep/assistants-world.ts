// The sweep's world on the Assistants protocol: upstream threads, assistants, vector stores and files, built the
// way the app would at server time t0; then the server clock moves 8 days on (past the 7-day TTLs) and fresh
// objects are added.
import type OpenAI from 'openai';
import { DAY, DEPLOYMENT, type Stack } from './stack';
import { existingBy, kind, ourUpload, pathsBy, upload, type ProtocolWorld, type StaleSet, type World } from './world';

type Kinds = 'threads' | 'assistants' | 'vectorStores' | 'files';
const empty = (): Record<Kinds, string[]> => ({ threads: [], assistants: [], vectorStores: [], files: [] });
const TINY_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII=';

/** A thread created through "our API": upstream, plus its ledger row. */
async function ourThread(stack: Stack, ownerId: string, at: number): Promise<string> {
  const id = (await stack.seed.beta.threads.create()).id;
  await stack.ledger.createThread({ threadId: id, ownerId, assistantKey: 'default', createdAt: at });
  return id;
}

const ourVectorStore = async (stack: Stack, extra: Partial<OpenAI.VectorStores.VectorStoreCreateParams> = {}) =>
  (await stack.seed.vectorStores.create({ metadata: { app_deployment: DEPLOYMENT }, ...extra })).id;

async function seedWorld(stack: Stack): Promise<World> {
  const { seed, ledger } = stack;
  const gone = empty();
  const kept = empty();
  const t0 = await stack.clockNow();

  // Assistants: the defined one uses a data file and a vector store of ours.
  const dataUsed = await upload(seed, `${DEPLOYMENT}~0123456789abcdef~sales__orders.csv`);
  const searched = await ourVectorStore(stack);
  const defined = await seed.beta.assistants.create({
    model: 'gpt-4o',
    tools: [{ type: 'code_interpreter' }, { type: 'file_search' }],
    tool_resources: { code_interpreter: { file_ids: [dataUsed] }, file_search: { vector_store_ids: [searched] } },
    metadata: { app_deployment: DEPLOYMENT, app_key: 'default' },
  });
  kept.files.push(dataUsed);
  kept.vectorStores.push(searched);
  kept.assistants.push(defined.id);
  gone.assistants.push((await seed.beta.assistants.create({ model: 'gpt-4o', metadata: { app_deployment: DEPLOYMENT, app_key: 'retired' } })).id);
  kept.assistants.push((await seed.beta.assistants.create({ model: 'gpt-4o', metadata: { app_deployment: 'other', app_key: 'retired' } })).id);
  kept.assistants.push((await seed.beta.assistants.create({ model: 'gpt-4o' })).id);

  // Files nobody registered: ours only by name.
  gone.files.push(await upload(seed, `${DEPLOYMENT}~fedcba9876543210~sales__old.csv`));
  kept.files.push(await upload(seed, 'someone-elses.csv'), await upload(seed, 'other~0123456789abcdef~sales__orders.csv'));

  // Vector stores.
  gone.vectorStores.push(await ourVectorStore(stack), await ourVectorStore(stack, { expires_after: { anchor: 'last_active_at', days: 1 } }));
  kept.vectorStores.push((await seed.vectorStores.create({ name: 'not ours' })).id);

  // Threads. The stale one has a finished run that wrote two files (an image and a CSV).
  const staleThreadId = await ourThread(stack, 'alice', t0);
  await stack.admin('/_admin/script', {
    thread_id: staleThreadId,
    turns: [{ message: 'Chart and data: sandbox:/mnt/data/out.csv', image_png_base64: TINY_PNG, files: [{ filename: 'out.csv', content_base64: 'YSxi' }] }],
  });
  const run = await seed.beta.threads.runs.createAndPoll(staleThreadId, { assistant_id: defined.id });
  if (run.status !== 'completed') throw new Error(`seed run ended ${run.status}`);
  await ledger.recordRun({ threadId: staleThreadId, runId: run.id, ownerId: 'alice', assistantKey: 'default', status: 'completed', createdAt: t0 });
  const outputs = (await seed.files.list({})).data.filter((f) => f.purpose === 'assistants_output').map((f) => f.id);
  if (outputs.length !== 2) throw new Error(`expected 2 run outputs, found ${outputs.length}`);
  gone.threads.push(staleThreadId);
  gone.files.push(...outputs);

  const activeThreadId = await ourThread(stack, 'bob', t0);
  await ledger.setActiveRun(activeThreadId, 'run_still_going', { at: t0 });
  kept.threads.push(activeThreadId);

  // Alice's uploads: one attached to her live thread (the attachment was never registered), one never used.
  const freshThread = await ourThread(stack, 'alice', t0);
  const attached = await ourUpload(stack, 'alice', 'data.csv', t0);
  await seed.beta.threads.messages.create(freshThread, { role: 'user', content: 'see file', attachments: [{ file_id: attached, tools: [{ type: 'code_interpreter' }] }] });
  kept.threads.push(freshThread);
  kept.files.push(attached);
  gone.files.push(await ourUpload(stack, 'alice', 'notes.txt', t0));

  kept.threads.push((await seed.beta.threads.create()).id); // not in our ledger: never ours

  // Ledger retention: a run recorded long ago on the kept thread.
  await ledger.recordRun({ threadId: freshThread, runId: 'run_ancient', ownerId: 'alice', assistantKey: 'default', status: 'completed', createdAt: t0 - 100 * DAY });

  // Eight days later: fresh objects, and activity on the fresh thread.
  await stack.advanceClock(8 * DAY);
  const now = await stack.clockNow();
  await ledger.touchThread(freshThread, now);
  kept.files.push(await ourUpload(stack, 'alice', 'new.csv', now), await upload(seed, `${DEPLOYMENT}~1111111111111111~sales__new.csv`));
  kept.vectorStores.push(await ourVectorStore(stack));

  return {
    gone,
    kept,
    staleThreadId,
    activeThreadId,
    expected: {
      threads: kind(2, 1, { active_run: 1 }),
      assistants: kind(4, 1, { defined: 1, foreign: 2 }),
      vector_stores: kind(5, 2, { referenced: 1, foreign: 1, fresh: 1 }),
      files: kind(10, 4, { referenced: 2, foreign: 2, fresh: 2 }),
      ledger: kind(1, 1),
    },
    wouldDelete: {
      threads: [staleThreadId],
      assistants: gone.assistants,
      vector_stores: [...gone.vectorStores].sort(),
      // Run outputs of the thread that would go are counted too, though nothing was written down.
      files: [...gone.files].sort(),
      ledger: ['run:run_ancient'],
    },
    // Three uploads; the sweep records the stale thread's two outputs, then deletes them and the unused upload.
    fileRows: { before: 3, after: 2 },
  };
}

async function seedStale(stack: Stack, n: number): Promise<StaleSet> {
  const t0 = await stack.clockNow();
  const ids = empty();
  for (let i = 0; i < n; i++) {
    ids.threads.push(await ourThread(stack, `user${i}`, t0));
    ids.files.push(await ourUpload(stack, `user${i}`, `upload${i}.txt`, t0));
    ids.vectorStores.push(await ourVectorStore(stack));
    ids.assistants.push((await stack.seed.beta.assistants.create({ model: 'gpt-4o', metadata: { app_deployment: DEPLOYMENT, app_key: `retired${i}` } })).id);
  }
  await stack.advanceClock(8 * DAY);
  return { ids, threadIds: [...ids.threads] };
}

export const assistantsWorld: ProtocolWorld = {
  seedWorld,
  seedStale,
  staleKinds: ['threads', 'assistants', 'vector_stores', 'files'],
  threadKey: 'threads',
  existing: (client, ids) =>
    existingBy(ids, {
      threads: (id) => client.beta.threads.retrieve(id),
      assistants: (id) => client.beta.assistants.retrieve(id),
      vectorStores: (id) => client.vectorStores.retrieve(id),
      files: (id) => client.files.retrieve(id),
    }),
  deletePaths: (ids) => pathsBy(ids, { threads: '/threads', assistants: '/assistants', vectorStores: '/vector_stores', files: '/files' }),
  threadDeletePath: async (_stack, threadId) => `/threads/${threadId}`,
  otherProtocolPaths: /^\/(conversations|responses|containers)\b/,
};
