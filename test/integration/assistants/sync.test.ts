// syncAssistants and the resolver against the real local Assistants API server.
import { createHash, randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAssistantsServer } from '../../../local/assistants-server';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logging';
import { createToolRegistry } from '../../../src/tools';
import { createAssistantResolver, formatSyncReport, loadAssistantDefinitions, syncAssistants, uploadedFileName, type AssistantDefinition, type SyncReport } from '../../../src/assistants';
import type { UpstreamProtocol } from '../../../src/upstream/port';

const ROOT = path.resolve(__dirname, '../../..');
const registry = createToolRegistry({ config: loadConfig({}) });
const logger = createLogger({ level: 'error' });

let server: { url: string; close(): Promise<void> };
let dataDir: string;
let definitions: AssistantDefinition[];

interface Recorded {
  method: string;
  path: string;
}

/** A client whose requests are recorded, so tests can assert what the sync wrote. */
function recordingClient(): { client: OpenAI; requests: Recorded[]; writes: () => Recorded[] } {
  const requests: Recorded[] = [];
  const client = new OpenAI({
    baseURL: `${server.url}/v1`,
    apiKey: 'local-dev-key',
    maxRetries: 0,
    fetch: async (input, init) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      requests.push({ method: (init?.method ?? 'GET').toUpperCase(), path: url.pathname });
      return fetch(input, init);
    },
  });
  return { client, requests, writes: () => requests.filter((r) => r.method !== 'GET') };
}

/** The sync on the Assistants protocol unless told otherwise (each protocol's path is tested whatever the app's is). */
function sync(client: OpenAI, deploymentId: string, defs: AssistantDefinition[] = definitions, dir = dataDir, protocol: UpstreamProtocol = 'assistants'): Promise<SyncReport> {
  return syncAssistants({
    client,
    protocol,
    definitions: defs,
    dataDir: dir,
    deploymentId,
    // MCP tools (scheduler) are declared by their servers, which this suite does not start: left off.
    functionTools: (names) => registry.functionTools(names.filter((name) => registry.has(name))),
    defaultModel: 'gpt-4o',
    logger,
  });
}

const newDeployment = () => `it-${randomUUID().slice(0, 8)}`;
const keys = () => definitions.map((d) => d.key).sort();

beforeAll(async () => {
  server = await startAssistantsServer();
  // A private copy of data/, so a test can change a file's content.
  dataDir = await mkdtemp(path.join(tmpdir(), 'assistants-data-'));
  await cp(path.join(ROOT, 'data'), dataDir, { recursive: true });
  definitions = await loadAssistantDefinitions(path.join(ROOT, 'assistants'), { knownTools: registry.names(), dataDir });
});

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('syncAssistants', () => {
  it('creates every assistant with its files and tags, then does nothing on a second sync', async () => {
    const deploymentId = newDeployment();
    const first = recordingClient();
    const created = await sync(first.client, deploymentId);
    expect(created.created.sort()).toEqual(keys());
    expect(created.updated).toEqual([]);
    expect(created.filesUploaded.sort()).toEqual([
      'banking/failed_banks.csv',
      'finance/portfolio.csv',
      'sales/customers.csv',
      'sales/inventory.csv',
      'sales/orders.csv',
      'sales/sellers.csv',
    ]);

    // Upstream holds what the definition says, tagged as ours, with the uploaded bytes.
    const portfolio = await first.client.beta.assistants.retrieve(created.map.portfolio!.assistantId!);
    expect(portfolio.metadata).toMatchObject({ app_key: 'portfolio', app_deployment: deploymentId, app_hash: created.map.portfolio!.hash });
    expect(portfolio.tools.map((t) => (t.type === 'function' ? t.function.name : t.type))).toEqual(['code_interpreter', 'get_stock_price', 'send_email']);
    expect(portfolio.tool_resources?.code_interpreter?.file_ids).toEqual(created.map.portfolio!.fileIds);
    const fileId = created.map['failed-banks']!.fileIds[0]!;
    const uploaded = Buffer.from(await (await first.client.files.content(fileId)).arrayBuffer());
    expect(uploaded.equals(await readFile(path.join(dataDir, 'banking/failed_banks.csv')))).toBe(true);

    const second = recordingClient();
    const again = await sync(second.client, deploymentId);
    expect(again.created).toEqual([]);
    expect(again.updated).toEqual([]);
    expect(again.unchanged.sort()).toEqual(keys());
    expect(again.filesUploaded).toEqual([]);
    expect(again.filesReused).toHaveLength(6);
    expect(again.map).toEqual(created.map);
    expect(second.writes()).toEqual([]);
  });

  it('updates exactly the assistant whose instructions changed, in place', async () => {
    const deploymentId = newDeployment();
    const { client, writes } = recordingClient();
    const before = await sync(client, deploymentId);
    const changed = definitions.map((d) => (d.key === 'trading' ? { ...d, instructions: `${d.instructions}\nAlways quote prices in USD.` } : d));
    const writesBefore = writes().length;

    const after = await sync(client, deploymentId, changed);
    expect(after.updated).toEqual(['trading']);
    expect(after.created).toEqual([]);
    expect(after.unchanged.sort()).toEqual(keys().filter((k) => k !== 'trading'));
    expect(after.map.trading!.assistantId).toBe(before.map.trading!.assistantId);
    expect(after.map.trading!.hash).not.toBe(before.map.trading!.hash);
    expect(writes().slice(writesBefore)).toEqual([{ method: 'POST', path: `/v1/assistants/${before.map.trading!.assistantId}` }]);
    const upstream = await client.beta.assistants.retrieve(before.map.trading!.assistantId!);
    expect(upstream.instructions).toContain('Always quote prices in USD.');
  });

  it('uploads a changed data file once and updates only the assistants that attach it', async () => {
    const deploymentId = newDeployment();
    const dir = await mkdtemp(path.join(tmpdir(), 'assistants-data-'));
    try {
      await cp(dataDir, dir, { recursive: true });
      const { client } = recordingClient();
      const before = await sync(client, deploymentId, definitions, dir);
      await writeFile(path.join(dir, 'finance/portfolio.csv'), 'Symbol,Average_Cost,QTY\nMSFT,210,10\n');

      const after = await sync(client, deploymentId, definitions, dir);
      expect(after.filesUploaded).toEqual(['finance/portfolio.csv']);
      expect(after.filesReused).toHaveLength(5);
      expect(after.updated).toEqual(['portfolio']);
      const newFileId = after.map.portfolio!.fileIds[0]!;
      expect(newFileId).not.toBe(before.map.portfolio!.fileIds[0]);
      const upstream = await client.beta.assistants.retrieve(after.map.portfolio!.assistantId!);
      expect(upstream.tool_resources?.code_interpreter?.file_ids).toEqual([newFileId]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports an assistant that is no longer defined as removed and leaves it upstream', async () => {
    const deploymentId = newDeployment();
    const { client, writes } = recordingClient();
    const before = await sync(client, deploymentId);
    const tradingId = before.map.trading!.assistantId!;
    const writesBefore = writes().length;

    const after = await sync(
      client,
      deploymentId,
      definitions.filter((d) => d.key !== 'trading'),
    );
    expect(after.removed).toEqual([{ key: 'trading', id: tradingId }]);
    expect(after.map.trading).toBeUndefined();
    expect(writes().slice(writesBefore)).toEqual([]);
    expect((await client.beta.assistants.retrieve(tradingId)).metadata).toMatchObject({ app_key: 'trading', app_deployment: deploymentId });
  });

  it("never touches other deployments' or untagged assistants, even under one of our keys", async () => {
    const deploymentId = newDeployment();
    const { client, requests } = recordingClient();
    const foreign = await Promise.all([
      client.beta.assistants.create({ model: 'gpt-4o', name: 'Hand-made', instructions: 'mine' }),
      client.beta.assistants.create({ model: 'gpt-4o', name: 'Other deployment', instructions: 'theirs', metadata: { app_deployment: 'someone-else', app_key: 'sales', app_hash: 'x' } }),
      client.beta.assistants.create({ model: 'gpt-4o', name: 'Key but no deployment', instructions: 'tagged', metadata: { app_key: 'sales' } }),
    ]);
    const snapshot = await Promise.all(foreign.map((a) => client.beta.assistants.retrieve(a.id)));
    const seen = requests.length;

    const report = await sync(client, deploymentId);
    expect(report.created.sort()).toEqual(keys());
    expect(report.removed).toEqual([]);
    expect(report.duplicates).toEqual([]);
    const foreignIds = new Set(foreign.map((a) => a.id));
    expect(Object.values(report.map).some((m) => foreignIds.has(m.assistantId ?? ''))).toBe(false);
    expect(requests.slice(seen).filter((r) => [...foreignIds].some((id) => r.path.includes(id)))).toEqual([]);
    expect(await Promise.all(foreign.map((a) => client.beta.assistants.retrieve(a.id)))).toEqual(snapshot);
  });

  it('keeps the newest of duplicated assistants for a key and reports the others', async () => {
    const deploymentId = newDeployment();
    const { client } = recordingClient();
    const tags = { app_deployment: deploymentId, app_key: 'math-tutor', app_hash: 'stale' };
    const older = await client.beta.assistants.create({ model: 'gpt-4o', name: 'old copy', metadata: tags });
    await new Promise((r) => setTimeout(r, 1_100)); // created_at has one-second resolution
    const newer = await client.beta.assistants.create({ model: 'gpt-4o', name: 'new copy', metadata: tags });

    const report = await sync(client, deploymentId);
    expect(report.duplicates).toEqual([{ key: 'math-tutor', id: older.id }]);
    expect(report.updated).toEqual(['math-tutor']);
    expect(report.created).not.toContain('math-tutor');
    expect(report.map['math-tutor']!.assistantId).toBe(newer.id);
    expect((await client.beta.assistants.retrieve(older.id)).name).toBe('old copy');
  });
});

describe('syncAssistants on the Responses protocol', () => {
  it('uploads the data files under the names the adapter looks for, writes no assistant, and reuses them next time', async () => {
    const deploymentId = newDeployment();
    const first = recordingClient();
    const report = await sync(first.client, deploymentId, definitions, dataDir, 'responses');
    expect(report).toMatchObject({ protocol: 'responses', created: [], updated: [], unchanged: [], removed: [], duplicates: [] });
    expect(report.defined.sort()).toEqual(keys());
    expect(report.filesUploaded).toHaveLength(6);
    expect(first.requests.filter((r) => r.path.startsWith('/v1/assistants'))).toEqual([]);
    expect(first.writes().every((w) => w.method === 'POST' && w.path === '/v1/files')).toBe(true);
    // Each definition's files, by id, under the content name (what the adapter finds them by).
    const content = await readFile(path.join(dataDir, 'banking/failed_banks.csv'));
    const expectedName = uploadedFileName(deploymentId, { path: 'banking/failed_banks.csv', sha256: createHash('sha256').update(content).digest('hex') });
    const fileId = report.map['failed-banks']!.fileIds[0]!;
    expect((await first.client.files.retrieve(fileId)).filename).toBe(expectedName);
    expect(report.map['failed-banks']!.assistantId).toBeUndefined();
    expect(formatSyncReport(report).at(-1)).toBe('summary: 7 defined, no assistants written (Responses protocol)');

    const second = recordingClient();
    const again = await sync(second.client, deploymentId, definitions, dataDir, 'responses');
    expect(again.filesUploaded).toEqual([]);
    expect(again.filesReused).toHaveLength(6);
    expect(again.map).toEqual(report.map);
    expect(second.writes()).toEqual([]);
  });

  it('fails before writing anything when a definition names a tool the registry does not declare', async () => {
    const { client, writes } = recordingClient();
    const broken = definitions.map((d) => (d.key === 'portfolio' ? { ...d, tools: [...d.tools, { function: 'no_such_tool' }] } : d));
    await expect(sync(client, newDeployment(), broken, dataDir, 'responses')).rejects.toThrow(/no_such_tool/);
    expect(writes()).toEqual([]);
  });
});

describe('createAssistantResolver on a synced deployment', () => {
  it('maps every key to its synced id with one list call', async () => {
    const deploymentId = newDeployment();
    const report = await sync(recordingClient().client, deploymentId);
    const { client, requests } = recordingClient();
    const resolver = createAssistantResolver({ client, deploymentId, definitions, ttlMs: 60_000 });

    const resolved = await Promise.all(keys().map((key) => resolver.resolve(key)));
    expect(Object.fromEntries(resolved.map((r) => [r.definition.key, r.assistantId]))).toEqual(
      Object.fromEntries(Object.entries(report.map).map(([key, m]) => [key, m.assistantId])),
    );
    expect((await resolver.list()).every((entry) => entry.assistantId === report.map[entry.key]?.assistantId)).toBe(true);
    expect(requests).toEqual([{ method: 'GET', path: '/v1/assistants' }]);
  });
});
