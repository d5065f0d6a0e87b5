import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDefinedAssistantKeys } from '../../../src/sweep/defined-assistant-keys';

describe('readDefinedAssistantKeys', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names every definition by file name and key, broken files included', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sweep-keys-'));
    await writeFile(path.join(dir, 'sales.json'), JSON.stringify({ key: 'sales' }));
    await writeFile(path.join(dir, 'typo.json'), JSON.stringify({ key: 'tpyo' }));
    await writeFile(path.join(dir, 'broken.json'), '{ not json');
    await writeFile(path.join(dir, 'README.md'), '# not a definition');
    expect(await readDefinedAssistantKeys(dir)).toEqual(['broken', 'sales', 'tpyo', 'typo']);
  });

  it('reads the repository definitions', async () => {
    expect(await readDefinedAssistantKeys(path.resolve(__dirname, '../../../assistants'))).toContain('default');
  });

  it('throws when the folder cannot be read, rather than answering no keys', async () => {
    await expect(readDefinedAssistantKeys(path.join(tmpdir(), 'no-such-folder-sweep'))).rejects.toThrow();
  });
});
