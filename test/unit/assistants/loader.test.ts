import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssistantDefinitionError, loadAssistantDefinitions } from '../../../src/assistants';
import { createToolRegistry } from '../../../src/tools';
import { loadConfig } from '../../../src/config';

const KNOWN = ['send_email', 'get_stock_price'];
let root: string;
let dir: string;

const valid = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  name: `Assistant ${key}`,
  instructions: 'Be helpful.',
  intent: `Questions about ${key}.`,
  ...extra,
});

async function put(name: string, content: unknown): Promise<void> {
  await writeFile(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
}

async function problemsOf(): Promise<string[]> {
  try {
    await loadAssistantDefinitions(dir, { knownTools: KNOWN });
  } catch (error) {
    expect(error).toBeInstanceOf(AssistantDefinitionError);
    return (error as AssistantDefinitionError).problems;
  }
  throw new Error('expected the load to fail');
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'assistants-'));
  dir = path.join(root, 'assistants');
  await mkdir(dir);
  await mkdir(path.join(root, 'data', 'finance'), { recursive: true });
  await writeFile(path.join(root, 'data', 'finance', 'portfolio.csv'), 'Symbol,Average_Cost,QTY\nMSFT,200,300\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadAssistantDefinitions', () => {
  it('loads valid files sorted by key, applying defaults and joining line arrays', async () => {
    await put('trading.json', valid('trading', { tools: [{ function: 'get_stock_price' }] }));
    await put(
      'portfolio.json',
      valid('portfolio', { instructions: ['Line one.', 'Line two.'], tools: ['code_interpreter', { function: 'send_email' }], files: ['finance/portfolio.csv'] }),
    );
    await put('README.md', 'not a definition');
    const defs = await loadAssistantDefinitions(dir, { knownTools: KNOWN });
    expect(defs.map((d) => d.key)).toEqual(['portfolio', 'trading']);
    expect(defs[0]?.instructions).toBe('Line one.\nLine two.');
    expect(defs[0]?.files).toEqual(['finance/portfolio.csv']);
    expect(defs[1]?.files).toEqual([]);
    expect(defs[1]?.threadPerUser).toBe(false);
  });

  it('names the path and the problem for an unknown function tool', async () => {
    await put('portfolio.json', valid('portfolio', { tools: ['code_interpreter', { function: 'send_mail' }] }));
    const problems = await problemsOf();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/portfolio\.json: tools\[1\]\.function: unknown tool "send_mail"/);
  });

  it('reports bad JSON with the file path', async () => {
    await put('broken.json', '{ "key": "broken", ');
    const problems = await problemsOf();
    expect(problems[0]).toMatch(/broken\.json: invalid JSON/);
  });

  it('reports a data file that does not exist', async () => {
    await put('sales.json', valid('sales', { tools: ['code_interpreter'], files: ['sales/orders.csv'] }));
    const problems = await problemsOf();
    expect(problems[0]).toMatch(/sales\.json: files\[0\]: data file not found: .*data[/\\]sales[/\\]orders\.csv/);
  });

  it('rejects a key that does not match the file name', async () => {
    await put('sales.json', valid('sales-v2'));
    const problems = await problemsOf();
    expect(problems[0]).toMatch(/sales\.json: key: "sales-v2" does not match the file name \(expected "sales"\)/);
  });

  it('lists every broken file in one error, and its message carries them all', async () => {
    await put('a.json', valid('a', { instruction: 'typo' }));
    await put('b.json', valid('b', { intent: undefined }));
    await put('c.json', valid('c', { files: ['finance/portfolio.csv'] }));
    await put('d.json', valid('d', { files: ['../secrets.txt'], tools: ['code_interpreter'] }));
    await put('e.json', valid('e', { runInstructions: 'Hello {{user}}', metadata: { app_key: 'x' } }));
    await put('ok.json', valid('ok'));
    let message = '';
    const problems = await problemsOf();
    await loadAssistantDefinitions(dir, { knownTools: KNOWN }).catch((e: Error) => (message = e.message));
    expect(problems).toEqual([
      expect.stringMatching(/a\.json: unknown field\(s\) "instruction"/),
      expect.stringMatching(/b\.json: intent: /),
      expect.stringMatching(/c\.json: files: attached files need the "code_interpreter" tool/),
      expect.stringMatching(/d\.json: files\[0\]: "\.\.\/secrets\.txt" must be a relative path inside the data folder/),
      expect.stringMatching(/e\.json: runInstructions: unknown placeholder \{\{user\}\}/),
      expect.stringMatching(/e\.json: metadata\.app_key: keys starting with "app_" are reserved/),
    ]);
    for (const p of problems) expect(message).toContain(p);
  });

  it('fails on an empty folder rather than syncing nothing', async () => {
    const problems = await problemsOf();
    expect(problems[0]).toMatch(/no assistant definitions/);
  });
});

describe('the assistants shipped in assistants/', () => {
  it('load against the real tool registry and cover the seed assistants', async () => {
    const registry = createToolRegistry({ config: loadConfig({}) });
    const defs = await loadAssistantDefinitions(path.resolve(__dirname, '../../../assistants'), { knownTools: registry.names() });
    const byKey = new Map(defs.map((d) => [d.key, d]));
    expect([...byKey.keys()].sort()).toEqual(['default', 'failed-banks', 'math-tutor', 'portfolio', 'sales', 'scheduler', 'trading']);
    expect(byKey.get('default')?.tools).toEqual(expect.arrayContaining(registry.names().map((name) => ({ function: name }))));
    expect(byKey.get('failed-banks')?.files).toEqual(['banking/failed_banks.csv']);
    expect(byKey.get('portfolio')?.tools).toEqual(['code_interpreter', { function: 'get_stock_price' }, { function: 'send_email', approval: 'required' }]);
    expect(byKey.get('sales')?.threadPerUser).toBe(true);
    expect(byKey.get('sales')?.files).toHaveLength(4);
    expect(byKey.get('trading')?.tools).toEqual([{ function: 'get_stock_price' }]);
    expect(byKey.get('scheduler')?.mcpServers?.map((s) => [s.name, s.transport, s.tools.map((t) => [t.name, t.idempotent, t.approval ?? 'never'])])).toEqual([
      ['calendar', 'http', [['list_events', true, 'never'], ['find_free_slot', true, 'never'], ['create_event', false, 'required']]],
    ]);
    for (const def of defs) expect(def.intent.length).toBeGreaterThan(20);
  });
});
